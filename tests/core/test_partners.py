"""Shared direction (issue 17) without HTTP: partners signing up to the approved plan and
who may sign for whom; the notifications on approval and on a concern; partner profiles;
the capacity flags of the pace-of-change page; contributions from outside the partnership
in the plan's objectives and in the annual report (read, Word and PDF)."""

import datetime
import io
import subprocess
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.annual_report import AnnualReportContent, annual_report_content
from goldenthread.core.export import export_tables
from goldenthread.core.models import (
    Action,
    Budget,
    Membership,
    Notification,
    NotificationKind,
    Organisation,
    OutsideContribution,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    PlanTarget,
    Role,
)
from goldenthread.core.partners import (
    capacity_flags,
    partner_organisations,
    sign_up_status,
    year_sign_ups,
)
from goldenthread.core.planning import smart_report
from goldenthread.core.services import partners as services
from goldenthread.core.services.plans import ActionDecision, approve_plan, revise_plan
from goldenthread.documents.annual_report import annual_report_docx, annual_report_pdf
from goldenthread.rules import ActionState, Period
from tests.conftest import add_member, make_user

Kind = NotificationKind
State = PlanSignUp.State


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- signing up ------------------------------------------------------------------------


def test_a_member_signs_up_for_their_organisation_and_may_change_the_answer(world):
    sign_up = services.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    sign_up.refresh_from_db()
    assert (sign_up.state, sign_up.comment, sign_up.signed_by) == ("agreed", "", world.member)
    # Another member there for the same organisation changes its answer: one row, two
    # entries in its history.
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="agreed_with_comments",
        comment="  Patrol hours depend on the summer rota.  ",
        by=world.other_member,
    )
    row = PlanSignUp.objects.get(plan=world.plan, organisation=world.police)
    assert row.state == State.AGREED_WITH_COMMENTS
    assert row.comment == "Patrol hours depend on the summer rota."
    assert row.signed_by == world.other_member
    history = list(row.history.order_by("history_date").values_list("state", "history_user"))
    assert history == [
        ("agreed", world.member.pk),
        ("agreed_with_comments", world.other_member.pk),
    ]
    assert PlanSignUp.objects.count() == 1


def test_the_same_answer_again_writes_nothing(world):
    services.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    services.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    assert PlanSignUp.history.count() == 1


@pytest.mark.parametrize("state", ["agreed_with_comments", "concern"])
def test_comments_and_concerns_need_the_words(world, state):
    with pytest.raises(ValidationError) as refused:
        services.sign_up_to_plan(
            plan=world.plan, organisation=world.police, state=state, comment=" ", by=world.member
        )
    assert "comment" in refused.value.message_dict
    assert not PlanSignUp.objects.exists()


def test_an_unknown_answer_is_refused_next_to_the_choice(world):
    with pytest.raises(ValidationError) as refused:
        services.sign_up_to_plan(
            plan=world.plan, organisation=world.police, state="maybe", by=world.member
        )
    assert "state" in refused.value.message_dict


def test_partners_sign_up_to_the_approved_version_only(world):
    with pytest.raises(ValidationError, match="approved version of the plan only"):
        services.sign_up_to_plan(
            plan=world.draft_plan, organisation=world.police, state="agreed", by=world.member
        )
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.SUPERSEDED)
    world.plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.sign_up_to_plan(
            plan=world.plan, organisation=world.police, state="agreed", by=world.member
        )
    assert not PlanSignUp.objects.exists()


def test_who_may_sign_for_whom(world):
    # The lead is there for the council, so signs for it; not for the police.
    services.sign_up_to_plan(
        plan=world.plan, organisation=world.council, state="agreed", by=world.lead
    )
    for person, org in (
        (world.lead, world.police),
        (world.member, world.council),
        (world.viewer, world.council),  # a viewer is there for the council, but not a partner
        (world.performance, world.council),
        (world.outsider, world.police),
    ):
        with pytest.raises(PermissionDenied):
            services.sign_up_to_plan(plan=world.plan, organisation=org, state="agreed", by=person)
    assert list(PlanSignUp.objects.values_list("organisation__name", flat=True)) == ["Test Council"]


def test_the_sign_up_status_lists_every_partner_with_its_answer_or_not_yet(world):
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="concern",
        comment="No budget for overtime.",
        by=world.member,
    )
    lines = sign_up_status(world.plan)
    assert [(line.organisation.name, line.state_label) for line in lines] == [
        ("Test Council", "Not yet"),
        ("Test Police", "Concern raised"),
    ]
    council, police = lines
    assert council.representatives == [world.lead]  # the viewer is no representative
    assert set(police.representatives) == {world.member, world.other_member}
    assert police.sign_up.comment == "No budget for overtime."


