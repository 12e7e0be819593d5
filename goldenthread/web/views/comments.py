"""Comments on an indicator, an action or a monitoring return: everyone who may see the
partnership reads them; leads, members and the council performance team add to them (a
viewer gives the lead feedback instead, in feedback.py)."""

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import (
    get_action_for_user,
    get_indicator_for_user,
    get_return_for_user,
)
from goldenthread.core.models import Comment, User
from goldenthread.core.reviews import Commentable, comment_thread
from goldenthread.core.services import reviews as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, text_field


class CommentForm(forms.Form):
    body = text_field(
        Comment,
        "body",
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter your comment"},
    )
    addressed_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Address it to (optional)",
        error_messages={"invalid_choice": "Choose someone from the list, or no one"},
    )

    def __init__(self, *args, people: Iterable[User] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = User.objects.filter(pk__in=[p.pk for p in people])


def _safe_next(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return request.path


def _comment_page(request: HttpRequest, on: Commentable, heading: str, back_url: str):
    """The comments on one thing, with the form for those who may comment. A GET shows
    it (to everyone who may see the partnership); a POST adds a comment and goes back to
    the page the form was on."""
    thread = comment_thread(request.user, on)
    comment_next = ""
    if request.method == "POST":
        if not thread.can_comment:
            raise PermissionDenied(
                "Leads, members and the council performance team comment; as a viewer, "
                "give the lead your feedback instead."
            )
        form = CommentForm(request.POST, people=thread.people)
        if form.is_valid():
            try:
                services.add_comment(
                    on=on,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    addressed_to=form.cleaned_data["addressed_to"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Your comment was added")
                return redirect(f"{_safe_next(request)}#comments")
        # Keep what was typed, with its message, and where to go back to afterwards.
        thread.body = request.POST.get("body", "")
        thread.error = next(iter(form.errors.get("body", [])), "")
        thread.addressed_to = request.POST.get("addressed_to", "")
        thread.addressed_to_error = next(iter(form.errors.get("addressed_to", [])), "")
        comment_next = _safe_next(request)
    return render(
        request,
        "web/reviews/comments.html",
        {
            "partnership": thread.partnership,
            "comment_thread": thread,
            "comment_next": comment_next,
            "heading": heading,
            "back_url": back_url,
        },
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def indicator_comment(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    return _comment_page(
        request,
        indicator,
        f"Comments on {indicator.code} {indicator.title}",
        indicator.get_absolute_url(),
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def action_comment(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_action_for_user(request.user, action_id)
    objective = action.objective
    return _comment_page(
        request,
        action,
        f"Comments on action {action.ref} {action.title}",
        f"{objective.plan.get_absolute_url()}#objective-{objective.pk}",
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def return_comment(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = get_return_for_user(request.user, return_id)
    return _comment_page(
        request,
        ret,
        f"Comments on the {ret.period.label} monitoring return",
        ret.get_absolute_url(),
    )


urlpatterns = [
    path("indicators/<int:indicator_id>/comments/", indicator_comment, name="indicator_comment"),
    path("actions/<int:action_id>/comments/", action_comment, name="action_comment"),
    path("returns/<int:return_id>/comments/", return_comment, name="return_comment"),
]
