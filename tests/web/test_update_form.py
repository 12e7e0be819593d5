"""The annual update form's workflow and who may do what: the lead saves drafts and
submits; members and viewers read; the performance team accepts or returns it (with a
reason); a returned form is resubmitted. And its PDF."""

import subprocess

import pytest
from django.urls import reverse

from goldenthread.core.models import AnnualUpdateForm
from goldenthread.rules import Requirement

YEAR = 2025


def url(world, name: str = "update_form") -> str:
    return reverse(name, args=[world.partnership.pk, YEAR])


def complete(**overrides) -> dict[str, str]:
    data = {
        "membership_changes": "Fire and rescue joined.",
        "governance_changes": "",
        "achievements": "Burglary fell by a fifth.",
        "challenges": "Police funding was cut.",
        "plan_status": "Approved, running to 2026/27.",
        "system_use": "Every quarter reported here.",
        "finance_summary": "Spent 95% of the budget.",
        "priorities": "Repeat victims.",
    }
    for requirement in Requirement:
        data[f"sa_{requirement.value}_view"] = "met"
        data[f"sa_{requirement.value}_comment"] = ""
    data["sa_monitoring_view"] = "partly"
    data["sa_monitoring_comment"] = "Q3 was late."
    data.update(overrides)
    return data


def saved(world) -> AnnualUpdateForm:
    return AnnualUpdateForm.objects.get(partnership=world.partnership, year=YEAR)


