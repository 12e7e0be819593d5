"""Notifications: what someone needs to know or do, in the product and (by choice) by
e-mail. Written only by `core.services.notifications.notify`."""

from django.db import models
from django.db.models import Q

from .fields import TEXT, LimitedCharField, LimitedTextField
from .people import Partnership, User


class NotificationKind(models.TextChoices):
    RETURN_RETURNED = "return_returned", "A return sent back for changes"
    RETURN_SIGNED_OFF = "return_signed_off", "A return signed off"
    FORM_RETURNED = "form_returned", "An annual update form sent back for changes"
    FORM_ACCEPTED = "form_accepted", "An annual update form accepted"
    FEEDBACK_RECEIVED = "feedback_received", "Feedback received"
    FEEDBACK_ANSWERED = "feedback_answered", "An answer to your feedback"
    COMMENT = "comment", "A comment mentioning you or addressed to you"
    CORRECTIVE_ASSIGNED = "corrective_assigned", "A corrective action given to you"
    CORRECTIVE_OVERDUE = "corrective_overdue", "A corrective action of yours is overdue"
    PLAN_APPROVED = "plan_approved", "A plan approved"
    PLAN_SIGN_UP = "plan_sign_up", "Asked to sign up to an approved plan"
    PLAN_CONCERN = "plan_concern", "A partner raised a concern about the plan"
    REMINDER = "reminder", "A reminder about a return's deadline"
    HEALTH_CHECK_OPENED = "health_check_opened", "A partnership health check to answer"


class Notification(models.Model):
    """One thing one person is told. `key` makes a notification once-only (the same
    overdue corrective action is not announced every day)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = LimitedCharField(max_length=300)
    body = LimitedTextField(blank=True, max_length=TEXT)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="one_notification_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether a person wants e-mail for one kind of notification (they always see it in
    the product). No row means yes."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} by e-mail {'yes' if self.email else 'no'}"


__all__ = ["Notification", "NotificationKind", "NotificationPreference"]