def test_a_concern_tells_the_leads(world):
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="concern",
        comment="No budget for overtime.",
        by=world.member,
    )
    assert told(Kind.PLAN_CONCERN) == {"lead"}
    note = Notification.objects.get(kind=Kind.PLAN_CONCERN)
    assert "Test Police raised a concern" in note.subject
    assert "No budget for overtime." in note.body
    assert note.url == world.plan.get_absolute_url() + "#sign-up"


def test_agreeing_tells_no_one(world):
    services.sign_up_to_plan(
        plan=world.plan,
        organisation=world.police,
        state="agreed_with_comments",
        comment="Fine.",
        by=world.member,
    )
    assert not Notification.objects.exists()


def _approve_the_draft(world):
    PlanTarget.objects.create(
        plan=world.draft_plan, indicator=world.indicator, period=Period.parse("2025/26 Q3"), value=9
    )
    today = datetime.date(2026, 1, 15)
    reasons = {i.key: "accepted" for i in smart_report(world.draft_plan, today).failures}
    return approve_plan(plan=world.draft_plan, by=world.lead, reasons=reasons, today=today)


def test_approval_tells_every_member_and_asks_each_partners_representatives_to_sign_up(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    for person in (world.member, world.other_member, world.viewer, world.lead):
        person.email = f"{person.username}@example.org"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan = _approve_the_draft(world)
    assert told(Kind.PLAN_APPROVED) == {"member", "other_member", "viewer"}
    # The police's two members are asked; the lead approved it and the viewer is no partner.
    assert told(Kind.PLAN_SIGN_UP) == {"member", "other_member"}
    note = Notification.objects.get(kind=Kind.PLAN_SIGN_UP, recipient=world.member)
    assert "for Test Police" in note.subject
    assert note.url == plan.get_absolute_url() + "#sign-up"
    subjects = {m.subject for m in mailoutbox if m.to == ["member@example.org"]}
    assert any("sign up" in s for s in subjects)
    # The new version has no answers yet; the old one's stay with it.
    assert {line.state_label for line in sign_up_status(plan)} == {"Not yet"}


def test_the_update_form_reports_the_sign_up_of_each_version_current_in_the_year(world):
    Plan.objects.filter(pk=world.plan.pk).update(
        approved_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)
    )
    world.plan.refresh_from_db()
    services.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    (item,) = year_sign_ups(world.partnership, 2025)
    assert item.plan == world.plan
    assert item.summary == "1 agreed, 1 not yet"
    # A year before the plan was approved has nothing to sign up to.
    assert year_sign_ups(world.partnership, 2022) == []


# --- partner profiles ------------------------------------------------------------------


def test_partner_organisations_are_the_lead_organisation_and_those_of_leads_and_members(world):
    fire = Organisation.objects.create(name="Fire Service", kind="fire")
    watcher = make_user("watcher")
    add_member(world.partnership, watcher, Role.VIEWER, fire)  # a viewer's: not a partner
    assert [o.name for o in partner_organisations(world.partnership)] == [
        "Test Council",
        "Test Police",
    ]


def test_a_member_keeps_their_organisations_profile_with_its_history(world):
    profile = services.save_partner_profile(
        partnership=world.partnership,
        organisation=world.police,
        by=world.member,
        statutory_duties="Crime and Disorder Act 1998, section 17",
        max_actions=2,
        capacity_people=Decimal("1.5"),
        capacity_money=Decimal("20000"),
        capacity_year=2025,
    )
    services.save_partner_profile(
        partnership=world.partnership,
        organisation=world.police,
        by=world.lead,
        statutory_duties="Crime and Disorder Act 1998, section 17",
        max_actions=3,
    )
    profile.refresh_from_db()
    assert (profile.max_actions, profile.capacity_money, profile.updated_by) == (
        3,
        None,
        world.lead,
    )
    assert profile.history.count() == 2
    assert PartnerProfile.objects.count() == 1
    decision = services.add_decision_date(
        profile=profile, by=world.performance, date=datetime.date(2026, 2, 20), what="Budget set"
    )
    assert decision.history.get().history_user == world.performance
    services.remove_decision_date(decision=decision, by=world.member)
    assert not profile.decision_dates.exists()
    assert profile.history.count() == 4  # each date change is on the profile's record


def test_a_profile_refuses_bad_numbers_next_to_the_field(world):
    with pytest.raises(ValidationError) as refused:
        services.save_partner_profile(
            partnership=world.partnership,
            organisation=world.police,
            by=world.member,
            capacity_money=Decimal("-1"),
            capacity_year=99999,
        )
    assert set(refused.value.message_dict) == {"capacity_money", "capacity_year"}
    assert not PartnerProfile.objects.exists()


