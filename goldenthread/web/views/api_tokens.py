"""“API tokens” (issue 15), under “Your account”: the personal access tokens a person
uses to reach the JSON API from other systems (Power BI, a spreadsheet, a partner's own
system). Make one (its secret is shown once, on the page that made it), see when each was
last used and from where, and revoke one. The performance team sees and revokes anyone's
from the person's page (a lost laptop, someone leaving). The rules are the service's
(core.services.api_tokens); the form only reads what was typed."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.core.models import ApiToken, TokenScope, User
from goldenthread.core.services import api_tokens
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import DATE_WIDGET, DateField, apply_errors, posted, text_field


class TokenForm(forms.Form):
    name = text_field(
        ApiToken,
        "name",
        label="Name",
        help_text="What it is for, so you know which to revoke: “Power BI dashboard”.",
        error_messages={"required": "Give the token a name that says what it is for"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=TokenScope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose read only, or read and write",
            "invalid_choice": "Choose read only, or read and write",
        },
        help_text=(
            "Read only is enough for dashboards and reports. Read and write may also enter "
            "results, update actions and risks and submit returns, wherever you may."
        ),
    )
    expires_on = DateField(
        label="Expiry date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date the token stops working",
            "invalid": "Enter the expiry date as a real date, like 31/03/2027",
        },
        help_text=f"It stops working at the end of this day: at most a year from today "
        f"(it is {api_tokens.DEFAULT_DAYS} days unless you change it).",
    )


def _token_rows(tokens) -> list[dict]:
    now = timezone.now()
    rows = []
    for token in tokens:
        if token.revoked_at is not None:
            state = f"Revoked {timezone.localtime(token.revoked_at):%-d %B %Y}"
        elif token.expires_at <= now:
            state = "Expired"
        else:
            state = "Active"
        rows.append({"token": token, "state": state, "active": state == "Active"})
    return rows


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Your tokens, and the form to make one. After making one, the same address shows
    its secret, once: it is not kept, so it cannot be shown again."""
    initial = {
        "scope": TokenScope.READ,
        "expires_on": timezone.localdate() + datetime.timedelta(days=api_tokens.DEFAULT_DAYS),
    }
    form = TokenForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_tokens.create_token(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_on"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(
                request, "web/api_tokens/created.html", {"token": token, "secret": secret}
            )
    return render(
        request,
        "web/api_tokens/list.html",
        {
            "form": form,
            "rows": _token_rows(api_tokens.tokens_of(request.user)),
            "longest_days": api_tokens.LONGEST_DAYS,
        },
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Ask, then revoke: the token stops working at once. Someone else's token is not
    found, unless you are in the performance team."""
    token = api_tokens.get_token_for_user(request.user, token_id)
    own = token.person_id == request.user.pk
    back = reverse("api_tokens") if own else reverse("person_api_tokens", args=[token.person_id])
    if request.method == "POST":
        api_tokens.revoke_token(request.user, token=token, request=request)
        messages.success(request, f"“{token.name}” is revoked: it no longer works.")
        return redirect(back)
    return render(
        request,
        "web/api_tokens/revoke.html",
        {"token": token, "own": own, "back": back, "state": _token_rows([token])[0]["state"]},
    )


@login_required
@minimum_role("performance")
@require_http_methods(["GET"])
def person_tokens(request: HttpRequest, person_id: int) -> HttpResponse:
    """The performance team's view of someone's tokens, to revoke any of them."""
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team sees other people's tokens.")
    someone = get_object_or_404(User, pk=person_id)
    return render(
        request,
        "web/api_tokens/person.html",
        {"person": someone, "rows": _token_rows(api_tokens.tokens_of(someone))},
    )


urlpatterns = [
    path("account/api-tokens/", token_list, name="api_tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", token_revoke, name="api_token_revoke"),
    path("people/<int:person_id>/api-tokens/", person_tokens, name="person_api_tokens"),
]
