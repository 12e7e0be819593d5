from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .fields import TEXT, LimitedCharField, LimitedTextField


class Organisation(models.Model):
    """A partner body: the council, police, NHS, fire, a charity, a business."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police"
        NHS = "nhs", "NHS"
        FIRE = "fire", "Fire and rescue"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        HOUSING = "housing", "Housing provider"
        BUSINESS = "business", "Business"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other public body"

    name = LimitedCharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. `is_performance_team` marks the council's performance team, who see
    every partnership and run the reporting calendar."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    job_title = LimitedCharField(max_length=200, blank=True)
    is_performance_team = models.BooleanField(
        "council performance team",
        default=False,
        help_text="Sees every partnership, runs the reporting calendar and signs off returns.",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnershipQuerySet":
        """Deny by default: the performance team sees every partnership, everyone else
        only those they are a member of."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_performance_team:
            return self.all()
        return self.filter(memberships__person=user).distinct()


class Partnership(models.Model):
    name = LimitedCharField(max_length=200, unique=True)
    short_name = LimitedCharField(max_length=40, blank=True)
    purpose = LimitedTextField(blank=True, max_length=TEXT)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_partnerships"
    )
    lead_link_officer = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnerships_as_link_officer",
        help_text="Completes the annual update form; must also be a lead member.",
    )
    members = models.ManyToManyField(User, through="Membership", related_name="partnerships")
    is_public = models.BooleanField(
        "public page",
        default=False,
        help_text="Has a public page of its published indicators and reports, and nothing else.",
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Illustrative demonstration data: its pages say so.",
    )
    # A partnership that has ended is closed, not deleted: its record stays, read only.
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = LimitedTextField(blank=True, max_length=TEXT)

    objects = PartnershipQuerySet.as_manager()
    # Publishing a public page, or taking it down, is on the record.
    history = HistoricalRecords(excluded_fields=["members"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Role(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A person's place in a partnership, and the organisation they represent there."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["partnership", "role", "person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "person"], name="one_membership_per_person"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.partnership})"