def test_only_partner_organisations_have_profiles(world):
    stranger = Organisation.objects.create(name="Stranger Ltd")
    with pytest.raises(ValidationError, match="not a partner"):
        services.save_partner_profile(
            partnership=world.partnership, organisation=stranger, by=world.lead
        )


def test_a_decision_date_says_what_is_decided(world):
    profile = services.save_partner_profile(
        partnership=world.partnership, organisation=world.police, by=world.member
    )
    with pytest.raises(ValidationError) as refused:
        services.add_decision_date(
            profile=profile, by=world.member, date=datetime.date(2026, 2, 1), what=" "
        )
    assert "what" in refused.value.message_dict


# --- capacity flags --------------------------------------------------------------------

TODAY = datetime.date(2025, 5, 1)


def _profile(world, org, **fields):
    return services.save_partner_profile(
        partnership=world.partnership, organisation=org, by=world.lead, **fields
    )


def _council_action(world, **fields):
    return Action.objects.create(
        objective=world.objective,
        ref="A2",
        title="Street lighting review",
        lead_organisation=world.council,
        start_date=datetime.date(2025, 7, 1),
        due_date=datetime.date(2025, 12, 31),
        **fields,
    )


def loads(world, plan=None) -> dict[str, object]:
    return {
        load.organisation.name: load
        for load in capacity_flags(world.partnership, plan or world.plan, TODAY)
    }


def test_a_partner_leading_more_open_actions_than_it_can_is_over_capacity(world):
    # The police lead A1 (open); they said they can lead none at once.
    _profile(world, world.police, max_actions=0)
    police = loads(world)["Test Police"]
    assert police.open_count == 1
    assert (police.over_capacity, police.over_actions, police.over_money) == (True, True, False)


def test_action_budgets_over_the_money_a_partner_can_commit_are_over_capacity(world):
    Budget.objects.create(
        partnership=world.partnership, year=2025, action=world.action, amount=Decimal("8000")
    )
    Budget.objects.create(  # another year's budget is not this year's load
        partnership=world.partnership, year=2024, action=world.action, amount=Decimal("9000")
    )
    _profile(world, world.police, max_actions=5, capacity_money=Decimal("5000"))
    police = loads(world)["Test Police"]
    assert police.money == Decimal("8000")
    assert (police.over_actions, police.over_money, police.over_capacity) == (False, True, True)


def test_a_partner_asked_to_deliver_before_its_decision_date_is_flagged(world):
    # A1 runs 1 April to 30 June 2025; the police board decides on 1 September.
    profile = _profile(world, world.police, max_actions=5)
    services.add_decision_date(
        profile=profile, by=world.lead, date=datetime.date(2024, 2, 1), what="Last budget"
    )
    decision = services.add_decision_date(
        profile=profile, by=world.lead, date=datetime.date(2025, 9, 1), what="Board approves"
    )
    police = loads(world)["Test Police"]
    assert police.next_decision == decision  # the first from today, not a past one
    assert [(e.action, e.decision) for e in police.early] == [(world.action, decision)]
    assert police.flagged and not police.over_capacity


def test_a_partner_within_capacity_and_timescales_is_not_flagged(world):
    _council_action(world)
    profile = _profile(world, world.council, max_actions=3, capacity_money=Decimal("10000"))
    # The council's board decides before the action is due: it can commit in time.
    services.add_decision_date(
        profile=profile, by=world.lead, date=datetime.date(2025, 6, 1), what="Cabinet"
    )
    council = loads(world)["Test Council"]
    assert council.open_count == 1
    assert not council.flagged
    assert council.early == []


def test_finished_and_overdue_actions_and_partners_without_a_profile_are_not_flagged(world):
    # No profile: no stated capacity.
    assert not loads(world)["Test Police"].flagged
    profile = _profile(world, world.police, max_actions=0)
    services.add_decision_date(
        profile=profile, by=world.lead, date=datetime.date(2025, 9, 1), what="Board"
    )
    Action.objects.filter(pk=world.action.pk).update(state=ActionState.COMPLETED)
    police = loads(world)["Test Police"]
    assert (police.open_count, police.flagged) == (0, False)
    # An open action already overdue is flagged as overdue elsewhere, not here.
    Action.objects.filter(pk=world.action.pk).update(state=ActionState.ON_TRACK)
    later = capacity_flags(world.partnership, world.plan, datetime.date(2025, 8, 1))
    assert [load.early for load in later if load.organisation == world.police] == [[]]


def test_capacity_flags_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for org in (world.council, world.police):
        _profile(world, org, max_actions=1)
    _council_action(world)
    with django_assert_max_num_queries(5):
        capacity_flags(world.partnership, world.plan, TODAY)


# --- contributions from outside --------------------------------------------------------


