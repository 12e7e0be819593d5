"""The sign-in pages (issue 14).

Step 1 (/accounts/login/, route "login") asks for an e-mail address or username. An
e-mail whose domain an organisation's identity provider serves goes straight to that
provider (django-allauth's openid_connect login, with `next` kept and the address as
`login_hint`); anything else goes to step 2, the password page (allauth's LoginView with
our template account/login.html), with what was typed filled in.

Our Content-Security-Policy says `form-action 'self'`, and Chrome applies it to the
redirects that follow a form's POST: a page whose form leads to a provider lists the
active providers' origins in its form-action (`allow_forms_to_providers`)."""

import logging

import requests
from allauth.account.views import LoginView
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from goldenthread.core.services import sign_in
from goldenthread.web.sign_in_forms import SignInStartForm

log = logging.getLogger(__name__)

SESSION_LOGIN = "sign_in_login"  # what step 1 was given, for step 2 to fill in


def safe_next(request: HttpRequest) -> str:
    """The page to go to after signing in, if it is one of ours."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if value and ok else ""


def allow_forms_to_providers(response: HttpResponse) -> HttpResponse:
    """Let this page's forms lead to the active identity providers (django-csp 4)."""
    origins = sign_in.provider_origins()
    if origins:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), *origins]
        response._csp_update = update
    return response


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_start(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "home")
    form = SignInStartForm(request.POST or None, initial={"login": request.GET.get("login", "")})
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"]
        provider = sign_in.provider_for_email(login) if "@" in login else None
        if provider is None:
            request.session[SESSION_LOGIN] = login
            return redirect(_with_next(reverse("sign_in_password"), next_url))
        try:
            return provider.app.get_provider(request).redirect(
                request,
                process="login",
                next_url=next_url or None,
                auth_params={"login_hint": login},
            )
        except (requests.RequestException, OAuth2Error, ValueError, KeyError):
            log.warning("identity provider %s did not answer", provider.name, exc_info=True)
            form.add_error(
                None,
                f"{provider.name}'s sign-in is not answering. Try again in a few minutes; "
                "if it goes on, tell your IT team.",
            )
    response = render(request, "web/sign_in/start.html", {"form": form, "next": next_url})
    return allow_forms_to_providers(response)


class PasswordSignInView(LoginView):
    """Step 2: allauth's password sign-in (its limits on guessing, second factor and
    security record apply), with step 1's answer filled in."""

    template_name = "account/login.html"

    def get_initial(self) -> dict:
        return {**super().get_initial(), "login": self.request.session.get(SESSION_LOGIN, "")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        login = form.fields["login"]
        login.label = "Email address or username"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        login.widget.attrs["spellcheck"] = "false"
        login.error_messages["required"] = "Enter your email address or username"
        if "password" in form.fields:
            form.fields["password"].help_text = ""
            form.fields["password"].widget.attrs.pop("placeholder", None)
            form.fields["password"].error_messages["required"] = "Enter your password"
        if "remember" in form.fields:
            form.fields["remember"].label = "Keep me signed in on this device"
        for field in form.fields.values():
            field.widget.attrs.pop("autofocus", None)  # GOV.UK: it skips the heading
        return form

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next"] = safe_next(self.request)
        context["start_url"] = _with_next(reverse("login"), context["next"])
        return context


sign_in_password = PasswordSignInView.as_view()


def provider_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """django-allauth's openid_connect login (its "Continue" page on GET, the redirect to
    the provider on POST), whose page's form leads to the provider."""
    return allow_forms_to_providers(oidc_views.login(request, provider_id))
