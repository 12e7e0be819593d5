from django.apps import AppConfig
from django.db.models.signals import pre_save


def _check_bounds(sender, instance, raw: bool = False, **kwargs) -> None:
    # Fixtures and restores write what was already checked when it was first saved.
    if not raw:
        from .models.fields import check_bounds

        check_bounds(instance)


class CoreConfig(AppConfig):
    name = "goldenthread.core"
    label = "core"
    verbose_name = "Golden Thread"

    def ready(self) -> None:
        # A guard, not a workflow: no save of the domain's models, whichever way it comes
        # (page, admin, import, command, API), stores text, numbers or dates the product
        # cannot keep or show. Services check first, so people see the message next to the
        # field; this makes sure nothing slips past them. Bulk writers call check_bounds.
        for model in self.get_models():
            if not hasattr(model, "instance_type"):  # django-simple-history's copies
                pre_save.connect(_check_bounds, sender=model, dispatch_uid=f"bounds-{model}")
        # The record of security events: sign-ins, sign-outs, second-factor changes.
        from . import security_signals

        security_signals.connect()
        # Passwords changed, set and reset go in the security record (issue 14).
        from . import people_signals

        people_signals.connect()
        # Changes made through the API say so in the history (issue 15).
        from . import audit

        audit.connect()
        # django-allauth's models in the admin: date-times shown, not edited.
        from .admin import tidy_allauth_admin

        tidy_allauth_admin()
