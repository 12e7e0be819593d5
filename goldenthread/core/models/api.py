"""Access from other systems: personal access tokens for the JSON API, and the council's
open-data licence."""

from django.db import models
from django.utils import timezone

from .fields import LimitedCharField
from .people import User


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiToken(models.Model):
    """A person's personal access token for the API. Only the SHA-256 of the secret is
    kept; the secret is shown once, when the token is made. A token acts as its person,
    with that person's partnerships and roles, limited further by its scope."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = LimitedCharField(max_length=100, help_text="What it is for: “Power BI dashboard”.")
    # The first characters of the secret, shown so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    secret_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


OGL_V3 = "Open Government Licence v3.0"
OGL_V3_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class OpenDataLicence(models.Model):
    """The licence the council publishes its open data under: one row, changed by the
    performance team. The Open Government Licence v3.0 unless the council chooses another."""

    name = LimitedCharField(max_length=200, default=OGL_V3)
    url = models.URLField(max_length=300, default=OGL_V3_URL)
    attribution = LimitedCharField(
        max_length=300,
        blank=True,
        help_text="How re-users should credit the council: “Contains Trafford Council data”.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "OpenDataLicence":
        return cls.objects.get_or_create(pk=1)[0]
