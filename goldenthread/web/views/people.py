"""People, memberships and invitations (issue 14): a partnership's People page for its
leads and the performance team (members by role, change a role, remove someone, pending
invitations, invite someone); the performance team's page of everyone (deactivate,
reactivate, invite to the team); and the invitation page the e-mailed link opens, which
needs no sign-in. The rules are the services' (core.services.people, .invitations)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode

from goldenthread.core.access import Need, check, get_partnership_for_user
from goldenthread.core.models import Invitation, Organisation, Role, User
from goldenthread.core.services import invitations, people
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted

ROLE_HINT = (
    "Leads approve and submit the plan, returns and reports, and manage the people. "
    "Members add and update the items they own. Viewers read the partnership's pages and "
    "give feedback."
)


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=Role.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose their role"},
            help_text=ROLE_HINT,
            **kwargs,
        )


class InviteForm(forms.Form):
    email = forms.CharField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter their e-mail address"},
        help_text="They will get a link to set up their account. It works once.",
    )
    organisation = forms.ModelChoiceField(
        label="Organisation they represent",
        queryset=Organisation.objects.order_by("name"),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation they will represent"},
    )
    role = RoleField(label="Role")


class TeamInviteForm(forms.Form):
    email = InviteForm.base_fields["email"]
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="None",
    )


class RoleForm(forms.Form):
    role = RoleField(label="Role")


def _partnership_people(request: HttpRequest, partnership_id: int):
    partnership = get_partnership_for_user(request.user, partnership_id)
    people.check_may_see_people(request.user, partnership)
    return partnership


# --- a partnership's people -------------------------------------------------------------------


@login_required
@minimum_role("lead_or_performance")
def partnership_people(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The partnership's members by role, and its pending invitations."""
    partnership = _partnership_people(request, partnership_id)
    members = list(people.members_of(partnership))
    groups = [
        (role, [m for m in members if m.role == role.value])
        for role in (Role.LEAD, Role.MEMBER, Role.VIEWER)
    ]
    pending = [
        (invitation, invitations.state(invitation))
        for invitation in invitations.pending_for(partnership)
    ]
    return render(
        request,
        "web/people/partnership.html",
        {
            "partnership": partnership,
            "groups": groups,
            "pending": pending,
            "may_change": not partnership.is_closed,
        },
    )


