"""What every page's header needs."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from goldenthread.core.services.notifications import unread_count


def notifications(request: HttpRequest) -> dict:
    """How many unread notifications the person has: one count query, made only when a
    template shows it (an e-mail or a partial rendered without the header costs none)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
