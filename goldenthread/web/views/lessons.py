"""The Revise stage: the lessons-learned log (record, edit, read, and search across every
partnership the person may see) and improvement plans for indicators red two quarters
running (start, read, close). The banner and highlights partials for the partnership and
indicator pages are in templates/web/lessons/, fed by goldenthread.core.improvement."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import (
    Need,
    allows,
    get_improvement_for_user,
    get_indicator_for_user,
    get_lesson_for_user,
    get_partnership_for_user,
)
from goldenthread.core.improvement import period_before, plan_actions, trigger_for
from goldenthread.core.lessons import (
    MAX_WORDS,
    LessonQuery,
    lesson_objectives,
    lesson_problems,
    lesson_tags,
    may_share,
    normalise_tags,
    search_lessons,
    search_words,
)
from goldenthread.core.models import (
    Action,
    ImprovementPlan,
    Indicator,
    Lesson,
    Membership,
    Objective,
    Partnership,
    Role,
    User,
)
from goldenthread.core.performance import indicator_history
from goldenthread.core.risks import possible_owners
from goldenthread.core.services.improvement import close_improvement_plan, start_improvement_plan
from goldenthread.core.services.lessons import (
    SHARE_REFUSAL,
    record_lesson,
    share_lesson,
    update_lesson,
)
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import (
    DATE_FORMATS,
    DATE_WIDGET,
    DateField,
    apply_errors,
    posted,
    text_field,
)

# --- Forms ---------------------------------------------------------------------------------


def objective_label(objective: Objective) -> str:
    plan = objective.plan
    return (
        f"{objective.ref} {objective.title} "
        f"(plan version {plan.version}, {plan.get_status_display().lower()})"
    )


class ObjectiveChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, objective: Objective) -> str:
        return objective_label(objective)


class ActionChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, action: Action) -> str:
        due = f", due {action.due_date:%-d %B %Y}" if action.due_date else ""
        state = action.get_state_display()
        return f"{action.objective.ref} {action.ref} {action.title} ({state}{due})"


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return str(user)


class LessonForm(forms.Form):
    title = text_field(
        Lesson,
        "title",
        help_text="In a few words, for example “Joint patrols with youth workers on Fridays”.",
        error_messages={
            "required": "Enter a title for the lesson",
            "max_length": "The title must be 300 characters or fewer",
        },
    )
    what_happened = text_field(
        Lesson,
        "what_happened",
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What was tried, what came of it, and what you would do again or differently.",
        error_messages={"required": "Enter what happened"},
    )
    outcome = forms.ChoiceField(
        label="Did it work?",
        choices=Lesson.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it worked, did not work or had mixed results",
            "invalid_choice": "Choose whether it worked, did not work or had mixed results",
        },
    )
    source = forms.ChoiceField(
        label="Where did the lesson come from?",
        choices=Lesson.Source.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the lesson came from",
            "invalid_choice": "Choose where the lesson came from",
        },
    )
    source_detail = text_field(
        Lesson,
        "source_detail",
        label="Which partnership, council service, organisation or sector",
        required=False,
        help_text="Needed when the lesson came from another partnership, organisation or sector.",
        error_messages={"max_length": "This must be 300 characters or fewer"},
    )
    tags = text_field(
        Lesson,
        "tags",
        required=False,
        help_text="Separate tags with commas, for example “youth, early help”. They help "
        "others find the lesson.",
        error_messages={"max_length": "Tags must be 300 characters or fewer in all"},
    )
    objectives = ObjectiveChoices(
        queryset=Objective.objects.none(),
        required=False,
        label="Objectives it relates to (optional)",
        error_messages={
            "invalid_choice": "Choose objectives of this partnership's approved or draft plan",
            "invalid_pk_value": "Choose objectives of this partnership's approved or draft plan",
        },
    )

    def __init__(self, *args, partnership: Partnership, lesson: Lesson | None = None, **kw):
        super().__init__(*args, **kw)
        self.partnership = partnership
        self.fields["objectives"].queryset = lesson_objectives(partnership, lesson)

    shared = forms.BooleanField(
        label="Share with every partnership",
        required=False,
        help_text="Every partnership in the council can then find and read it, with "
        "the name of this partnership beside it. Leave it unticked to keep it to "
        "the people who can see this partnership.",
    )

    def clean_tags(self) -> list[str]:
        return normalise_tags(self.cleaned_data["tags"])

    def clean(self):
        data = super().clean()
        problems = lesson_problems(
            partnership=self.partnership,
            source=data.get("source", ""),
            source_detail=data.get("source_detail", ""),
            tags=data.get("tags", []),
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class LessonSearchForm(forms.Form):
    q = forms.CharField(
        label="Words",
        required=False,
        max_length=200,
        help_text="Searches titles, what happened, tags and where lessons came from. "
        "Every word must be found.",
        error_messages={"max_length": "Search words must be 200 characters or fewer"},
    )
    outcome = forms.ChoiceField(
        label="Did it work?",
        required=False,
        choices=[("", "Any outcome"), *Lesson.Outcome.choices],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )
    source = forms.ChoiceField(
        label="Where it came from",
        required=False,
        choices=[("", "Anywhere"), *Lesson.Source.choices],
        error_messages={"invalid_choice": "Choose where lessons came from from the list"},
    )
    tag = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Choose a tag from the list"}
    )
    partnership = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Choose a partnership from the list"},
    )

    def __init__(self, *args, tags: list[str], partnerships: list[Partnership], **kw):
        super().__init__(*args, **kw)
        self.fields["tag"].choices = [("", "Any tag"), *((t, t) for t in tags)]
        self.fields["partnership"].choices = [
            ("", "All partnerships you can see"),
            *((str(p.pk), p.name) for p in partnerships),
        ]

    def clean_q(self) -> list[str]:
        words = search_words(self.cleaned_data["q"])
        if len(words) > MAX_WORDS:
            raise ValidationError(f"Enter {MAX_WORDS} words or fewer")
        return words

    def query(self) -> LessonQuery:
        data = self.cleaned_data
        return LessonQuery(
            words=tuple(data["q"]),
            outcome=data["outcome"],
            source=data["source"],
            tag=data["tag"],
            partnership_id=int(data["partnership"]) if data["partnership"] else None,
        )


class ImprovementForm(forms.Form):
    summary = text_field(
        ImprovementPlan,
        "summary",
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The steps that will bring the indicator back on track, and what help is "
        "needed from partners.",
        error_messages={"required": "Enter what will be done to bring the indicator back on track"},
    )
    owner = OwnerChoice(
        queryset=User.objects.none(),
        empty_label="Choose an owner",
        error_messages={
            "required": "Choose who owns the improvement plan",
            "invalid_choice": "Choose an owner who is a lead or member of this partnership",
        },
    )
    actions = ActionChoices(
        queryset=Action.objects.none(),
        required=False,
        label="Actions of the plan that will help (optional)",
        error_messages={
            "invalid_choice": "Choose actions of this partnership's approved plan",
            "invalid_pk_value": "Choose actions of this partnership's approved plan",
        },
    )
    review_date = DateField(
        label="Review date",
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        help_text="When the partnership will check whether the plan is working.",
        error_messages={
            "required": "Enter the date the improvement plan will be reviewed",
            "invalid": "Enter the review date as a real date, for example 31/3/2027",
        },
    )

    def __init__(self, *args, indicator: Indicator, **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].queryset = possible_owners(indicator.partnership)
        self.fields["actions"].queryset = plan_actions(indicator.partnership)

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        if review_date < timezone.localdate():
            raise ValidationError("Enter a review date that is today or in the future")
        return review_date


class CloseImprovementForm(forms.Form):
    reason = text_field(
        ImprovementPlan,
        "closed_reason",
        label="Why is this improvement plan being closed?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the indicator has been green for two quarters. The reason "
        "is kept with the plan.",
        error_messages={"required": "Enter why the improvement plan is being closed"},
    )


# --- Lessons -----------------------------------------------------------------------------


def _query_string(data: dict[str, str], **changes) -> str:
    query = QueryDict(mutable=True)
    for name, value in {**data, **changes}.items():
        if value not in ("", None):
            query[name] = str(value)
    return query.urlencode()


SEARCH_FIELDS = ("q", "outcome", "source", "tag", "partnership")


@login_required
@minimum_role("viewer")
@require_GET
def lesson_search(request: HttpRequest) -> HttpResponse:
    """Anyone signed in; the results come only from partnerships they may see."""
    partnerships = list(Partnership.objects.visible_to(request.user).only("pk", "name"))
    submitted = {name: request.GET.get(name, "") for name in SEARCH_FIELDS}
    form = LessonSearchForm(submitted, tags=lesson_tags(request.user), partnerships=partnerships)
    results = None
    if form.is_valid():
        try:
            page = int(request.GET.get("page", "1"))
        except ValueError:
            page = 1
        results = search_lessons(request.user, form.query(), page=page)
    kept = {name: value for name, value in submitted.items() if value}
    contributes = set(
        Membership.objects.filter(
            person=request.user, role__in=[Role.LEAD, Role.MEMBER]
        ).values_list("partnership_id", flat=True)
    )
    can_record = [p for p in partnerships if p.pk in contributes]
    return render(
        request,
        "web/lessons/search.html",
        {
            "form": form,
            "results": results,
            "query": form.query() if results is not None else None,
            "searched": bool(kept),
            "previous_url": (
                "?" + _query_string(kept, page=results.page - 1)
                if results and results.page > 1
                else ""
            ),
            "next_url": (
                "?" + _query_string(kept, page=results.page + 1)
                if results and results.page < results.pages
                else ""
            ),
            "can_record": can_record,
        },
    )


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id, need=Need.CONTRIBUTE)
    form = LessonForm(
        posted(request),
        partnership=partnership,
        initial={"outcome": Lesson.Outcome.WORKED, "source": Lesson.Source.THIS_PARTNERSHIP},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lesson = record_lesson(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The lesson “{lesson.title}” was recorded")
            return redirect("lesson_detail", lesson_id=lesson.pk)
    return render(
        request, "web/lessons/form.html", {"partnership": partnership, "form": form, "lesson": None}
    )


@login_required
@minimum_role("owner")
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_lesson_for_user(request.user, lesson_id, need=Need.EDIT)
    partnership = lesson.partnership
    initial = {name: getattr(lesson, name) for name in LessonForm.base_fields}
    initial["tags"] = lesson.tags
    initial["objectives"] = [o.pk for o in lesson.objectives.all()]
    form = LessonForm(
        posted(request),
        partnership=partnership,
        lesson=lesson,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_lesson(lesson=lesson, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The lesson “{lesson.title}” was updated")
            return redirect("lesson_detail", lesson_id=lesson.pk)
    return render(
        request,
        "web/lessons/form.html",
        {"partnership": partnership, "form": form, "lesson": lesson},
    )


@login_required
@minimum_role("viewer")
@require_GET
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A shared lesson is read by anyone signed in; for someone outside its partnership
    the page links to nothing of that partnership (they could not open it)."""
    lesson = get_lesson_for_user(request.user, lesson_id)
    history = list(lesson.history.select_related("history_user").order_by("history_date"))
    insider = allows(request.user, lesson.partnership, Need.VIEW)
    return render(
        request,
        "web/lessons/detail.html",
        {
            "lesson": lesson,
            "partnership": lesson.partnership if insider else None,
            "from_partnership": lesson.partnership,
            "insider": insider,
            "objectives": lesson.objectives.select_related("plan").order_by(
                "-plan__version", "order", "ref"
            ),
            "recorded": history[0] if history else None,
            "changed": history[-1] if len(history) > 1 else None,
            "can_edit": allows(request.user, lesson.partnership, Need.EDIT, lesson.created_by_id),
            "can_share": may_share(request.user, lesson),
        },
    )


