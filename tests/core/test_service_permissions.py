"""Every service refuses someone without the role its write needs, before it writes
anything: so a form, the admin, an import, a command or an API client cannot get round
the rule the pages show.

The services are found by looking: every public function of every module in
goldenthread.core.services that takes `by`. Each needs at least one refusal in REFUSALS,
or `test_every_service_has_a_refusal` fails: a new service comes with its refusal case.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.core import services
from goldenthread.core.models import AnnualUpdateForm
from goldenthread.core.services.benchmarking import ComparatorInput
from goldenthread.core.services.comparator_files import FileArea, FileFigure, NewIndicator
from goldenthread.core.services.partnership_import import PlanImport
from goldenthread.rules import ActionState, Period

Q2, Q3 = Period.parse("2025/26 Q2"), Period.parse("2025/26 Q3")
DAY = datetime.date(2025, 11, 20)


def service_functions() -> dict[str, Callable]:
    """{"module.function": function} for every service. The package's own helpers
    (save_audited and the like, in services/__init__.py) write for the services and are
    not services themselves."""
    found = {}
    for module_info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                function.__module__ == module.__name__
                and not name.startswith("_")
                and "by" in inspect.signature(function).parameters
            ):
                found[f"{module_info.name}.{name}"] = function
    return found


@dataclass(frozen=True)
class Refusal:
    who: str  # the world's person (tests/conftest.py) who is refused
    why: str
    arguments: Callable  # world -> the keyword arguments apart from `by`


def library_result():
    from goldenthread.core.services.library import LibraryResultInput

    return LibraryResultInput(value=Decimal("5.5"))


def update_form(w):
    return AnnualUpdateForm.objects.create(
        partnership=w.partnership, year=2024, status=AnnualUpdateForm.Status.SUBMITTED
    )


def closed(w):
    w.partnership.closed_on, w.partnership.closed_reason = DAY, "Merged"
    w.partnership.save()
    return w.partnership


def risk_fields(w, owner):
    return dict(
        partnership=w.partnership,
        title="Volunteers leave",
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=2,
        residual_impact=2,
        owner=owner,
        review_date=datetime.date(2026, 3, 31),
    )


def objective_fields(w, owner, **more):
    return dict(
        plan=w.draft_plan,
        title="Safer parks",
        owner=owner,
        lead_organisation=None,
        deadline=None,
        outcomes=[],
        indicators=[],
        **more,
    )


def action_fields(w, owner, **more):
    return dict(
        objective=w.draft_objective,
        title="Park patrols",
        owner=owner,
        lead_organisation=None,
        start_date=None,
        due_date=None,
        **more,
    )


def one_value(indicator):
    return [ComparatorInput(indicator, "E08000009", "Trafford", Q3, Decimal("1"))]


def new_from_file():
    figure = FileFigure("E08000002", "Bury", Period.parse("2023/24"), Decimal("5"))
    return NewIndicator(
        source_indicator="Children cautioned or sentenced",
        source_measure="Count",
        code="CF01",
        title="Children cautioned or sentenced",
        unit="count",
        polarity="lower",
        decimals=0,
        frequency="annual",
        figures=[figure],
    )


def no_files(content):
    return b"", b""


def failed_job(w):
    from goldenthread.core.models import Job

    return Job.objects.create(
        kind="publish_report",
        title="Publishing",
        status=Job.Status.FAILED,
        started_by=w.lead,
        partnership=w.partnership,
        params={"year": 2025},
        attempts=1,
    )


def job_task():
    from goldenthread.tasks.runner import run_job

    return run_job


def deactivated(person):
    """The person, their account deactivated since they signed in."""
    person.is_active = False
    return person


def lead_token(w):
    from goldenthread.core.services.api_tokens import create_token

    token, _secret = create_token(
        w.lead, name="Dashboard", scope="read", expires_on=DAY.today() + datetime.timedelta(days=30)
    )
    return token


def council_profile(w):
    from goldenthread.core.models import PartnerProfile

    return PartnerProfile.objects.get_or_create(partnership=w.partnership, organisation=w.council)[
        0
    ]


def council_decision(w):
    return council_profile(w).decision_dates.create(
        date=datetime.date(2026, 2, 1), what="Board approves budget"
    )


R = Refusal
REFUSALS: dict[str, list[Refusal]] = {
    # --- the partnership health check (issue 17) ---
    "health_checks.open_health_check": [
        R(
            "member",
            "the leads and the performance team open a health check",
            lambda w: dict(
                partnership=w.partnership, year=2025, closes_on=datetime.date(2099, 1, 1)
            ),
        ),
        R(
            "outsider",
            "nobody opens another partnership's health check",
            lambda w: dict(
                partnership=w.partnership, year=2025, closes_on=datetime.date(2099, 1, 1)
            ),
        ),
    ],
    "health_checks.answer_health_check": [
        R(
            "viewer",
            "leads and members answer; viewers give feedback instead",
            lambda w: dict(health_check=w.health_check, answers={}),
        ),
        R(
            "performance",
            "the performance team is not a member of the partnership",
            lambda w: dict(health_check=w.health_check, answers={}),
        ),
    ],
    "health_checks.close_health_check": [
        R(
            "member",
            "the leads and the performance team close a health check",
            lambda w: dict(health_check=w.health_check),
        )
    ],
    "health_checks.raise_health_check_action": [
        R(
            "member",
            "the leads add actions to the plan from the health check",
            lambda w: dict(
                health_check=w.health_check,
                theme="trust",
                title="Build trust",
                objective=w.objective,
                owner=w.member,
                due_date=datetime.date(2099, 1, 1),
            ),
        ),
        R(
            "performance",
            "the performance team does not write a partnership's plan",
            lambda w: dict(
                health_check=w.health_check,
                theme="trust",
                title="Build trust",
                objective=w.objective,
                owner=w.member,
                due_date=datetime.date(2099, 1, 1),
            ),
        ),
    ],
    # --- background jobs: started and retried by whoever may do the work itself ---
    "jobs.start_job": [
        R(
            "member",
            "only leads publish the annual report",
            lambda w: dict(
                kind="publish_report",
                title="Publishing",
                partnership=w.partnership,
                params={"year": 2025},
                task=job_task(),
            ),
        ),
        R(
            "lead",
            "only the performance team exports every partnership",
            lambda w: dict(kind="export", title="Exporting", partnership=None, task=job_task()),
        ),
    ],
    "jobs.retry_job": [
        R(
            "member",
            "a member may not publish, so not retry",
            lambda w: dict(job=failed_job(w), task=job_task()),
        ),
        R(
            "performance",
            "the performance team does not publish",
            lambda w: dict(job=failed_job(w), task=job_task()),
        ),
    ],
    # --- plans: leads start, edit, approve and revise; members draft what they own ---
    "plans.create_plan": [
        R(
            "member",
            "only leads start a plan",
            lambda w: dict(partnership=w.partnership, title="New", first_year=2026, last_year=2027),
        )
    ],
    "plans.update_plan": [
        R("member", "only leads edit the plan", lambda w: dict(plan=w.draft_plan, title="New"))
    ],
    "plans.save_objective": [
        R("viewer", "viewers do not draft", lambda w: objective_fields(w, w.viewer)),
        R(
            "other_member",
            "a member changes only what they own",
            lambda w: objective_fields(w, w.member, objective=w.draft_objective),
        ),
        R(
            "member",
            "only a lead gives an item to someone else",
            lambda w: objective_fields(w, w.other_member),
        ),
    ],
    "plans.remove_objective": [
        R("other_member", "not theirs", lambda w: dict(objective=w.draft_objective))
    ],
    "plans.save_action": [
        R("viewer", "viewers do not draft", lambda w: action_fields(w, w.viewer)),
        R(
            "other_member",
            "a member changes only what they own",
            lambda w: action_fields(w, w.member, action=w.draft_action),
        ),
        R(
            "member",
            "only a lead gives an item to someone else",
            lambda w: action_fields(w, None),
        ),
    ],
    "plans.remove_action": [R("other_member", "not theirs", lambda w: dict(action=w.draft_action))],
    "plans.create_indicator": [
        R(
            "viewer",
            "viewers do not draft",
            lambda w: dict(
                plan=w.draft_plan, objective=w.draft_objective, code="SS09", owner=w.viewer
            ),
        ),
        R(
            "member",
            "only a lead gives an item to someone else",
            lambda w: dict(plan=w.draft_plan, objective=None, code="SS09", owner=w.lead),
        ),
    ],
    "plans.update_indicator": [
        R("other_member", "not theirs", lambda w: dict(indicator=w.indicator, title="New")),
        R(
            "member",
            "only a lead gives an item to someone else",
            lambda w: dict(indicator=w.indicator, owner=w.other_member),
        ),
    ],
    "plans.set_plan_targets": [
        R(
            "other_member",
            "not their indicator",
            lambda w: dict(plan=w.draft_plan, indicator=w.indicator, targets={}),
        )
    ],
    "plans.approve_plan": [
        R("member", "only leads approve", lambda w: dict(plan=w.draft_plan, reasons={}, today=DAY))
    ],
    "plans.revise_plan": [
        R(
            "member",
            "only leads revise",
            lambda w: dict(plan=w.plan, reason="New priorities", decisions={}),
        )
    ],
    # --- risks: leads and members add; the owner or a lead changes and closes ---
    "risks.create_risk": [
        R("viewer", "viewers do not add risks", lambda w: risk_fields(w, w.viewer)),
        R("member", "only a lead gives a risk to someone else", lambda w: risk_fields(w, w.lead)),
    ],
    "risks.update_risk": [
        R("other_member", "not theirs", lambda w: dict(risk=w.risk, title="New")),
        R(
            "member",
            "only a lead gives a risk to someone else",
            lambda w: dict(risk=w.risk, owner=w.other_member),
        ),
    ],
    "risks.close_risk": [
        R("other_member", "not theirs", lambda w: dict(risk=w.risk, reason="Gone"))
    ],
    # --- reviews, comments and feedback ---
    "reviews.record_review": [
        R(
            "viewer",
            "leads and members record meetings",
            lambda w: dict(partnership=w.partnership, period=Q2, held_on=DAY),
        )
    ],
    "reviews.update_review": [
        R(
            "other_member",
            "its recorder or a lead changes it",
            lambda w: dict(meeting=w.meeting, period=Q2, held_on=DAY),
        )
    ],
    "reviews.add_comment": [
        R("viewer", "viewers give feedback instead", lambda w: dict(on=w.indicator, body="Hi")),
        R("outsider", "another partnership's", lambda w: dict(on=w.action, body="Hi")),
    ],
    "reviews.give_feedback": [
        R(
            "outsider",
            "only those who see the partnership",
            lambda w: dict(partnership=w.partnership, body="Hi"),
        )
    ],
    "reviews.answer_feedback": [
        R("member", "the leads answer", lambda w: dict(feedback=w.feedback, answer="Thanks"))
    ],
    # --- residents' feedback on the public page (issue 17) ---
    "public_feedback.answer_public_feedback": [
        R(
            "member",
            "the leads answer",
            lambda w: dict(feedback=w.feedback, answer="Thanks", publish=False),
        ),
        R(
            "viewer",
            "the leads publish",
            lambda w: dict(feedback=w.feedback, answer="Thanks", publish=True),
        ),
    ],
    "public_feedback.publish_answer": [
        R("member", "the leads publish answers", lambda w: dict(feedback=w.feedback)),
        R("outsider", "another partnership's", lambda w: dict(feedback=w.feedback)),
    ],
    "public_feedback.unpublish_answer": [
        R("viewer", "the leads take answers down", lambda w: dict(feedback=w.feedback))
    ],
    # --- the Revise stage ---
    "lessons.record_lesson": [
        R(
            "viewer",
            "leads and members record lessons",
            lambda w: dict(partnership=w.partnership, title="T", what_happened="W"),
        ),
        R(
            "outsider",
            "another partnership's",
            lambda w: dict(partnership=w.partnership, title="T", what_happened="W"),
        ),
    ],
    "lessons.update_lesson": [
        R("other_member", "its author or a lead", lambda w: dict(lesson=w.lesson, title="New"))
    ],
    "success_stories.write_success_story": [
        R(
            "viewer",
            "leads and members write stories",
            lambda w: dict(partnership=w.partnership, year=2025, title="T", text="S"),
        ),
        R(
            "outsider",
            "another partnership's",
            lambda w: dict(partnership=w.partnership, year=2025, title="T", text="S"),
        ),
    ],
    "success_stories.update_success_story": [
        R(
            "other_member",
            "its author or a lead",
            lambda w: dict(story=w.success_story, year=2025, title="T", text="S"),
        ),
        R(
            "viewer",
            "viewers read stories",
            lambda w: dict(story=w.success_story, year=2025, title="T", text="S"),
        ),
    ],
    "success_stories.publish_success_story": [
        R("other_member", "its author or a lead", lambda w: dict(story=w.success_story)),
        R("outsider", "another partnership's", lambda w: dict(story=w.success_story)),
    ],
    "success_stories.unpublish_success_story": [
        R("viewer", "its author or a lead", lambda w: dict(story=w.success_story)),
    ],
    "success_stories.delete_success_story": [
        R("other_member", "its author or a lead", lambda w: dict(story=w.success_story)),
    ],
    "lessons.share_lesson": [
        R("other_member", "its author or a lead", lambda w: dict(lesson=w.lesson, shared=True)),
        R("viewer", "viewers read lessons", lambda w: dict(lesson=w.lesson, shared=True)),
        R("outsider", "another partnership's", lambda w: dict(lesson=w.lesson, shared=True)),
    ],
    "improvement.start_improvement_plan": [
        R(
            "other_member",
            "the indicator's owner or a lead",
            lambda w: dict(
                indicator=w.indicator,
                summary="More patrols",
                owner=w.other_member,
                review_date=datetime.date(2026, 6, 30),
            ),
        )
    ],
    "improvement.close_improvement_plan": [
        R("member", "the leads close it", lambda w: dict(plan=w.improvement, reason="Better"))
    ],
    # --- the quarter ---
    "returns.open_quarter": [R("lead", "the performance team opens it", lambda w: dict(period=Q3))],
    "returns.record_results": [
        R("viewer", "leads and members fill it in", lambda w: dict(ret=w.ret, results=[]))
    ],
    "returns.save_return": [
        R("viewer", "leads and members fill it in", lambda w: dict(ret=w.ret, version=1))
    ],
    "returns.submit_return": [R("member", "the lead submits", lambda w: dict(ret=w.ret))],
    "returns.sign_off_return": [
        R("lead", "the performance team signs off", lambda w: dict(ret=w.ret))
    ],
    "returns.return_for_changes": [
        R("lead", "the performance team returns it", lambda w: dict(ret=w.ret, reason="Why"))
    ],
    "returns.reopen_return": [
        R("lead", "the performance team reopens it", lambda w: dict(ret=w.ret, reason="Why"))
    ],
    # --- finance ---
    "finance.set_budget": [
        R(
            "member",
            "the leads set budgets",
            lambda w: dict(partnership=w.partnership, year=2025, amount=Decimal(1)),
        )
    ],
    "finance.record_spend": [
        R(
            "performance",
            "the leads record spend",
            lambda w: dict(partnership=w.partnership, period=Q3, amount=Decimal(1)),
        )
    ],
    "finance.save_year_finance": [
        R(
            "viewer",
            "the leads set budgets",
            lambda w: dict(
                partnership=w.partnership, year=2025, budgets={None: Decimal(1)}, spends={}
            ),
        )
    ],
    # --- the year ---
    "update_forms.save_update_form": [
        R(
            "member",
            "the lead link officer writes it",
            lambda w: dict(
                partnership=w.partnership,
                year=2025,
                version=None,
                answers={"achievements": "A"},
                self_assessment={},
            ),
        )
    ],
    "update_forms.submit_update_form": [
        R("member", "the lead link officer submits it", lambda w: dict(form=update_form(w)))
    ],
    "update_forms.accept_update_form": [
        R("lead", "the performance team accepts it", lambda w: dict(form=update_form(w)))
    ],
    "update_forms.return_update_form": [
        R(
            "lead",
            "the performance team returns it",
            lambda w: dict(form=update_form(w), reason="Why"),
        )
    ],
    "annual_reports.save_commentary": [
        R(
            "member",
            "the leads write it",
            lambda w: dict(partnership=w.partnership, year=2024, commentary="A good year"),
        )
    ],
    "annual_reports.publish_report": [
        R(
            "member",
            "the leads publish it",
            lambda w: dict(partnership=w.partnership, year=2024, render=no_files, today=DAY),
        )
    ],
    "annual_reports.start_correction": [
        R(
            "member",
            "the leads correct it",
            lambda w: dict(partnership=w.partnership, year=2024, note="A wrong figure"),
        )
    ],
    "annual_reports.set_publishing": [
        R(
            "member",
            "the leads choose what is public",
            lambda w: dict(
                partnership=w.partnership, is_public=True, published_indicator_ids=[w.indicator.pk]
            ),
        )
    ],
    # --- benchmarking ---
    "benchmarking.import_comparator_values": [
        R(
            "member",
            "the performance team and leads import",
            lambda w: dict(values=one_value(w.indicator)),
        ),
        R(
            "lead",
            "a lead imports for their own partnership only",
            lambda w: dict(values=one_value(w.other_indicator)),
        ),
    ],
    "benchmarking.import_comparator_group": [
        R(
            "lead",
            "groups are shared: the performance team's",
            lambda w: dict(name="Neighbours", areas=[("E08000009", "Trafford")]),
        )
    ],
    "benchmarking.set_comparator_group": [
        R(
            "member",
            "the performance team and leads choose it",
            lambda w: dict(indicator=w.indicator, group=None),
        ),
        R(
            "lead",
            "a lead chooses for their own partnership only",
            lambda w: dict(indicator=w.other_indicator, group=None),
        ),
    ],
    # --- partnerships ---
    "partnerships.close_partnership": [
        R(
            "lead",
            "the performance team closes it",
            lambda w: dict(partnership=w.partnership, reason="Merged"),
        )
    ],
    "partnerships.reopen_partnership": [
        R(
            "lead",
            "the performance team reopens it",
            lambda w: dict(partnership=closed(w), reason="A mistake"),
        )
    ],
    # --- the past, brought in when a partnership starts ---
    "history.record_past_results": [
        R("other_member", "not their indicator", lambda w: dict(indicator=w.indicator, results={}))
    ],
    "history.record_past_targets": [
        R("other_member", "not their indicator", lambda w: dict(indicator=w.indicator, targets={}))
    ],
    "history.record_past_approval": [
        R(
            "member",
            "the leads approve",
            lambda w: dict(plan=w.draft_plan, approved_on=DAY, reasons={}),
        )
    ],
    # --- corrective actions: the owner, the leads and the performance team track one ---
    "corrective_actions.record_progress": [
        R(
            "other_member",
            "not their corrective action",
            lambda w: dict(
                corrective_action=w.corrective_action, status="in_progress", progress="Begun."
            ),
        ),
        R(
            "viewer",
            "a viewer who does not own it",
            lambda w: dict(
                corrective_action=w.corrective_action, status="in_progress", progress="Begun."
            ),
        ),
    ],
    "corrective_actions.record_progress_in_return": [
        R(
            "other_member",
            "not their corrective action",
            lambda w: dict(ret=w.ret, rows=[(w.corrective_action, "in_progress", "Begun.")]),
        )
    ],
    "corrective_actions.close_corrective_action": [
        R(
            "other_member",
            "not their corrective action",
            lambda w: dict(corrective_action=w.corrective_action, worked="yes", closing_note="x"),
        )
    ],
    "corrective_actions.reopen_corrective_action": [
        R(
            "viewer",
            "viewers do not track it",
            lambda w: dict(corrective_action=w.corrective_action, reason="It slipped."),
        )
    ],
    "history.record_past_progress": [
        R(
            "other_member",
            "not their action",
            lambda w: dict(action=w.action, state=ActionState.ON_TRACK, percent_complete=50),
        )
    ],
    # --- process changes: the indicator's owner, the leads and the performance team ---
    "process_changes.mark_process_change": [
        R(
            "other_member",
            "not their indicator",
            lambda w: dict(indicator=w.indicator, period=Q2, reason="New triage service"),
        ),
        R(
            "viewer",
            "viewers do not mark changes",
            lambda w: dict(indicator=w.indicator, period=Q2, reason="New triage service"),
        ),
        R(
            "lead",
            "the partnership is closed",
            lambda w: dict(
                indicator=w.indicator if closed(w) else None, period=Q2, reason="New service"
            ),
        ),
    ],
    "process_changes.remove_process_change": [
        R("other_member", "not their indicator", lambda w: dict(change=w.process_change)),
        R("viewer", "viewers do not remove changes", lambda w: dict(change=w.process_change)),
    ],
    # --- sign-in and people (issue 14) ---
    "sign_in.add_provider": [
        R(
            "lead",
            "the performance team adds organisations' sign-in",
            lambda w: dict(
                name="Fire",
                organisation=w.police,
                issuer="https://login.example.org/fire",
                client_id="gt",
                secret="s",
                domains="fire.example.org",
            ),
        )
    ],
    "sign_in.change_provider": [
        R(
            "lead",
            "the performance team changes organisations' sign-in",
            lambda w: dict(
                provider=w.identity_provider,
                name="Other",
                organisation=w.police,
                issuer="https://login.example.org/other",
                client_id="gt",
                domains="other.example.org",
                trusted=True,
                is_active=True,
            ),
        )
    ],
    "sign_in.deactivate_provider": [
        R(
            "lead",
            "the performance team switches sign-ins off",
            lambda w: dict(provider=w.identity_provider),
        )
    ],
    "invitations.invite": [
        R(
            "member",
            "only leads invite people to their partnership",
            lambda w: dict(
                email="new@example.org",
                partnership=w.partnership,
                organisation=w.police,
                role="member",
            ),
        ),
        R(
            "lead",
            "only the performance team invites to the performance team",
            lambda w: dict(email="new@example.org", as_performance_team=True),
        ),
    ],
    "invitations.resend": [
        R("member", "only leads send invitations", lambda w: dict(invitation=w.invitation))
    ],
    "invitations.revoke": [
        R("viewer", "only leads withdraw invitations", lambda w: dict(invitation=w.invitation))
    ],
    "people.change_role": [
        R("member", "only leads change roles", lambda w: dict(membership=w.membership, role="lead"))
    ],
    "people.remove_member": [
        R("viewer", "only leads remove people", lambda w: dict(membership=w.membership))
    ],
    "people.deactivate": [
        R("lead", "the performance team deactivates accounts", lambda w: dict(user=w.member))
    ],
    # --- API tokens (issue 15): each person's own ---
    "api_tokens.create_token": [
        R(
            "nobody",
            "a deactivated account makes no tokens",
            lambda w: dict(
                name="Dashboard",
                scope="read",
                expires_on=datetime.date.today(),
                _=deactivated(w.nobody),
            ),
        )
    ],
    "api_tokens.revoke_token": [
        R("member", "a person revokes only their own tokens", lambda w: dict(token=lead_token(w)))
    ],
    # --- open data (issue 15): the council's licence ---
    "open_data.set_open_data_licence": [
        R(
            "lead",
            "the performance team chooses the licence",
            lambda w: dict(name="Another licence", url="https://example.org/licence"),
        )
    ],
    "people.reactivate": [
        R("lead", "the performance team reactivates accounts", lambda w: dict(user=w.member))
    ],
    # --- indicators and groups from a published data file (issue 16) ---
    "comparator_files.create_indicators_from_file": [
        R(
            "member",
            "the partnership's leads create indicators from a file",
            lambda w: dict(
                plan=w.draft_plan, objective=None, indicators=[new_from_file()], source="f"
            ),
        ),
        R(
            "performance",
            "the performance team does not write a partnership's plan",
            lambda w: dict(
                plan=w.draft_plan, objective=None, indicators=[new_from_file()], source="f"
            ),
        ),
        R(
            "outsider",
            "nobody creates indicators in another partnership",
            lambda w: dict(
                plan=w.draft_plan, objective=None, indicators=[new_from_file()], source="f"
            ),
        ),
    ],
    "comparator_files.create_group_from_areas": [
        R(
            "lead",
            "groups are shared: the performance team's",
            lambda w: dict(
                name="Metropolitan districts", areas=[FileArea("E08000009", "Trafford")]
            ),
        )
    ],
    # --- bringing a partnership in from a spreadsheet (issue 16) ---
    "partnership_import.import_partnership_plan": [
        R(
            who,
            why,
            lambda w: dict(
                partnership=w.partnership,
                parsed=PlanImport(),
                file_name="plan.xlsx",
                title="Plan",
                first_year=2025,
                last_year=2027,
            ),
        )
        for who, why in (
            ("member", "the partnership's leads bring a plan in"),
            ("performance", "the performance team does not write a partnership's plan"),
            ("outsider", "nobody brings a plan into another partnership"),
        )
    ],
    # --- the council indicator library (issue 16) ---
    "library.create_library_indicator": [
        R("lead", "the performance team keeps the library", lambda w: dict(code="X1", title="X"))
    ],
    "library.update_library_indicator": [
        R(
            "member",
            "owning a library indicator is entering its results, not defining it",
            lambda w: dict(library_indicator=w.library_indicator, title="X"),
        )
    ],
    "library.use_library_indicator": [
        R(
            "viewer",
            "viewers do not add indicators to a plan",
            lambda w: dict(
                plan=w.draft_plan, objective=None, library_indicator=w.library_indicator
            ),
        ),
        R(
            "outsider",
            "nobody adds indicators to another partnership's plan",
            lambda w: dict(
                plan=w.draft_plan, objective=None, library_indicator=w.library_indicator
            ),
        ),
    ],
    "library.record_library_results": [
        R(
            "lead",
            "the library indicator's owner or the performance team enters its results",
            lambda w: dict(
                library_indicator=w.library_indicator,
                results={Q2: library_result()},
            ),
        )
    ],
    "library.remove_library_result": [
        R(
            "lead",
            "the library indicator's owner or the performance team removes its results",
            lambda w: dict(library_indicator=w.library_indicator, period=Q2),
        )
    ],
    "library.link_to_library": [
        R(
            "viewer",
            "viewers do not change a plan's indicators",
            lambda w: dict(indicator=w.indicator, library_indicator=w.library_indicator),
        ),
        R(
            "other_member",
            "a member links only an indicator they own",
            lambda w: dict(indicator=w.indicator, library_indicator=w.library_indicator),
        ),
        R(
            "performance",
            "the performance team does not write a partnership's plan",
            lambda w: dict(indicator=w.indicator, library_indicator=w.library_indicator),
        ),
    ],
    "library.stop_using_library": [
        R(
            "viewer",
            "viewers do not change a plan's indicators",
            lambda w: dict(indicator=w.indicator),
        ),
        R(
            "other_member",
            "a member stops using the library only for an indicator they own",
            lambda w: dict(indicator=w.indicator),
        ),
        R(
            "lead",
            "a closed partnership's record is kept as it was",
            lambda w: dict(indicator=w.indicator if closed(w) else None),
        ),
    ],
    # --- shared direction (issue 17): signing up, partner profiles, outside contributions ---
    "partners.sign_up_to_plan": [
        R(
            "member",
            "a member signs only for the organisation they are there for",
            lambda w: dict(plan=w.plan, organisation=w.council, state="agreed"),
        ),
        R(
            "viewer",
            "viewers are stakeholders, not partners",
            lambda w: dict(plan=w.plan, organisation=w.council, state="agreed"),
        ),
        R(
            "outsider",
            "nobody signs up to another partnership's plan",
            lambda w: dict(plan=w.plan, organisation=w.police, state="agreed"),
        ),
    ],
    "partners.save_partner_profile": [
        R(
            "member",
            "a member keeps only their own organisation's profile",
            lambda w: dict(partnership=w.partnership, organisation=w.council, max_actions=3),
        ),
        R(
            "viewer",
            "viewers do not keep profiles",
            lambda w: dict(partnership=w.partnership, organisation=w.council),
        ),
    ],
    "partners.add_decision_date": [
        R(
            "member",
            "a member keeps only their own organisation's decision dates",
            lambda w: dict(
                profile=council_profile(w), date=datetime.date(2026, 2, 1), what="Budget"
            ),
        )
    ],
    "partners.remove_decision_date": [
        R(
            "member",
            "a member keeps only their own organisation's decision dates",
            lambda w: dict(decision=council_decision(w)),
        )
    ],
    "partners.add_contribution": [
        R(
            "viewer",
            "viewers do not record contributions",
            lambda w: dict(
                objective=w.objective,
                organisation_name="Rotary",
                kind="data",
                description="Survey",
                year=2025,
            ),
        ),
        R(
            "performance",
            "the performance team does not write a partnership's plan",
            lambda w: dict(
                objective=w.objective,
                organisation_name="Rotary",
                kind="data",
                description="Survey",
                year=2025,
            ),
        ),
    ],
    "partners.update_contribution": [
        R(
            "viewer",
            "viewers do not change contributions",
            lambda w: dict(
                contribution=w.contribution,
                organisation_name="Rotary",
                kind="data",
                description="Survey",
                year=2025,
            ),
        )
    ],
    "partners.remove_contribution": [
        R(
            "viewer",
            "viewers do not remove contributions",
            lambda w: dict(contribution=w.contribution),
        )
    ],
}


def test_every_service_has_a_refusal():
    found = set(service_functions())
    assert found - set(REFUSALS) == set(), "services without a refusal case in REFUSALS"
    assert set(REFUSALS) - found == set(), "refusal cases for services that no longer exist"
    assert all(REFUSALS.values())


def _counts() -> dict[str, int]:
    """Rows of every model of the domain, the history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("core").get_models()
    }


WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize(
    "service, refusal",
    [
        pytest.param(name, refusal, id=f"{name}-as-{refusal.who}-{i}")
        for name, cases in REFUSALS.items()
        for i, refusal in enumerate(cases)
    ],
)
def test_the_service_refuses_and_writes_nothing(world, service, refusal):
    function = service_functions()[service]
    arguments = refusal.arguments(world)
    # Only what the service still takes: a refusal comes before any other argument is used.
    accepted = inspect.signature(function).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        arguments = {name: value for name, value in arguments.items() if name in accepted}
    before = _counts()
    with CaptureQueriesContext(connection) as queries, pytest.raises(PermissionDenied):
        function(by=world.person(refusal.who), **arguments)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == [], f"{service} wrote before refusing ({refusal.why})"
    assert _counts() == before
