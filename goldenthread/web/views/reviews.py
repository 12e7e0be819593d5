"""Review meetings: recording who came (from the partnership and from outside it), what
went well, the challenges and the decisions, and follow-ups that become actions of the
approved plan. Comments are in comments.py, stakeholders' feedback in feedback.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import Need, allows, get_meeting_for_user, get_partnership_for_user
from goldenthread.core.models import (
    Action,
    Attendee,
    Membership,
    Objective,
    Partnership,
    ReviewMeeting,
    User,
)
from goldenthread.core.reviews import (
    QUARTER_EXAMPLE,
    approved_plan,
    attendee_choices,
    follow_up_due_problem,
    follow_up_objectives,
    follow_up_owners,
    meeting_date_problem,
    meeting_detail,
    meetings,
    parse_quarter,
)
from goldenthread.core.services import reviews as services
from goldenthread.rules import Frequency, latest_ended
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import (
    DATE_FORMATS,
    DATE_WIDGET,
    DateField,
    apply_errors,
    posted,
    text_field,
)

# --- forms --------------------------------------------------------------------------------


class AttendeeChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, membership: Membership) -> str:
        return (
            f"{membership.person}, {membership.organisation} "
            f"({membership.get_role_display().lower()})"
        )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return str(user)


class ObjectiveChoice(forms.ModelChoiceField):
    def label_from_instance(self, objective: Objective) -> str:
        return f"{objective.ref} {objective.title}"


class MeetingForm(forms.Form):
    period = forms.CharField(
        label="Quarter reviewed",
        max_length=30,
        help_text=f"For example {QUARTER_EXAMPLE}.",
        error_messages={
            "required": f"Enter the quarter the meeting reviewed, like {QUARTER_EXAMPLE}"
        },
    )
    held_on = DateField(
        label="Date of the meeting",
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        help_text="Record a meeting once it has been held.",
        error_messages={
            "required": "Enter the date of the meeting",
            "invalid": "Enter the date of the meeting as a real date, for example 14/1/2026",
        },
    )
    members = AttendeeChoice(
        queryset=Membership.objects.none(),
        required=False,
        label="People from the partnership who came",
        error_messages={"invalid_choice": "Choose people of this partnership only"},
    )
    went_well = text_field(
        ReviewMeeting,
        "went_well",
        label="What went well",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Successes to celebrate and what helped them happen.",
    )
    challenges = text_field(
        ReviewMeeting,
        "challenges",
        label="Challenges",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What could go better, what is getting in the way, and what would help.",
    )
    decisions = text_field(
        ReviewMeeting,
        "decisions",
        label="Decisions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the meeting agreed. Work to be done goes in the follow-up actions below.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = attendee_choices(partnership)

    def clean_period(self):
        return parse_quarter(self.cleaned_data["period"])

    def clean(self):
        data = super().clean()
        period, held_on = data.get("period"), data.get("held_on")
        if period and held_on:
            problem = meeting_date_problem(held_on, period, timezone.localdate())
            if problem:
                self.add_error("held_on", problem)
        return data


class GuestForm(forms.Form):
    """One person from outside the partnership. A row whose name and organisation are
    both empty is skipped."""

    name = text_field(Attendee, "name", label="Name", required=False)
    organisation = text_field(
        Attendee, "organisation", label="Organisation or group (optional)", required=False
    )
    kind = forms.ChoiceField(
        label="Taking part as",
        choices=[(k.value, k.label) for k in Attendee.Kind if k != Attendee.Kind.MEMBER],
        initial=Attendee.Kind.STAKEHOLDER,
    )

    def clean(self):
        data = super().clean()
        if data.get("organisation", "").strip() and not data.get("name", "").strip():
            self.add_error("name", "Enter the name of the person from outside the partnership")
        return data

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name", "").strip() or data.get("organisation", "").strip())


class FollowUpForm(forms.Form):
    """One follow-up action. A row with nothing in it is skipped."""

    title = text_field(Action, "title", label="Action", required=False)
    objective = ObjectiveChoice(
        queryset=Objective.objects.none(),
        required=False,
        label="Objective it works towards",
        empty_label="Choose an objective",
        error_messages={"invalid_choice": "Choose an objective of the approved plan"},
    )
    owner = PersonChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose an owner",
        error_messages={"invalid_choice": "Choose a lead or member of this partnership"},
    )
    due_date = DateField(
        label="Due date",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the due date as a real date, for example 31/3/2026"},
    )

    def __init__(self, *args, objectives, owners, held_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["owner"].queryset = owners
        self.held_on = held_on

    def clean(self):
        data = super().clean()
        if self.is_blank:
            return data
        if not data.get("title", "").strip() and "title" not in self.errors:
            self.add_error("title", "Enter what the follow-up action is")
        if not data.get("objective") and "objective" not in self.errors:
            self.add_error("objective", "Choose the objective this action works towards")
        if not data.get("owner") and "owner" not in self.errors:
            self.add_error("owner", "Choose who will own this action")
        due = data.get("due_date")
        if not due and "due_date" not in self.errors:
            self.add_error("due_date", "Enter the date this action is due")
        if due and self.held_on and (problem := follow_up_due_problem(due, self.held_on)):
            self.add_error("due_date", problem)
        return data

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("title", "").strip()
            or data.get("objective")
            or data.get("owner")
            or data.get("due_date")
            or self.errors.get("due_date")
        )


GuestFormSet = forms.formset_factory(GuestForm, extra=3, max_num=50)
FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=50)


# --- review meetings ----------------------------------------------------------------------


@login_required
@minimum_role("viewer")
@require_http_methods(["GET"])
def review_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    return render(
        request,
        "web/reviews/list.html",
        {
            "partnership": partnership,
            "meetings": list(meetings(partnership)),
            "can_record": allows(request.user, partnership, Need.CONTRIBUTE),
        },
    )


def _meeting_forms(request: HttpRequest, partnership: Partnership, initial: dict, guests: list):
    plan = approved_plan(partnership)
    form = MeetingForm(posted(request), partnership=partnership, initial=initial)
    held_on = form.cleaned_data.get("held_on") if form.is_bound and form.is_valid() else None
    guest_formset = GuestFormSet(posted(request), prefix="guests", initial=guests)
    follow_up_formset = FollowUpFormSet(
        posted(request),
        prefix="followups",
        form_kwargs={
            "objectives": follow_up_objectives(plan),
            "owners": follow_up_owners(partnership),
            "held_on": held_on,
        },
    )
    return plan, form, guest_formset, follow_up_formset


def _meeting_inputs(form, guest_formset, follow_up_formset) -> dict:
    data = form.cleaned_data
    return {
        "period": data["period"],
        "held_on": data["held_on"],
        "went_well": data["went_well"],
        "challenges": data["challenges"],
        "decisions": data["decisions"],
        "members": [m.person for m in data["members"]],
        "guests": [
            services.Guest(
                name=f.cleaned_data["name"],
                organisation=f.cleaned_data["organisation"],
                kind=f.cleaned_data["kind"],
            )
            for f in guest_formset.forms
            if not f.is_blank
        ],
        "follow_ups": [
            services.FollowUp(
                title=f.cleaned_data["title"],
                objective=f.cleaned_data["objective"],
                owner=f.cleaned_data["owner"],
                due_date=f.cleaned_data["due_date"],
            )
            for f in follow_up_formset.forms
            if not f.is_blank
        ],
    }


def _all_valid(form, guest_formset, follow_up_formset) -> bool:
    # Validate all three, so every problem is shown at once.
    results = [form.is_valid(), guest_formset.is_valid(), follow_up_formset.is_valid()]
    return all(results)


def _meeting_page(request, partnership, plan, form, guest_formset, follow_up_formset, meeting):
    has_errors = bool(
        form.errors or guest_formset.total_error_count() or follow_up_formset.total_error_count()
    )
    return render(
        request,
        "web/reviews/form.html",
        {
            "partnership": partnership,
            "plan": plan,
            "form": form,
            "guest_formset": guest_formset,
            "follow_up_formset": follow_up_formset,
            "meeting": meeting,
            "existing_follow_ups": (
                list(meeting.follow_ups.select_related("owner").order_by("ref")) if meeting else []
            ),
            "has_errors": has_errors,
        },
    )


@login_required
@minimum_role("member")
@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Leads and members record a meeting (a member often takes the notes)."""
    partnership = get_partnership_for_user(request.user, partnership_id, need=Need.CONTRIBUTE)
    initial = {"period": latest_ended(Frequency.QUARTERLY, timezone.localdate()).label}
    plan, form, guest_formset, follow_up_formset = _meeting_forms(request, partnership, initial, [])
    if request.method == "POST" and _all_valid(form, guest_formset, follow_up_formset):
        try:
            meeting = services.record_review(
                partnership=partnership,
                by=request.user,
                **_meeting_inputs(form, guest_formset, follow_up_formset),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            added = meeting.follow_ups.count()
            messages.success(
                request,
                f"The review of {meeting.period.label} was recorded"
                + (f", with {added} follow-up action{'s' if added != 1 else ''}" if added else ""),
            )
            return redirect("review_detail", meeting_id=meeting.pk)
    return _meeting_page(
        request, partnership, plan, form, guest_formset, follow_up_formset, meeting=None
    )


@login_required
@minimum_role("viewer")
@require_http_methods(["GET"])
def review_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    partnership = meeting.partnership
    return render(
        request,
        "web/reviews/detail.html",
        {
            "partnership": partnership,
            "detail": meeting_detail(meeting),
            "meeting": meeting,
            "can_edit": allows(request.user, partnership, Need.EDIT, meeting.created_by_id),
        },
    )


@login_required
@minimum_role("owner")
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The person who recorded the meeting, or a lead, corrects it."""
    meeting = get_meeting_for_user(request.user, meeting_id, need=Need.EDIT)
    partnership = meeting.partnership
    attendees = list(meeting.attendees.all())
    initial = {
        "period": meeting.period.label,
        "held_on": meeting.held_on,
        "went_well": meeting.went_well,
        "challenges": meeting.challenges,
        "decisions": meeting.decisions,
        "members": list(
            partnership.memberships.filter(
                person__in=[a.person_id for a in attendees if a.kind == Attendee.Kind.MEMBER]
            )
        ),
    }
    guests = [
        {"name": a.name, "organisation": a.organisation, "kind": a.kind}
        for a in attendees
        if a.kind != Attendee.Kind.MEMBER
    ]
    plan, form, guest_formset, follow_up_formset = _meeting_forms(
        request, partnership, initial, guests
    )
    if request.method == "POST" and _all_valid(form, guest_formset, follow_up_formset):
        try:
            services.update_review(
                meeting=meeting,
                by=request.user,
                **_meeting_inputs(form, guest_formset, follow_up_formset),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The review of {meeting.period.label} was updated")
            return redirect("review_detail", meeting_id=meeting.pk)
    return _meeting_page(
        request, partnership, plan, form, guest_formset, follow_up_formset, meeting
    )


urlpatterns = [
    path("partnerships/<int:partnership_id>/reviews/", review_list, name="review_list"),
    path("partnerships/<int:partnership_id>/reviews/new/", review_create, name="review_create"),
    path("reviews/<int:meeting_id>/", review_detail, name="review_detail"),
    path("reviews/<int:meeting_id>/edit/", review_edit, name="review_edit"),
]
