"""The yearly partnership health check (issue 17): a short questionnaire each lead and
member answers about how the partnership works. The statements are in
goldenthread.rules.health_check; here are the health check of a year, the answers, and
the actions raised from its weak themes.

Anonymity is kept in the data itself, not only on the pages. An anonymous health check's
response does not point to the person who gave it: it keeps a keyed hash of who they are
(`respondent_key`), only so that nobody answers twice, and no date or time. Responses and
answers have no history table either: a history row names the person who wrote it."""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from goldenthread.rules import year_label

from .fields import TEXT, LimitedCharField, LimitedTextField, YearRule
from .people import Partnership, User
from .plans import Action


def respondent_key_for(health_check_id: int, user_id: int) -> str:
    """Who answered, as a keyed hash (HMAC-SHA256 with the site's SECRET_KEY) of this
    health check and the person: the same person gets the same key for the same health
    check, so they cannot answer twice, and different keys in different years, so years
    cannot be matched up. Without the secret key, the key says nothing of who it is."""
    message = f"health-check:{health_check_id}:user:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class HealthCheck(models.Model):
    """A partnership's health check of one financial year: open from `opens_on` until the
    end of `closes_on`, or until a lead or the performance team closes it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="health_checks"
    )
    year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2025 for 2025/26."
    )
    version = models.PositiveSmallIntegerField(
        default=1, help_text="The version of the questionnaire it asks."
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    anonymous = models.BooleanField(
        default=True, help_text="Nobody, not even the database, can tell who answered what."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"], name="one_health_check_per_year"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="health_check_closes_after_it_opens",
                violation_error_message="The closing date must be on or after the opening date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} health check {self.year}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    def is_open(self, today) -> bool:
        """Taking answers: not closed by anyone, and `today` within its dates."""
        return self.state == self.State.OPEN and self.opens_on <= today <= self.closes_on

    def is_closed(self, today) -> bool:
        """Closed by someone, or past its closing date. Results are shown only then."""
        return self.state == self.State.CLOSED or today > self.closes_on


class HealthCheckResponse(models.Model):
    """One person's answers. `respondent` is kept only when the health check is not
    anonymous; `respondent_key` always, to stop a second answer."""

    # Random, not counting up: ids in order would tell the order people answered in.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="responses"
    )
    respondent_key = models.CharField(max_length=64)
    respondent = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Not by id: the order people answered in is not for anyone to read.
        ordering = ["health_check", "respondent_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_check", "respondent_key"], name="one_response_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"A response to {self.health_check}"


class HealthCheckAnswer(models.Model):
    """The answer to one statement: a score on the agree scale (1 strongly disagree to 5
    strongly agree), or none for "don't know"."""

    # Random, as the response's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    response = models.ForeignKey(
        HealthCheckResponse, on_delete=models.CASCADE, related_name="answers"
    )
    statement = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "statement"], name="one_answer_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="health_check_score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score if self.score is not None else 'do not know'}"


class HealthCheckComment(models.Model):
    """What someone wrote about a theme. Shown, like the figures, only when at least three
    have answered, and never beside the answers of the response it came with."""

    # Random, as the response's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    response = models.ForeignKey(
        HealthCheckResponse, on_delete=models.CASCADE, related_name="comments"
    )
    theme = models.CharField(max_length=20)
    text = LimitedTextField(max_length=TEXT)

    class Meta:
        ordering = ["response", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["response", "theme"], name="one_comment_per_theme")
        ]

    def __str__(self) -> str:
        return f"A comment on {self.theme}"


class HealthCheckAction(models.Model):
    """An action in the partnership's plan raised from a theme of a health check."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="actions")
    theme = LimitedCharField(max_length=20)
    action = models.OneToOneField(
        Action, on_delete=models.CASCADE, related_name="health_check_link"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["health_check", "theme", "created_at"]

    def __str__(self) -> str:
        return f"{self.action} from {self.health_check} ({self.theme})"
