"""Who may sign in, and how: organisations' own identity providers, invitations, the
second-factor policy, and the record of security events."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .fields import NOTE, LimitedCharField
from .people import Organisation, Partnership, Role, User


class IdentityProvider(models.Model):
    """An organisation's own sign-in (OpenID Connect), added at run time by the performance
    team. The protocol side (issuer, client id and secret) is django-allauth's SocialApp
    row for its `openid_connect` provider; this row says whose it is and which e-mail
    domains it serves (SignInDomain), so the sign-in page can send people to it."""

    name = LimitedCharField(max_length=100, help_text="As people know it: “Trafford Council”.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="identity_providers"
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="identity_provider"
    )
    trusted = models.BooleanField(
        "trusted for its domains",
        default=True,
        help_text=(
            "Someone signing in through it with a verified e-mail address in one of its "
            "domains is matched to the Golden Thread account with that address."
        ),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SignInDomain(models.Model):
    """An e-mail domain (lower case, no @) whose people sign in through one provider."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    domain = LimitedCharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Invitation(models.Model):
    """An invitation to someone, by e-mail, to join a partnership in a role (or the
    council performance team). The link carries a random token, of which only the SHA-256
    hash is kept; it works once, until `expires_at`."""

    email = models.EmailField(max_length=254)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
        help_text="The organisation the person will represent in the partnership.",
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    as_performance_team = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_performance_team=True)
                | (Q(partnership__isnull=False) & Q(role__in=[r.value for r in Role])),
                name="invitation_to_a_partnership_role_or_the_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.email}"


class SecurityPolicy(models.Model):
    """The council's sign-in policy: one row, changed by the performance team."""

    require_second_factor = models.BooleanField(
        null=True,
        blank=True,
        help_text=(
            "Every local account must use a second factor. Unset: the deployment's default "
            "(GT_REQUIRE_MFA, on in production)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "Sign-in policy"

    @classmethod
    def current(cls) -> "SecurityPolicy":
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def second_factor_required(self) -> bool:
        if self.require_second_factor is None:
            return settings.GT_REQUIRE_MFA
        return self.require_second_factor


class SecurityEvent(models.Model):
    """Something that matters to the account's safety, with who, when and from where."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused: too many failures"
        SIGNED_OUT = "signed_out", "Signed out"
        SESSION_EXPIRED = "session_expired", "Session ended: idle or too long"
        SECOND_FACTOR_ADDED = "mfa_added", "Second factor added"
        SECOND_FACTOR_REMOVED = "mfa_removed", "Second factor removed"
        RECOVERY_CODES = "recovery_codes", "Recovery codes made again"
        SECOND_FACTOR_FAILED = "mfa_failed", "Second factor refused"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        PASSWORD_RESET_ASKED = "password_reset_asked", "Password reset asked for"
        INVITED = "invited", "Invited"
        INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
        INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
        ROLE_CHANGED = "role_changed", "Role changed"
        MEMBER_REMOVED = "member_removed", "Removed from a partnership"
        DEACTIVATED = "deactivated", "Account deactivated"
        REACTIVATED = "reactivated", "Account reactivated"
        PROVIDER_LINKED = "provider_linked", "Organisation sign-in linked"
        PROVIDER_REFUSED = "provider_refused", "Organisation sign-in refused"
        PROVIDER_CHANGED = "provider_changed", "Identity provider added or changed"
        POLICY_CHANGED = "policy_changed", "Sign-in policy changed"
        REFUSED = "refused", "Request refused (403)"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        TOKEN_REFUSED = "token_refused", "API token refused"
        LICENCE_CHANGED = "licence_changed", "Open data licence changed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Who did it (None when nobody was signed in), and whom it is about.
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events"
    )
    # What was typed as the username or e-mail, for failed sign-ins with no such account.
    # These four are cut to length and cleaned of control characters when recorded
    # (core.security.record): they come from whoever sent the request.
    login = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=NOTE, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
