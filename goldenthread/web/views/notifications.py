"""The notification centre: a person's own notifications, newest first; opening one
marks it read and goes to what it is about; and which kinds they get by e-mail. Everyone
signed in has one, and sees only their own: another person's notification is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from goldenthread.core.models import Notification, NotificationKind
from goldenthread.core.services import notifications as services
from goldenthread.web.forms import apply_errors, posted

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """A GET lists them; a POST marks them all read."""
    if request.method == "POST":
        changed = services.mark_read(user=request.user)
        messages.success(
            request,
            f"{changed} notification{'s' if changed != 1 else ''} marked as read"
            if changed
            else "You had no unread notifications",
        )
        return redirect("notification_list")
    paginator = Paginator(services.notifications_for(request.user), PAGE_SIZE)
    # A page number out of range or not a number shows the nearest page, never an error.
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "web/notifications/list.html",
        {
            "page": page,
            "notifications": list(page.object_list),
            "unread": services.unread_count(request.user),
        },
    )


@login_required
@require_http_methods(["POST"])
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the person's own notification read and go to what it is about."""
    note = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(user=request.user, pks=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect("notification_list")


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Send me an e-mail about",
        help_text=(
            "Select all that apply. Whatever you choose, every notification is listed on "
            "your notifications page."
        ),
        error_messages={"invalid_choice": "Choose from the kinds of notification listed"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = services.email_preferences(request.user)
    form = PreferencesForm(
        posted(request), initial={"email_kinds": [k for k, on in current.items() if on]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_email_preferences(
                user=request.user, email_kinds=form.cleaned_data["email_kinds"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your notification settings were saved")
            return redirect("notification_settings")
    return render(
        request,
        "web/notifications/settings.html",
        {"form": form, "email": request.user.email, "back_url": reverse("notification_list")},
    )


urlpatterns = [
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/<int:notification_id>/open/", notification_open, name="notification_open"),
    path("notifications/settings/", notification_settings, name="notification_settings"),
]
