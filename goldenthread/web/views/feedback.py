"""Feedback from anyone who may see a partnership (it is how viewers, such as stakeholders
and residents' representatives, take part), and the answers of its leads or the council
performance team."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import (
    get_feedback_for_user,
    get_partnership_for_user,
    may_answer_feedback,
)
from goldenthread.core.models import Feedback
from goldenthread.core.reviews import feedback_counts, sees_all_feedback, visible_feedback
from goldenthread.core.services import public_feedback
from goldenthread.core.services import reviews as services
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted, text_field


class FeedbackForm(forms.Form):
    about = text_field(
        Feedback,
        "about",
        label="What is your feedback about? (optional)",
        required=False,
        help_text="For example, an indicator, an action or the last review meeting.",
    )
    body = text_field(
        Feedback,
        "body",
        label="Your feedback",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What is working, what could be better, and any ideas. The lead will answer.",
        error_messages={"required": "Enter your feedback"},
    )


class AnswerForm(forms.Form):
    answer = text_field(
        Feedback,
        "answer",
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Thank them, say what will happen next, and who will do it.",
        error_messages={"required": "Enter your answer"},
    )


class PublicAnswerForm(AnswerForm):
    """For feedback given on the public page: the answer may be published there."""

    publish = forms.BooleanField(
        label="Publish the question and this answer on the partnership's public page",
        required=False,
        help_text="Without the name or e-mail address of the person who asked.",
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET"])
def feedback_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    sees_all = sees_all_feedback(request.user, partnership)
    return render(
        request,
        "web/reviews/feedback_list.html",
        {
            "partnership": partnership,
            "feedback": list(visible_feedback(request.user, partnership)),
            "sees_all": sees_all,
            "counts": feedback_counts(partnership) if sees_all else None,
            "can_answer": may_answer_feedback(request.user, partnership),
        },
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Anyone who may see the partnership may give feedback: it is how viewers
    (stakeholders, residents' representatives) take part."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    form = FeedbackForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback was sent to the lead")
            return redirect("feedback_list", partnership_id=partnership.pk)
    return render(
        request, "web/reviews/feedback_form.html", {"partnership": partnership, "form": form}
    )


@login_required
@minimum_role("lead_or_performance")
@require_http_methods(["GET", "POST"])
def feedback_answer(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = get_feedback_for_user(request.user, feedback_id)
    if not may_answer_feedback(request.user, feedback.partnership):
        raise PermissionDenied(services.ANSWER_REFUSAL)
    if feedback.is_public:
        form = PublicAnswerForm(
            posted(request),
            initial={"answer": feedback.answer, "publish": feedback.answer_published},
        )
    else:
        form = AnswerForm(posted(request), initial={"answer": feedback.answer})
    if request.method == "POST" and form.is_valid():
        try:
            if feedback.is_public:
                public_feedback.answer_public_feedback(
                    feedback=feedback, by=request.user, **form.cleaned_data
                )
            else:
                services.answer_feedback(
                    feedback=feedback, by=request.user, answer=form.cleaned_data["answer"]
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your answer was saved")
            return redirect("feedback_list", partnership_id=feedback.partnership_id)
    return render(
        request,
        "web/reviews/feedback_answer.html",
        {"partnership": feedback.partnership, "feedback": feedback, "form": form},
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/feedback/", feedback_list, name="feedback_list"),
    path(
        "partnerships/<int:partnership_id>/feedback/new/", feedback_create, name="feedback_create"
    ),
    path("feedback/<int:feedback_id>/answer/", feedback_answer, name="feedback_answer"),
]
