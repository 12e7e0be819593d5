"""The performance team's sign-in security pages: the record of security events (who did
what, when, from where) and the council's second-factor policy. And the admin's sign-in,
which is ours, so the admin has the same limits on guessing and the same second factor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import SecurityEvent, SecurityPolicy
from goldenthread.core.security import security_events, set_second_factor_policy
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import DATE_WIDGET, DateField, posted

PAGE_SIZE = 50


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(label="What happened", required=False)
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=254,
        help_text="Username or e-mail address, or part of one.",
    )
    since = DateField(label="From", required=False, widget=DATE_WIDGET)
    until = DateField(label="To", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Anything"), *SecurityEvent.Kind.choices]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The “to” date must be the same as or after the “from” date")
        return data


@login_required
@minimum_role("performance")
@require_GET
def security_event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    events = security_events(request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "web/security/events.html",
        {"form": form, "page": page, "query": query, "filtered": bool(filters)},
    )


POLICY_CHOICES = {"required": True, "not_required": False, "default": None}


class PolicyForm(forms.Form):
    second_factor = forms.ChoiceField(
        label="Second factor for people who sign in with a password",
        widget=forms.RadioSelect,
        help_text=(
            "People who sign in through their organisation's own sign-in use its second "
            "factor, and are not asked for ours."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default = "required" if settings.GT_REQUIRE_MFA else "not required"
        self.fields["second_factor"].choices = [
            ("required", "Required: everyone must set up an authenticator app or security key"),
            ("not_required", "Not required: each person may choose"),
            ("default", f"This installation's default (now: {default})"),
        ]


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def security_policy(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user)
    policy = SecurityPolicy.current()
    current = {True: "required", False: "not_required", None: "default"}[
        policy.require_second_factor
    ]
    form = PolicyForm(posted(request), initial={"second_factor": current})
    if form.is_bound and form.is_valid():
        set_second_factor_policy(
            request.user, POLICY_CHOICES[form.cleaned_data["second_factor"]], request=request
        )
        messages.success(request, "Sign-in policy saved")
        return redirect("security_policy")
    return render(request, "web/security/policy.html", {"form": form, "policy": policy})


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's own sign-in page is replaced by ours (admin.site.login, goldenthread/
    urls.py): one place to sign in, with its limits on guessing and second factor. A
    member of staff signed in goes on to the admin; someone signed in who is not staff is
    refused."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied("The administration pages are for the system's administrators.")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


urlpatterns = [
    path("security/events/", security_event_list, name="security_event_list"),
    path("security/policy/", security_policy, name="security_policy"),
]
