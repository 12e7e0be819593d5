"""Review and revise: benchmarking against other areas, review meetings, comments and
feedback, lessons learned, and improvement plans for under-performance."""

import hashlib

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .fields import (
    DECIMALS_RULE,
    LONG_TEXT,
    TEXT,
    LimitedCharField,
    LimitedTextField,
    PeriodField,
    YearRule,
)
from .indicators import Indicator
from .people import Partnership, User
from .plans import Action, Objective

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 6}


# --- benchmarking -----------------------------------------------------------------------


class Area(models.Model):
    """A place others publish statistics for: a local authority, a region, England. Coded
    with ONS codes (E08000009 is Trafford; E92000001 is England)."""

    code = LimitedCharField(max_length=12, unique=True)
    name = LimitedCharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComparatorGroup(models.Model):
    """A list of areas to compare with, such as CIPFA nearest neighbours."""

    name = LimitedCharField(max_length=200, unique=True)
    description = LimitedTextField(blank=True, max_length=TEXT)
    areas = models.ManyToManyField(Area, related_name="groups", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComparatorValue(models.Model):
    """Another area's published value of one of our indicators for a period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="comparator_values"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="values")
    period = PeriodField()
    value = models.DecimalField(help_text=DECIMALS_RULE, **VALUE_DIGITS)
    source = LimitedCharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="one_comparator_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.indicator.code} {self.period}: {self.value}"


class ComparatorMapping(models.Model):
    """Remembers which of our indicators a published indicator (and measure) is, so a
    second import of the same kind of file needs no mapping."""

    source_indicator = LimitedCharField(max_length=400)
    source_measure = LimitedCharField(max_length=200, blank=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="comparator_mappings"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_indicator", "source_measure", "indicator"], name="one_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_indicator} → {self.indicator.code}"


class ComparatorLayout(models.Model):
    """A comparator file's layout, remembered: for a file whose headings are these, in this
    order, the columns and breakdown rows chosen when one was last imported, so the next
    file of the same kind (next year's download) opens with them chosen. Published
    reference data like the mappings above: no history, shared by every partnership."""

    headings_key = models.CharField(max_length=64, unique=True)
    headings = models.JSONField(default=list)
    # {"columns": {"area_code": 0, …, "measure": null}, "breakdowns": {"unit": "Persons"}}
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return ", ".join(self.headings)

    @staticmethod
    def key_of(headings: list[str]) -> str:
        """The same for headings that differ only in case and spaces around them."""
        folded = "\x1f".join(str(h).strip().casefold() for h in headings)
        return hashlib.sha256(folded.encode()).hexdigest()

    @classmethod
    def remembered(cls, headings: list[str]) -> dict:
        """The mapping remembered for files with these headings, or {}."""
        found = cls.objects.filter(headings_key=cls.key_of(headings)).first()
        return found.mapping if found and isinstance(found.mapping, dict) else {}


# --- reviewing together -----------------------------------------------------------------


class ReviewMeeting(models.Model):
    """A partnership's review of a quarter: who came (members and people from outside),
    what went well, the challenges, the decisions, and follow-ups that become actions."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="review_meetings"
    )
    period = PeriodField(help_text="The quarter reviewed, like 2025/26 Q3.")
    held_on = models.DateField()
    went_well = LimitedTextField("what went well", blank=True, max_length=LONG_TEXT)
    challenges = LimitedTextField(blank=True, max_length=LONG_TEXT)
    decisions = LimitedTextField(blank=True, max_length=LONG_TEXT)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.partnership} review of {self.period}, {self.held_on:%-d %B %Y}"


class Attendee(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", "Partnership member"
        CUSTOMER = "customer", "Customer or resident"
        STAKEHOLDER = "stakeholder", "Stakeholder"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = LimitedCharField(max_length=200)
    organisation = LimitedCharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEMBER)

    class Meta:
        ordering = ["meeting", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A comment on an indicator, an action or a return, by someone who may see it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="comments")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    ret = models.ForeignKey(
        "Return", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="comments")
    addressed_to = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments_addressed",
        help_text="Someone the comment asks to act or answer; they are told.",
    )
    body = LimitedTextField(max_length=TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(indicator__isnull=False, action__isnull=True, ret__isnull=True)
                    | Q(indicator__isnull=True, action__isnull=False, ret__isnull=True)
                    | Q(indicator__isnull=True, action__isnull=True, ret__isnull=False)
                ),
                name="comment_on_exactly_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author}: {self.body[:40]}"