@login_required
@minimum_role("owner_or_performance")
@require_http_methods(["GET", "POST"])
def lesson_share(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Share the lesson with every partnership, or stop sharing it: the author, a lead,
    or the performance team (core.lessons.may_share; the service checks again). GET
    asks to confirm; the lesson's page posts here directly."""
    lesson = get_lesson_for_user(request.user, lesson_id)
    if not may_share(request.user, lesson):
        raise PermissionDenied(SHARE_REFUSAL)
    if request.method == "GET":
        return render(
            request,
            "web/lessons/share.html",
            {"lesson": lesson, "partnership": lesson.partnership},
        )
    shared = request.POST.get("shared") == "yes"
    share_lesson(lesson=lesson, by=request.user, shared=shared)
    messages.success(
        request,
        f"The lesson “{lesson.title}” is shared with every partnership"
        if shared
        else f"The lesson “{lesson.title}” is no longer shared with other partnerships",
    )
    return redirect("lesson_detail", lesson_id=lesson.pk)


# --- Improvement plans ------------------------------------------------------------------


@login_required
@minimum_role("owner")
@require_http_methods(["GET", "POST"])
def improvement_create(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Only when the indicator's trigger asks for a plan; otherwise the page says why not."""
    indicator = get_indicator_for_user(request.user, indicator_id, need=Need.EDIT)
    partnership = indicator.partnership
    open_plan = ImprovementPlan.objects.filter(indicator=indicator, closed_at__isnull=True).first()
    trigger = None if open_plan else trigger_for(indicator)
    form = None
    if trigger is not None:
        form = ImprovementForm(
            posted(request),
            indicator=indicator,
            initial={"owner": indicator.owner_id},
        )
        if request.method == "POST" and form.is_valid():
            try:
                plan = start_improvement_plan(
                    indicator=indicator, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"The improvement plan for {indicator.code} was started")
                return redirect("improvement_detail", improvement_id=plan.pk)
    return render(
        request,
        "web/lessons/improvement_form.html",
        {
            "indicator": indicator,
            "partnership": partnership,
            "trigger": trigger,
            "trigger_reds": [trigger.earlier, trigger.later] if trigger else [],
            "open_plan": open_plan,
            "form": form,
        },
    )


def _trigger_rows(plan: ImprovementPlan) -> list:
    """The two red periods that asked for the plan, as the indicator's history has them."""
    wanted = {period_before(plan.triggered_by), plan.triggered_by}
    indicator = plan.indicator
    return [row for row in indicator_history(indicator) if row.period in wanted]


@login_required
@minimum_role("viewer")
@require_GET
def improvement_detail(request: HttpRequest, improvement_id: int) -> HttpResponse:
    plan = get_improvement_for_user(request.user, improvement_id)
    partnership = plan.indicator.partnership
    today = timezone.localdate()
    actions = list(
        plan.actions.select_related("objective", "owner").order_by("objective__ref", "ref")
    )
    return render(
        request,
        "web/lessons/improvement_detail.html",
        {
            "plan": plan,
            "indicator": plan.indicator,
            "partnership": partnership,
            "rows": _trigger_rows(plan),
            "asked_for": f"Red in {period_before(plan.triggered_by).label} "
            f"and {plan.triggered_by.label}",
            "actions": [(a, a.is_overdue(today)) for a in actions],
            "review_overdue": plan.closed_at is None and plan.review_date < today,
            "can_close": plan.closed_at is None and allows(request.user, partnership, Need.LEAD),
        },
    )


@login_required
@minimum_role("lead")
@require_http_methods(["GET", "POST"])
def improvement_close(request: HttpRequest, improvement_id: int) -> HttpResponse:
    plan = get_improvement_for_user(request.user, improvement_id, need=Need.LEAD)
    if plan.closed_at is not None:
        messages.info(request, "This improvement plan is closed: it is kept as it was closed.")
        return redirect("improvement_detail", improvement_id=plan.pk)
    form = CloseImprovementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            close_improvement_plan(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The improvement plan for {plan.indicator.code} was closed")
            return redirect("improvement_detail", improvement_id=plan.pk)
    return render(
        request,
        "web/lessons/improvement_close.html",
        {
            "plan": plan,
            "indicator": plan.indicator,
            "partnership": plan.indicator.partnership,
            "form": form,
        },
    )


urlpatterns = [
    path("lessons/", lesson_search, name="lesson_search"),
    path("partnerships/<int:partnership_id>/lessons/new/", lesson_create, name="lesson_create"),
    path("lessons/<int:lesson_id>/", lesson_detail, name="lesson_detail"),
    path("lessons/<int:lesson_id>/edit/", lesson_edit, name="lesson_edit"),
    path("lessons/<int:lesson_id>/share/", lesson_share, name="lesson_share"),
    path(
        "indicators/<int:indicator_id>/improvement/new/",
        improvement_create,
        name="improvement_create",
    ),
    path("improvements/<int:improvement_id>/", improvement_detail, name="improvement_detail"),
    path("improvements/<int:improvement_id>/close/", improvement_close, name="improvement_close"),
]