def test_the_lead_sees_the_form_pre_filled_from_the_tracker(client, world):
    client.force_login(world.lead)
    response = client.get(url(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="update-form"' in page
    assert "Self-assessment against the minimum requirements" in page
    form = response.context["form"]
    # The tracker says the system is used (results recorded), so the view starts at met.
    assert form.initial["sa_system_view"] == "met"
    assert form.initial["sa_report_view"] in ("", "not_met")
    assert "indicator has results recorded" in page
    assert not AnnualUpdateForm.objects.exists()


def test_the_lead_saves_a_draft_that_keeps_everything_typed(client, world):
    client.force_login(world.lead)
    response = client.post(url(world), {"achievements": "Half written", "sa_plan_comment": "Hm"})
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "draft"
    assert form.achievements == "Half written"
    assert form.self_assessment["plan"]["comment"] == "Hm"
    assert form.self_assessment["system"]["tracker"] == "met"
    assert form.history.first().history_user == world.lead
    assert form.history.first().history_change_reason == "Started the form"
    first_version = form.version

    response = client.post(url(world), {**complete(), "version": first_version, "save": "1"})
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "draft"
    assert form.priorities == "Repeat victims."
    assert form.history.first().history_change_reason == "Saved a draft"

    # A page opened before that save is refused, and nothing is written.
    stale = client.post(url(world), {**complete(priorities="Old"), "version": first_version})
    assert stale.status_code == 409
    assert saved(world).priorities == "Repeat victims."
    assert "Old" in stale.content.decode()  # what was typed is still on the page


def test_submitting_an_incomplete_form_saves_it_and_says_what_is_missing(client, world):
    client.force_login(world.lead)
    response = client.post(
        url(world), {**complete(achievements="", sa_report_view=""), "submit": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Describe the year&#x27;s achievements" in page
    assert "Give your view on" in page
    assert "Repeat victims." in page  # kept
    assert saved(world).status == "draft"
    assert saved(world).priorities == "Repeat victims."


def test_the_whole_workflow(client, world):
    client.force_login(world.lead)
    response = client.post(url(world), {**complete(), "submit": "1"})
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "submitted"
    assert form.submitted_by == world.lead
    assert form.submitted_at is not None
    assert form.history.first().history_user == world.lead
    assert form.self_assessment["monitoring"] == {
        "tracker": form.self_assessment["monitoring"]["tracker"],
        "evidence": form.self_assessment["monitoring"]["evidence"],
        "view": "partly",
        "comment": "Q3 was late.",
    }
    # Submitted: read-only now, even for the lead.
    page = client.get(url(world)).content.decode()
    assert 'id="update-form"' not in page
    assert "Q3 was late." in page
    assert client.post(url(world), complete(priorities="Changed")).status_code == 302
    assert saved(world).priorities == "Repeat victims."

    # The lead cannot decide.
    assert client.post(url(world, "update_form_decide"), {"decision": "accept"}).status_code == 403

    # The performance team must say why it returns a form.
    client.force_login(world.performance)
    assert 'id="decide-link"' in client.get(url(world)).content.decode()
    response = client.post(url(world, "update_form_decide"), {"decision": "return"})
    assert response.status_code == 200
    assert "Say what needs to change" in response.content.decode()
    response = client.post(url(world, "update_form_decide"), {})
    assert "Choose whether to accept the form or return it" in response.content.decode()
    assert saved(world).status == "submitted"
    response = client.post(
        url(world, "update_form_decide"), {"decision": "return", "reason": "Add the finance."}
    )
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "returned"
    assert form.returned_reason == "Add the finance."
    assert form.decided_by == world.performance
    assert form.history.first().history_user == world.performance
    assert form.history.first().history_change_reason == "Returned: Add the finance."

    # The lead sees why, changes it and resubmits.
    client.force_login(world.lead)
    page = client.get(url(world)).content.decode()
    assert "Add the finance." in page and 'id="update-form"' in page
    response = client.post(
        url(world),
        {**complete(finance_summary="£10,000 spent"), "version": form.version, "submit": "1"},
    )
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "submitted"
    assert form.finance_summary == "£10,000 spent"
    assert form.history.first().history_change_reason == "Resubmitted"

    client.force_login(world.performance)
    response = client.post(url(world, "update_form_decide"), {"decision": "accept"})
    assert response.status_code == 302
    form = saved(world)
    assert form.status == "accepted"
    assert form.decided_by == world.performance
    assert form.returned_reason == ""
    # Accepted: nothing left to decide.
    page = client.get(url(world, "update_form_decide")).content.decode()
    assert "only a submitted form can be accepted or returned" in page
    assert (
        client.post(
            url(world, "update_form_decide"), {"decision": "return", "reason": "x"}
        ).status_code
        == 200
    )
    assert saved(world).status == "accepted"


@pytest.mark.parametrize("role", ["member", "viewer", "performance"])
def test_others_may_read_but_not_write(client, world, role):
    AnnualUpdateForm.objects.create(
        partnership=world.partnership, year=YEAR, achievements="A good year"
    )
    client.force_login(world.person(role))
    response = client.get(url(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="update-form"' not in page
    assert "A good year" in page
    assert "Only the lead link officer can submit; others may read." in page
    assert client.post(url(world), complete()).status_code == 403
    assert client.post(url(world), {**complete(), "submit": "1"}).status_code == 403
    assert saved(world).achievements == "A good year"


@pytest.mark.parametrize("role", ["member", "viewer", "lead"])
def test_only_the_performance_team_decides(client, world, role):
    AnnualUpdateForm.objects.create(partnership=world.partnership, year=YEAR, status="submitted")
    client.force_login(world.person(role))
    assert client.post(url(world, "update_form_decide"), {"decision": "accept"}).status_code == 403
    assert saved(world).status == "submitted"


def test_outsiders_get_nothing(client, world):
    client.force_login(world.outsider)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), complete()).status_code == 404
    assert client.get(url(world, "update_form_pdf")).status_code == 404
    assert not AnnualUpdateForm.objects.exists()


def test_the_pdf(client, world, tmp_path):
    client.force_login(world.lead)
    client.post(url(world), {**complete(), "submit": "1"})
    client.force_login(world.viewer)
    response = client.get(url(world, "update_form_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Safer Streets Partnership" in text
    assert "Annual update form, 2025/26" in text
    assert "Burglary fell by a fifth." in text
    assert "Partly met" in text
    assert "Page 1 of" in text
