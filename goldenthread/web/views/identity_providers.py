"""The performance team's pages for organisations' identity providers: the list (with each
one's callback URL to give the organisation's IT), adding one, and changing or switching
one off. The rules are core.services.sign_in's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import IdentityProvider
from goldenthread.core.services import sign_in
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors
from goldenthread.web.sign_in_forms import IdentityProviderForm

REFUSAL = "Only the council performance team manages organisations' sign-in."


def callback_url(request: HttpRequest, provider: IdentityProvider) -> str:
    """The redirect URI the organisation's IT registers for Golden Thread."""
    return request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": provider.app.provider_id})
    )


@login_required
@minimum_role("performance")
@require_http_methods(["GET"])
def provider_list(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, refusal=REFUSAL)
    providers = (
        IdentityProvider.objects.select_related("app", "organisation")
        .prefetch_related("domains")
        .order_by("name")
    )
    rows = [
        {
            "provider": p,
            "issuer": sign_in.issuer_of(p),
            "callback": callback_url(request, p),
        }
        for p in providers
    ]
    return render(request, "web/identity_providers/list.html", {"rows": rows})


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def provider_add(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user, refusal=REFUSAL)
    form = IdentityProviderForm(request.POST or None, adding=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            provider = sign_in.add_provider(
                by=request.user,
                name=data["name"],
                organisation=data["organisation"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                secret=data["secret"],
                domains=data["domains"],
                trusted=data["trusted"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{provider.name} added. Give its callback URL to the organisation's IT.",
            )
            return redirect("identity_provider_list")
    return render(request, "web/identity_providers/form.html", {"form": form, "provider": None})


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def provider_change(request: HttpRequest, identity_provider_id: int) -> HttpResponse:
    require_performance_team(request.user, refusal=REFUSAL)
    provider = get_object_or_404(
        IdentityProvider.objects.select_related("app", "organisation"), pk=identity_provider_id
    )
    initial = {
        "name": provider.name,
        "organisation": provider.organisation,
        "issuer": sign_in.issuer_of(provider),
        "client_id": provider.app.client_id,
        "domains": "\n".join(provider.domains.values_list("domain", flat=True)),
        "trusted": provider.trusted,
        "is_active": provider.is_active,
    }
    form = IdentityProviderForm(request.POST or None, initial=initial, adding=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sign_in.change_provider(
                by=request.user,
                provider=provider,
                name=data["name"],
                organisation=data["organisation"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                secret=data["secret"],
                domains=data["domains"],
                trusted=data["trusted"],
                is_active=data["is_active"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{provider.name} changed.")
            return redirect("identity_provider_list")
    return render(
        request,
        "web/identity_providers/form.html",
        {"form": form, "provider": provider, "callback": callback_url(request, provider)},
    )


urlpatterns = [
    path("sign-in-providers/", provider_list, name="identity_provider_list"),
    path("sign-in-providers/add/", provider_add, name="identity_provider_add"),
    path(
        "sign-in-providers/<int:identity_provider_id>/",
        provider_change,
        name="identity_provider_change",
    ),
]
