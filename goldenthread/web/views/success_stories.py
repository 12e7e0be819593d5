"""Celebrating success: a partnership's success stories (list, write, edit, publish or
unpublish, delete). Everyone in the partnership reads them; the rules of who writes and
who changes them are core.services.success_stories'."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import get_partnership_for_user, get_story_for_user
from goldenthread.core.models import Indicator, Partnership, SuccessStory
from goldenthread.core.services import success_stories as services
from goldenthread.rules import financial_year_of, year_label
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted, text_field

YEARS_BACK = 4  # a story is written about this year or the few before it


class IndicatorChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.code} {indicator.title}"


class StoryForm(forms.Form):
    title = text_field(
        SuccessStory,
        "title",
        help_text="In a few words, for example “400 homes made safer in Old Trafford”.",
        error_messages={
            "required": "Enter a title for the success story",
            "max_length": "The title must be 300 characters or fewer",
        },
    )
    year = forms.TypedChoiceField(
        label="Which year is it about?",
        coerce=int,
        error_messages={
            "required": "Choose the year the story is about",
            "invalid_choice": "Choose a year from the list",
        },
    )
    story = text_field(
        SuccessStory,
        "story",
        label="The story",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What went well, for whom, and what made the difference.",
        error_messages={"required": "Enter the story: what went well, and for whom"},
    )
    indicators = IndicatorChoices(
        queryset=Indicator.objects.none(),
        required=False,
        label="Indicators it is about (optional)",
        error_messages={
            "invalid_choice": "Choose indicators of this partnership",
            "invalid_pk_value": "Choose indicators of this partnership",
        },
    )
    published = forms.BooleanField(
        label="Publish it",
        required=False,
        help_text="On the partnership's public page (if it has one) and in the annual "
        "report of its year.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.fields["year"].choices = [
            (y, year_label(y)) for y in range(this_year, this_year - YEARS_BACK - 1, -1)
        ]
        self.fields["indicators"].queryset = Indicator.objects.filter(
            partnership=partnership
        ).order_by("code")


@login_required
@minimum_role("viewer")
@require_GET
def story_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    stories = list(
        SuccessStory.objects.filter(partnership=partnership)
        .select_related("created_by", "partnership")
        .prefetch_related("indicators")
        .order_by("-year", "-created_at", "-pk")
    )
    return render(
        request,
        "web/success_stories/list.html",
        {
            "partnership": partnership,
            "stories": [
                (s, year_label(s.year), services.may_edit_story(request.user, s)) for s in stories
            ],
            "can_write": services.may_write_story(request.user, partnership),
        },
    )


@login_required
@minimum_role("member_or_performance")
@require_http_methods(["GET", "POST"])
def story_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not services.may_write_story(request.user, partnership):
        raise PermissionDenied(services.WRITE_REFUSAL)
    form = StoryForm(
        posted(request),
        partnership=partnership,
        initial={"year": financial_year_of(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            story = services.write_success_story(
                partnership=partnership,
                by=request.user,
                year=data["year"],
                title=data["title"],
                text=data["story"],
                indicators=data["indicators"],
                published=data["published"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The success story “{story.title}” was saved")
            return redirect("story_list", partnership_id=partnership.pk)
    return render(
        request,
        "web/success_stories/form.html",
        {"partnership": partnership, "form": form, "story": None},
    )


def _editable(request: HttpRequest, story_id: int) -> SuccessStory:
    story = get_story_for_user(request.user, story_id)
    if not services.may_edit_story(request.user, story):
        raise PermissionDenied(services.EDIT_REFUSAL)
    return story


@login_required
@minimum_role("owner_or_performance")
@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _editable(request, story_id)
    partnership = story.partnership
    form = StoryForm(
        posted(request),
        partnership=partnership,
        initial={
            "title": story.title,
            "year": story.year,
            "story": story.story,
            "indicators": [i.pk for i in story.indicators.all()],
            "published": story.published,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_success_story(
                story=story,
                by=request.user,
                year=data["year"],
                title=data["title"],
                text=data["story"],
                indicators=data["indicators"],
                published=data["published"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The success story “{story.title}” was updated")
            return redirect("story_list", partnership_id=partnership.pk)
    return render(
        request,
        "web/success_stories/form.html",
        {"partnership": partnership, "form": form, "story": story},
    )


@login_required
@minimum_role("owner_or_performance")
@require_http_methods(["GET", "POST"])
def story_delete(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _editable(request, story_id)
    partnership = story.partnership
    if request.method == "POST":
        services.delete_success_story(story=story, by=request.user)
        messages.success(request, f"The success story “{story.title}” was deleted")
        return redirect("story_list", partnership_id=partnership.pk)
    return render(
        request, "web/success_stories/delete.html", {"partnership": partnership, "story": story}
    )


urlpatterns = [
    path(
        "partnerships/<int:partnership_id>/success-stories/",
        story_list,
        name="story_list",
    ),
    path(
        "partnerships/<int:partnership_id>/success-stories/new/",
        story_create,
        name="story_create",
    ),
    path("success-stories/<int:story_id>/edit/", story_edit, name="story_edit"),
    path("success-stories/<int:story_id>/delete/", story_delete, name="story_delete"),
]