class Feedback(models.Model):
    """Feedback from a stakeholder or customer (a viewer), which the lead answers; or from
    anyone at all on the partnership's public page (`source` public: no author, and the
    name and e-mail address they chose to give, if any, seen by the leads and the
    performance team only). A public one's answer may be published on the public page,
    with the question and never the name or address."""

    class Source(models.TextChoices):
        MEMBER = "member", "Someone signed in"
        PUBLIC = "public", "The public page"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="feedback_given"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MEMBER)
    name = LimitedCharField(
        "your name", max_length=200, blank=True, help_text="Public feedback only; never shown."
    )
    email = LimitedCharField(
        "your e-mail address",
        max_length=254,
        blank=True,
        help_text="Public feedback only; never shown.",
    )
    about = LimitedCharField(max_length=300, blank=True, help_text="What the feedback is about.")
    body = LimitedTextField(max_length=TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = LimitedTextField(blank=True, max_length=TEXT)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_published = models.BooleanField(
        "publish the answer",
        default=False,
        help_text="The question and the answer are shown on the public page, without the "
        "name or e-mail address.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["member", "public"]), name="feedback_source_valid"
            ),
            # Public feedback has no author, and only it carries a name or an address.
            models.CheckConstraint(
                condition=Q(source="member", name="", email="")
                | Q(source="public", author__isnull=True),
                name="feedback_public_has_no_author",
            ),
            # Only an answer to public feedback is published, and only once there is one.
            models.CheckConstraint(
                condition=Q(answer_published=False) | (Q(source="public") & ~Q(answer="")),
                name="feedback_published_answer_exists",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback from {self.from_text}: {self.body[:40]}"

    @property
    def is_public(self) -> bool:
        return self.source == self.Source.PUBLIC

    @property
    def from_text(self) -> str:
        """Who gave it, for the leads and the performance team (never for the public)."""
        if self.is_public:
            given = ", ".join(part for part in (self.name, self.email) if part)
            return f"{given} (public page)" if given else "Someone on the public page"
        return str(self.author) if self.author_id else "Someone who has left"


# --- revise -----------------------------------------------------------------------------


class Lesson(models.Model):
    """What worked or didn't, and where the learning came from: searchable across every
    partnership a person may see."""

    class Outcome(models.TextChoices):
        WORKED = "worked", "Worked"
        DID_NOT_WORK = "did_not_work", "Did not work"
        MIXED = "mixed", "Mixed results"

    class Source(models.TextChoices):
        THIS_PARTNERSHIP = "this_partnership", "This partnership"
        ANOTHER_PARTNERSHIP = "another_partnership", "Another partnership"
        COUNCIL = "council", "The council"
        OTHER_ORGANISATION = "other_organisation", "Another organisation"
        OTHER_SECTOR = "other_sector", "Another sector"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="lessons")
    title = LimitedCharField(max_length=300)
    what_happened = LimitedTextField(max_length=LONG_TEXT)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, default=Outcome.WORKED)
    source = models.CharField(
        max_length=20, choices=Source.choices, default=Source.THIS_PARTNERSHIP
    )
    source_detail = LimitedCharField(
        max_length=300, blank=True, help_text="Which partnership, council, organisation or sector."
    )
    tags = LimitedCharField(
        max_length=300, blank=True, help_text="Comma-separated, like “youth, early help”."
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="lessons")
    shared = models.BooleanField(
        "shared with every partnership",
        default=False,
        help_text="Every partnership in the council can read it, and learn from it.",
    )
    shared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class ImprovementPlan(models.Model):
    """Asked for when an indicator is red two quarters running; shown until closed."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="improvement_plans"
    )
    triggered_by = PeriodField(help_text="The second red period in a row.")
    summary = LimitedTextField("what will be done", max_length=TEXT)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="improvement_plans")
    review_date = models.DateField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = LimitedTextField(blank=True, max_length=TEXT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(closed_at__isnull=True),
                name="one_open_improvement_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Improvement plan for {self.indicator.code}"


class SuccessStory(models.Model):
    """Celebrating success in the partnership's own words, beside the computed
    highlights: what went well, for whom, and the indicators it is about. Published on
    the public page and in the annual report only when the partnership chooses."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="success_stories"
    )
    year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it belongs to, e.g. 2025 for 2025/26."
    )
    title = LimitedCharField(max_length=300)
    story = LimitedTextField(max_length=LONG_TEXT)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="success_stories")
    published = models.BooleanField(
        "publish it",
        default=False,
        help_text="Shown on the partnership's public page and in its annual report.",
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name_plural = "success stories"

    def __str__(self) -> str:
        return self.title