def contribution(world, **fields):
    values = dict(
        objective=world.objective,
        by=world.member,
        organisation_name="Trafford Rotary Club",
        kind="money",
        description="Grant for door locks",
        amount=Decimal("5000"),
        year=2025,
    )
    return services.add_contribution(**(values | fields))


def test_a_member_records_changes_and_removes_a_contribution_with_its_history(world):
    c = contribution(world)
    c.refresh_from_db()
    assert (c.organisation_name, c.amount, c.recorded_by) == (
        "Trafford Rotary Club",
        Decimal("5000"),
        world.member,
    )
    services.update_contribution(
        contribution=c,
        by=world.lead,
        organisation_name="Trafford Rotary Club",
        kind="venues",
        description="Their hall for residents' meetings",
        amount=None,
        year=2025,
    )
    c.refresh_from_db()
    assert (c.kind, c.amount) == ("venues", None)
    services.remove_contribution(contribution=c, by=world.other_member)
    assert not OutsideContribution.objects.exists()
    assert [h.history_type for h in OutsideContribution.history.order_by("history_date")] == [
        "+",
        "~",
        "-",
    ]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"organisation_name": "test police"}, "organisation_name"),  # a partner
        ({"organisation_name": " "}, "organisation_name"),
        ({"kind": "data", "amount": Decimal("10")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"kind": "gold"}, "kind"),
        ({"description": ""}, "description"),
        ({"year": 1066}, "year"),
    ],
)
def test_a_contribution_is_refused_next_to_the_field_at_fault(world, fields, field):
    with pytest.raises(ValidationError) as refused:
        contribution(world, **fields)
    assert field in refused.value.message_dict
    assert not OutsideContribution.objects.exists()


def test_a_contribution_follows_its_objective_into_the_approved_revision(world):
    c = contribution(world)
    Plan.objects.filter(pk=world.draft_plan.pk).delete()
    draft = revise_plan(
        plan=world.plan,
        by=world.lead,
        reason="New priorities",
        decisions={world.action.pk: ActionDecision(carry=True)},
    )
    reasons = {i.key: "ok" for i in smart_report(draft, TODAY).failures}
    approve_plan(plan=draft, by=world.lead, reasons=reasons, today=TODAY)
    c.refresh_from_db()
    assert c.objective == draft.objectives.get(ref="O1")
    assert "carried into version" in c.history.first().history_change_reason


def test_the_annual_report_lists_the_years_contributions_in_the_read_word_and_pdf(world, tmp_path):
    contribution(world)
    contribution(world, organisation_name="Old Trafford Mosque", kind="venues", amount=None)
    contribution(world, organisation_name="Earlier Trust", year=2024)  # another year's
    content = annual_report_content(world.partnership, 2025, today=datetime.date(2026, 1, 15))
    assert [(c.organisation, c.kind, c.amount) for c in content.contributions] == [
        ("Old Trafford Mosque", "Venues", ""),
        ("Trafford Rotary Club", "Money", "£5,000"),
    ]
    assert content.contributions[0].objective == "O1 Fewer burglaries"
    # A published edition keeps them; one stored before they existed has none.
    again = AnnualReportContent.from_snapshot(content.to_snapshot())
    assert again.contributions == content.contributions
    old = content.to_snapshot() | {"format": 2}  # as stored before contributions existed
    del old["contributions"]
    assert AnnualReportContent.from_snapshot(old).contributions == []

    document = docx.Document(io.BytesIO(annual_report_docx(content)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Contributions from outside the partnership" in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Trafford Rotary Club", "£5,000", "Old Trafford Mosque"} <= cells

    path = tmp_path / "report.pdf"
    path.write_bytes(annual_report_pdf(content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Contributions from outside the partnership" in text
    assert "Trafford Rotary Club" in text and "£5,000" in text


def test_a_member_who_leaves_no_longer_represents_the_organisation(world):
    Membership.objects.filter(partnership=world.partnership, person=world.other_member).delete()
    with pytest.raises(PermissionDenied):
        services.sign_up_to_plan(
            plan=world.plan, organisation=world.police, state="agreed", by=world.other_member
        )


def test_the_partnerships_data_export_holds_its_shared_direction(world):
    contribution(world)
    services.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    tables = {t.name: t for t in export_tables(Partnership.objects.filter(pk=world.other.pk))}
    assert tables["outside_contributions"].count == 0  # another partnership's records only
    tables = {t.name: t for t in export_tables(Partnership.objects.filter(pk=world.partnership.pk))}
    (row,) = list(tables["outside_contributions"].rows)
    assert "Trafford Rotary Club" in row and "Money" in row
    (row,) = list(tables["plan_sign_ups"].rows)
    assert "Test Police" in row and "Agreed" in row