@login_required
@minimum_role("lead_or_performance")
def partnership_invite(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership_people(request, partnership_id)
    if partnership.is_closed:
        raise PermissionDenied(f"{partnership.name} is closed: nobody can be invited to it.")
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitations.invite(
                request.user,
                email=form.cleaned_data["email"],
                partnership=partnership,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works until "
                f"{invitation.expires_at:%-d %B %Y}.",
            )
            return redirect("partnership_people", partnership.pk)
    return render(
        request,
        "web/people/invite.html",
        {"partnership": partnership, "form": form, "days": invitations.invitation_days()},
    )


@login_required
@minimum_role("lead_or_performance")
def membership_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = people.get_membership_for_user(request.user, membership_id)
    partnership = membership.partnership
    form = RoleForm(posted(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            people.change_role(request.user, membership, form.cleaned_data["role"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{membership.person} is now {Role(membership.role).label.lower()}."
            )
            return redirect("partnership_people", partnership.pk)
    return render(
        request,
        "web/people/role.html",
        {"membership": membership, "partnership": partnership, "form": form},
    )


@login_required
@minimum_role("lead_or_performance")
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = people.get_membership_for_user(request.user, membership_id)
    partnership = membership.partnership
    problem = ""
    if request.method == "POST":
        try:
            people.remove_member(request.user, membership, request=request)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"{membership.person} is no longer in {partnership.name}.")
            if membership.person_id == request.user.pk and not request.user.is_performance_team:
                return redirect("home")
            return redirect("partnership_people", partnership.pk)
    return render(
        request,
        "web/people/remove.html",
        {"membership": membership, "partnership": partnership, "problem": problem},
        status=400 if problem else 200,
    )


@login_required
@minimum_role("lead_or_performance")
def invitation_manage(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """One invitation: send it again (a new link, a new expiry) or withdraw it."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("partnership", "organisation", "invited_by"),
        pk=invitation_id,
    )
    if invitation.partnership is not None:
        check(request.user, invitation.partnership, Need.VIEW)
        people.check_may_see_people(request.user, invitation.partnership)
        back = reverse("partnership_people", args=[invitation.partnership_id])
    elif request.user.is_performance_team:
        back = reverse("people")
    else:
        raise Http404("Not found.")
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "resend":
                invitations.resend(request.user, invitation, request=request)
                messages.success(request, f"Invitation sent again to {invitation.email}.")
            elif action == "withdraw":
                invitations.revoke(request.user, invitation, request=request)
                messages.success(request, f"Invitation to {invitation.email} withdrawn.")
            else:
                problem = "Choose whether to send the invitation again or withdraw it."
        except ValidationError as error:
            problem = " ".join(error.messages)
        if not problem:
            return redirect(back)
    return render(
        request,
        "web/people/invitation.html",
        {
            "invitation": invitation,
            "state": invitations.state(invitation),
            "what_for": invitations.what_for(invitation),
            "back": back,
            "problem": problem,
            "days": invitations.invitation_days(),
        },
        status=400 if problem else 200,
    )


# --- everyone (the performance team) ----------------------------------------------------------


def _require_team(request: HttpRequest) -> None:
    if not request.user.is_performance_team:
        raise PermissionDenied("Only the council performance team manages everyone's accounts.")


@login_required
@minimum_role("performance")
def people_list(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(people.search_people(query).select_related("organisation"), 50).get_page(
        request.GET.get("page")
    )
    pending = [
        (invitation, invitations.state(invitation))
        for invitation in invitations.pending_for(performance_team=True)
    ]
    return render(
        request,
        "web/people/list.html",
        {
            "query": query,
            "page": page,
            "pending": pending,
            "query_string": urlencode({"q": query}) if query else "",
        },
    )


@login_required
@minimum_role("performance")
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_team(request)
    someone = get_object_or_404(User.objects.select_related("organisation"), pk=person_id)
    memberships = someone.memberships.select_related("partnership", "organisation").order_by(
        "partnership__name"
    )
    return render(
        request,
        "web/people/person.html",
        {"person": someone, "memberships": memberships, "last_seen": people.last_seen(someone)},
    )


@login_required
@minimum_role("performance")
def person_active(request: HttpRequest, person_id: int) -> HttpResponse:
    """Deactivate an active account (after confirming), or reactivate one."""
    _require_team(request)
    someone = get_object_or_404(User, pk=person_id)
    problem = ""
    if request.method == "POST":
        try:
            if someone.is_active:
                ended = people.deactivate(request.user, someone, request=request)
                messages.success(
                    request,
                    f"{someone}'s account is deactivated: {ended} "
                    f"session{'' if ended == 1 else 's'} ended.",
                )
            else:
                people.reactivate(request.user, someone, request=request)
                messages.success(request, f"{someone}'s account is active again.")
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return redirect("person", someone.pk)
    return render(
        request,
        "web/people/active.html",
        {"person": someone, "problem": problem},
        status=400 if problem else 200,
    )


@login_required
@minimum_role("performance")
def team_invite(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    form = TeamInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitations.invite(
                request.user,
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                as_performance_team=True,
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Invitation to the performance team sent to {invitation.email}."
            )
            return redirect("people")
    return render(
        request,
        "web/people/team_invite.html",
        {"form": form, "days": invitations.invitation_days()},
    )


# --- the invitation's own page (no sign-in) ----------------------------------------------------


class AcceptForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter your first name"},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter your last name"},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="You can sign in with this or your e-mail address.",
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters, not a common password, not all numbers, and not "
        "like your name or e-mail address.",
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        error_messages={"required": "Enter the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_again") is not None
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "Enter the same password twice")
        return cleaned


def _provider_for(email: str):
    """The organisation's own sign-in for the address, when single sign-on is set up
    (core.services.sign_in); None when it is not, or not installed."""
    try:
        from goldenthread.core.services.sign_in import provider_for_email
    except ImportError:
        return None
    try:
        return provider_for_email(email)
    except Exception:  # no provider is better than no invitation page
        return None


def _landing(invitation: Invitation) -> str:
    if invitation.partnership_id:
        return reverse("partnership", args=[invitation.partnership_id])
    return reverse("home")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the invitation's link opens."""
    found = invitations.find_invitation(token)
    if found is None:
        return render(
            request, "web/people/invitation_unusable.html", {"state": "unknown"}, status=404
        )
    state = invitations.state(found)
    if state != "pending":
        return render(
            request,
            "web/people/invitation_unusable.html",
            {"state": state, "invitation": found},
            status=410,
        )
    context = {
        "invitation": found,
        "what_for": invitations.what_for(found),
        "token": token,
    }
    user = request.user
    if user.is_authenticated:
        matches = (user.email or "").lower() == found.email.lower()
        context["matches"] = matches
        problem = ""
        if request.method == "POST" and request.POST.get("action") == "sign_out":
            logout(request)
            return redirect("invitation", token)
        if request.method == "POST" and matches:
            try:
                invitations.accept(found, user=user, request=request)
            except (ValidationError, PermissionDenied) as error:
                problem = " ".join(getattr(error, "messages", [str(error)]))
            else:
                messages.success(request, f"You have joined {invitations.what_for(found)}.")
                return redirect(_landing(found))
        context["problem"] = problem
        return render(request, "web/people/invitation_signed_in.html", context)

    if invitations.active_account_for(found.email) is not None:
        context["sign_in_url"] = (
            f"{reverse('login')}?{urlencode({'next': reverse('invitation', args=[token])})}"
        )
        return render(request, "web/people/invitation_existing.html", context)

    provider = _provider_for(found.email)
    provider_problem = ""
    if request.method == "POST" and request.POST.get("action") == "provider" and provider:
        request.session["invitation_id"] = found.pk
        response = _start_provider_sign_in(request, provider, found)
        if response is not None:
            return response
        provider_problem = (
            f"{provider.name}'s sign-in is not answering. Try again in a few minutes, or set "
            "a password below."
        )

    form = AcceptForm(
        posted(request) if request.POST.get("action") != "provider" else None,
        initial={"username": invitations.username_suggestion(found.email)},
    )
    if request.method == "POST" and request.POST.get("action") != "provider" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitations.accept(
                found,
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            from allauth.account.utils import perform_login

            messages.success(
                request,
                f"Welcome to Golden Thread. You have joined {invitations.what_for(found)}.",
            )
            request.gt_quiet_sign_in = True  # this welcome says it: no "signed in" as well
            return perform_login(
                request, user, email_verification="none", redirect_url=_landing(found)
            )
    context.update(form=form, provider=provider, problem=provider_problem)
    response = render(
        request,
        "web/people/invitation_accept.html",
        context,
        status=400 if form.errors or provider_problem else 200,
    )
    if provider is not None:
        from goldenthread.web.views.sign_in import allow_forms_to_providers

        response = allow_forms_to_providers(response)
    return response


def _start_provider_sign_in(
    request: HttpRequest, provider, invitation: Invitation
) -> HttpResponse | None:
    """Off to the organisation's own sign-in (allauth's openid_connect provider for the
    IdentityProvider's app); the social account adapter accepts the invitation held in
    the session when the provider's verified e-mail is the invitation's. None when the
    provider does not answer."""
    import logging

    import requests
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error

    try:
        return provider.app.get_provider(request).redirect(
            request,
            process="login",
            next_url=_landing(invitation),
            auth_params={"login_hint": invitation.email},
        )
    except (requests.RequestException, OAuth2Error, ValueError, KeyError):
        logging.getLogger(__name__).warning(
            "identity provider %s did not answer", provider.name, exc_info=True
        )
        return None


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/people/", partnership_people, name="partnership_people"
    ),
    path(
        "partnerships/<int:partnership_id>/people/invite/",
        partnership_invite,
        name="partnership_invite",
    ),
    path("people/", people_list, name="people"),
    path("people/invite/", team_invite, name="team_invite"),
    path("people/<int:person_id>/", person, name="person"),
    path("people/<int:person_id>/active/", person_active, name="person_active"),
    path("people/memberships/<int:membership_id>/role/", membership_role, name="membership_role"),
    path(
        "people/memberships/<int:membership_id>/remove/",
        membership_remove,
        name="membership_remove",
    ),
    path("people/invitations/<int:invitation_id>/", invitation_manage, name="invitation_manage"),
    path("invitations/<str:token>/", invitation, name="invitation"),
]
