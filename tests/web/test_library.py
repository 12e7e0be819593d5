"""The council indicator library's pages (issue 16): the list and its search, a library
indicator's page with its results and every plan using it, the forms to add and change
one, entering a result, and a draft plan starting to use one — errors next to the field,
the database and history checked after each write, query counts that do not grow."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from goldenthread.core.models import Indicator, LibraryIndicator, LibraryResult, Result, Target
from goldenthread.core.services.library import (
    LibraryResultInput,
    create_library_indicator,
    record_library_results,
    use_library_indicator,
)
from goldenthread.rules import Period
from tests.conftest import cell_texts
from tests.core.test_library import own_copy, used_by_both
from tests.web.error_summary import assert_error_summary

Q1 = Period.parse("2025/26 Q1")


def definition(**changes):
    data = {
        "code": "SMK1",
        "title": "Smoking prevalence in adults",
        "definition": "Adults who smoke, from the Annual Population Survey.",
        "source": "Office for Health Improvement and Disparities",
        "metric_reference": "Fingertips 92443",
        "unit": "%",
        "decimals": "1",
        "polarity": "lower",
        "frequency": "annual",
        "roll_up": "latest",
        "owner": "",
        "owner_organisation": "",
    }
    return {**data, **changes}


def test_everyone_signed_in_reads_the_library_and_searches_it(client, world):
    assert world.library_indicator.pk
    create_library_indicator(by=world.performance, code="SMK1", title="Smoking prevalence")
    client.force_login(world.nobody)
    page = client.get(reverse("library_list")).content.decode()
    assert "NEET1 16–17 year olds not in education, employment or training" in cell_texts(page)
    assert "Add a library indicator" not in page
    found = client.get(reverse("library_list"), {"q": "smok"}).content.decode()
    assert "SMK1 Smoking prevalence" in cell_texts(found)
    assert "NEET1" not in found
    none = client.get(reverse("library_list"), {"q": "nothing like it\x00"})
    assert none.status_code == 200
    assert "No library indicator matches" in none.content.decode()


def test_the_list_shows_the_partnerships_using_each(client, world, django_assert_max_num_queries):
    used_by_both(world)
    for n in range(5):
        create_library_indicator(by=world.performance, code=f"X{n}", title=f"Extra {n}")
    client.force_login(world.viewer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("library_list")).content.decode()
    cells = cell_texts(page)
    at = cells.index("NEET1 16–17 year olds not in education, employment or training")
    assert cells[at + 4] == "2"


def test_the_performance_team_adds_one(client, world):
    client.force_login(world.performance)
    response = client.post(reverse("library_create"), definition(owner=str(world.member.pk)))
    made = LibraryIndicator.objects.get(code="SMK1")
    assert response.status_code == 302
    assert response.url == reverse("library_indicator", args=[made.pk])
    assert (made.owner, made.polarity, made.decimals) == (world.member, "lower", 1)
    assert made.history.get().history_user == world.performance


def test_adding_one_shows_errors_next_to_the_fields(client, world):
    assert world.library_indicator.pk
    client.force_login(world.performance)
    response = client.post(
        reverse("library_create"), definition(code="NEET1", title="", decimals="9")
    )
    assert response.status_code == 200
    page = response.content.decode()
    texts = assert_error_summary(page)
    assert "Enter the indicator's title" in texts
    assert "Enter a whole number from 0 to 6." in texts
    assert "The library already has an indicator with this code: choose another." in texts
    assert LibraryIndicator.objects.count() == 1


@pytest.mark.parametrize("who", ["lead", "member", "viewer"])
def test_only_the_performance_team_adds_or_edits(client, world, who):
    client.force_login(world.person(who))
    assert client.post(reverse("library_create"), definition()).status_code == 403
    edit = reverse("library_edit", args=[world.library_indicator.pk])
    assert client.post(edit, definition(code="NEET1")).status_code == 403
    assert list(LibraryIndicator.objects.values_list("code", flat=True)) == ["NEET1"]


def test_editing_it_changes_every_plan_using_it(client, world):
    ours, theirs = used_by_both(world)
    client.force_login(world.performance)
    response = client.post(
        reverse("library_edit", args=[world.library_indicator.pk]),
        definition(
            code="NEET1",
            title="16–17 year olds NEET or not known",
            frequency="quarterly",
            owner=str(world.member.pk),
        ),
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.title == theirs.title == "16–17 year olds NEET or not known"
    assert ours.data_source == "Office for Health Improvement and Disparities; Fingertips 92443"
    follow = client.get(response.url)
    assert "saved, and in the 2 plans using it." in follow.content.decode()


def test_the_owner_enters_a_result_for_both_plans(client, world):
    ours, theirs = used_by_both(world)
    client.force_login(world.member)
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    response = client.post(
        url, {"result-period": "2025/26 Q1", "result-value": "5.5", "result-note": "Provisional"}
    )
    assert response.status_code == 302
    assert LibraryResult.objects.get().value == Decimal("5.5")
    written = Result.objects.filter(period=Q1, indicator__in=[ours, theirs])
    assert sorted(r.value for r in written) == [Decimal("5.5"), Decimal("5.5")]
    page = client.get(url).content.decode()
    assert "5.5%" in cell_texts(page)
    assert "saved for every plan that uses it" in page


def test_a_result_form_shows_errors_next_to_the_fields(client, world):
    used_by_both(world)
    client.force_login(world.performance)
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    response = client.post(url, {"result-period": "2025/26", "result-value": ""})
    texts = assert_error_summary(response.content.decode())
    assert "Enter the result, or mark it not available." in texts
    response = client.post(url, {"result-period": "2025/26", "result-value": "4"})
    texts = assert_error_summary(response.content.decode())
    assert any("measured quarterly" in t for t in texts)
    response = client.post(url, {"result-period": "Q9 of never", "result-value": "4"})
    assert response.status_code == 200
    assert assert_error_summary(response.content.decode())
    response = client.post(url, {"result-period": "2025/26 Q1", "result-na": "on"})
    assert response.status_code == 200
    assert not LibraryResult.objects.exists()


@pytest.mark.parametrize("who", ["lead", "viewer", "outsider"])
def test_others_may_read_the_page_but_not_enter_results(client, world, who):
    client.force_login(world.person(who))
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Enter a result" not in page.content.decode()
    assert client.post(url, {"result-period": "2025/26 Q1", "result-value": "5"}).status_code == 403
    assert not LibraryResult.objects.exists()


def test_the_page_shows_each_plans_target_and_rag(client, world, django_assert_max_num_queries):
    ours, theirs = used_by_both(world)
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q1: LibraryResultInput(value=Decimal("5.5"))},
    )
    Target.objects.create(indicator=ours, period=Q1, value=Decimal("6"))
    Target.objects.create(indicator=theirs, period=Q1, value=Decimal("4"))
    client.force_login(world.performance)
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    cells = cell_texts(page)
    ours_at = cells.index("Safer Streets Partnership")
    assert cells[ours_at : ours_at + 6] == [
        "Safer Streets Partnership",
        "NEET1 in Safer Streets Partnership",
        "Version 2 (draft) of Safer Streets Partnership's plan",
        "5.5%",
        "6.0%",
        "Green",
    ]
    theirs_at = cells.index("Other Partnership")
    assert cells[theirs_at + 3 : theirs_at + 6] == ["5.5%", "4.0%", "Red"]
    # The viewer of Safer Streets sees its own row, and only a count of the other.
    client.force_login(world.viewer)
    page = client.get(url).content.decode()
    assert "Other Partnership" not in page
    assert "Also used by 1 partnership you cannot see." in page


def test_the_page_queries_do_not_grow_with_the_plans_using_it(
    client, world, django_assert_max_num_queries
):
    used_by_both(world)
    from tests.conftest import make_partnership, make_plan

    for n in range(4):
        partnership = make_partnership(f"Extra {n}", world.council)
        plan = make_plan(partnership, status="draft")
        indicator = Indicator.objects.create(
            partnership=partnership,
            code=f"E{n}",
            title="x",
            library_indicator=world.library_indicator,
        )
        objective = plan.objectives.create(ref="O1", title="x")
        objective.indicators.add(indicator)
    client.force_login(world.performance)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("library_indicator", args=[world.library_indicator.pk]))
    assert response.content.decode().count("Not in a plan version") == 0


def test_a_member_uses_it_in_the_draft_and_sets_targets(client, world):
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q1: LibraryResultInput(value=Decimal("5.5"))},
    )
    client.force_login(world.member)
    url = reverse("library_use", args=[world.draft_objective.pk])
    form = client.get(url).content.decode()
    assert "16–17 year olds not in education, employment or training" in form
    response = client.post(url, {"library_indicator": world.library_indicator.pk, "code": ""})
    indicator = Indicator.objects.get(library_indicator=world.library_indicator)
    assert response.status_code == 302
    assert response.url == reverse("plan_targets", args=[world.draft_plan.pk, indicator.pk])
    assert (indicator.code, indicator.owner) == ("NEET1", world.member)
    assert indicator in world.draft_objective.indicators.all()
    assert indicator.results.get().value == Decimal("5.5")
    page = client.get(reverse("indicator", args=[indicator.pk])).content.decode()
    assert "From the council indicator library" in page


def test_using_it_twice_says_so_next_to_the_choice(client, world):
    used_by_both(world)
    client.force_login(world.lead)
    response = client.post(
        reverse("library_use", args=[world.draft_objective.pk]),
        {"library_indicator": world.library_indicator.pk, "code": "NEET9"},
    )
    texts = assert_error_summary(response.content.decode())
    assert texts == [
        "Safer Streets Partnership already uses this library indicator, as NEET1: "
        "link NEET1 to the objective instead."
    ]
    response = client.post(reverse("library_use", args=[world.draft_objective.pk]), {})
    assert assert_error_summary(response.content.decode()) == [
        "Choose the library indicator the plan will use"
    ]


def test_an_approved_plan_cannot_start_using_it(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("library_use", args=[world.objective.pk]),
        {"library_indicator": world.library_indicator.pk},
    )
    assert response.status_code == 409
    assert not Indicator.objects.filter(library_indicator__isnull=False).exists()


def test_the_edit_form_keeps_the_librarys_fields(client, world):
    ours, _ = used_by_both(world)
    client.force_login(world.lead)
    url = reverse("indicator_edit", args=[ours.pk])
    page = client.get(url).content.decode()
    assert "is the council library indicator" in page
    response = client.post(
        url,
        {
            "code": "NEET1",
            "title": "Our own title",
            "unit": "count",
            "decimals": "0",
            "polarity": "higher",
            "frequency": "quarterly",
            "roll_up": "latest",
            "owner": str(world.member.pk),
            "tolerance_kind": "percent",
            "tolerance": "10",
        },
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.title.startswith("16–17")
    assert (ours.unit, ours.polarity, ours.tolerance) == ("%", "lower", Decimal("10"))


def test_the_return_shows_the_librarys_result_as_text_and_takes_commentary(client, world):
    """On the return page a library indicator's row has no boxes for the figure: it is
    shown, with where it is entered; the partnership writes its own commentary once the
    library has a result, and saving leaves the library's figure as it is."""
    from tests.core.test_library import Q3, approve_with_targets, enter
    from tests.web.test_returns import key, page_data

    ours, theirs = used_by_both(world)
    approve_with_targets(world.draft_plan, ours, world.lead, {"2025/26 Q3": "6.0"})
    client.force_login(world.member)
    url = reverse("return_detail", args=[world.ret.pk])
    page = client.get(url)
    body = page.content.decode()
    row = key(ours, Q3)
    assert f'name="{row}value"' not in body and f'name="{row}commentary"' not in body
    assert f'name="{row}ca_description"' in body
    assert "It has not been entered there yet." in body
    assert f'href="{world.library_indicator.get_absolute_url()}"' in body

    enter(world, Q3, "5.5", note="Provisional")
    data = page_data(client, world.ret)
    assert f"{row}value" not in data and f"{row}note" not in data
    # A figure posted for it anyway is not a field of the form: nothing takes it.
    data |= {f"{row}value": "1", f"{row}commentary": "Up since the summer term."}
    assert client.post(url, data).status_code == 302
    ours_result = Result.objects.get(indicator=ours, period=Q3)
    assert (ours_result.value, ours_result.note) == (Decimal("5.5"), "Provisional")
    assert ours_result.commentary == "Up since the summer term."
    assert ours_result.history.first().history_user == world.member
    assert Result.objects.get(indicator=theirs, period=Q3).commentary == ""
    assert LibraryResult.objects.get().value == Decimal("5.5")
    body = client.get(url).content.decode()
    assert "the commentary is this partnership's own" in body


# --- linking a partnership's own copy to the library, and stopping ----------------------

Q2 = Period.parse("2025/26 Q2")


def test_the_edit_page_offers_linking_and_stopping_while_a_draft_uses_it(client, world):
    ours = own_copy(world)
    client.force_login(world.member)
    page = client.get(reverse("indicator_edit", args=[ours.pk])).content.decode()
    assert f'href="{reverse("library_link", args=[ours.pk])}"' in page
    assert page.count("link to a council library indicator") == 1
    assert reverse("library_stop", args=[ours.pk]) not in page
    used = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=world.library_indicator,
        by=world.lead,
        owner=world.member,
    )
    page = client.get(reverse("indicator_edit", args=[used.pk])).content.decode()
    assert f'href="{reverse("library_stop", args=[used.pk])}"' in page
    assert "Stop using the library indicator" in page
    # Only the approved version uses it: neither is offered, and the pages say why.
    world.draft_objective.indicators.remove(ours)
    page = client.get(reverse("indicator_edit", args=[ours.pk])).content.decode()
    assert reverse("library_link", args=[ours.pk]) not in page
    response = client.get(reverse("library_link", args=[ours.pk]))
    assert response.status_code == 409
    assert "SS01 is in no draft of Safer Streets Partnership's plan" in response.content.decode()


def test_linking_shows_the_differing_results_and_needs_the_confirmation(client, world):
    ours = own_copy(world)
    Result.objects.filter(indicator=ours, period=Q2).update(commentary="Our reasons")
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={
            Q1: LibraryResultInput(value=Decimal("5.5")),
            Q2: LibraryResultInput(value=Decimal("4.8"), note="Provisional"),
        },
    )
    create_library_indicator(
        by=world.performance, code="SMK1", title="Smoking prevalence", frequency="annual"
    )
    client.force_login(world.member)
    url = reverse("library_link", args=[ours.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{world.library_indicator.pk}">NEET1 16–17' in page
    assert "SMK1 Smoking prevalence</a>: SMK1 is measured in plain numbers, SS01 in %." in page
    assert "SMK1 is measured annually, SS01 quarterly." in page
    assert '<option value="' + str(LibraryIndicator.objects.get(code="SMK1").pk) not in page

    # The first try shows what differs, and asks to confirm.
    chosen = {"library_indicator": str(world.library_indicator.pk)}
    response = client.post(url, chosen)
    assert response.status_code == 200
    page = response.content.decode()
    texts = assert_error_summary(page)
    assert texts == [
        "1 result of SS01 differs from NEET1's in the library: 2025/26 Q2 (SS01 103.0%, "
        "NEET1 4.8%, note “Provisional”). Confirm that the library's replace them, or link "
        "another indicator."
    ]
    cells = cell_texts(page)
    assert cells[cells.index("2025/26 Q2") :][:3] == [
        "2025/26 Q2",
        "103.0%",
        "4.8%, note “Provisional”",
    ]
    assert 'name="replace_differing"' in page
    assert f'name="shown_for" value="{world.library_indicator.pk}"' in page
    ours.refresh_from_db()
    assert ours.library_indicator is None
    # A box ticked without the table having been shown for that indicator does not count.
    response = client.post(url, {**chosen, "replace_differing": "on"})
    assert response.status_code == 200
    assert not Indicator.objects.filter(pk=ours.pk, library_indicator__isnull=False).exists()

    response = client.post(
        url, {**chosen, "replace_differing": "on", "shown_for": str(world.library_indicator.pk)}
    )
    assert response.status_code == 302
    assert response.url == reverse("indicator", args=[ours.pk])
    ours.refresh_from_db()
    assert ours.library_indicator == world.library_indicator
    assert ours.title == "16–17 year olds not in education, employment or training"
    assert ours.history.first().history_change_reason == "Linked to the council library (NEET1)"
    assert ours.history.first().history_user == world.member
    values = {r.period: (r.value, r.commentary) for r in ours.results.all()}
    assert values[Q1] == (Decimal("5.5"), "")
    assert values[Q2] == (Decimal("4.8"), "Our reasons")
    q2 = Result.objects.get(indicator=ours, period=Q2)
    assert q2.history.first().history_change_reason == (
        "Replaced by the council library's result on linking (NEET1)"
    )
    page = html.unescape(client.get(response.url).content.decode())
    assert "SS01 now uses the council library indicator NEET1" in page
    assert "(1 result replaced by the library's)." in page
    assert "From the council indicator library" in page


def test_linking_without_differences_needs_no_confirmation(client, world):
    ours = own_copy(world)
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q2: LibraryResultInput(value=Decimal("103"))},
    )
    client.force_login(world.lead)
    response = client.post(
        reverse("library_link", args=[ours.pk]),
        {"library_indicator": str(world.library_indicator.pk)},
    )
    assert response.status_code == 302
    assert Indicator.objects.get(pk=ours.pk).library_indicator == world.library_indicator


def test_linking_shows_errors_next_to_the_field(client, world):
    ours = own_copy(world)
    assert world.library_indicator.code == "NEET1"
    smk = create_library_indicator(by=world.performance, code="SMK1", title="Smoking")
    client.force_login(world.member)
    url = reverse("library_link", args=[ours.pk])
    response = client.post(url, {})
    page = response.content.decode()
    assert assert_error_summary(page) == ["Choose the library indicator to link it to"]
    assert 'id="id_library_indicator_group"' in page
    assert "govuk-form-group--error" in page
    # One not offered (measured otherwise), or nonsense, is refused there too: no 500.
    for hostile in (str(smk.pk), "nonsense", "99999999999999999999"):
        response = client.post(url, {"library_indicator": hostile, "shown_for": "x"})
        assert response.status_code == 200
        texts = assert_error_summary(response.content.decode())
        assert any("Choose one of the library indicators offered" in t for t in texts), texts
    response = client.post(url, {"library_indicator": "1\x00"})
    assert response.status_code == 200
    assert assert_error_summary(response.content.decode()) == ["Null characters are not allowed."]
    # The partnership already uses NEET1: it is not offered, and the page says why.
    use_library_indicator(
        plan=world.draft_plan,
        objective=None,
        library_indicator=world.library_indicator,
        by=world.lead,
        code="NEET1",
    )
    page = client.get(url).content.decode()
    assert "Safer Streets Partnership already uses it, as NEET1." in page
    assert "No council library indicator can be linked to SS01." in page
    response = client.post(url, {"library_indicator": str(world.library_indicator.pk)})
    assert response.status_code == 200
    assert "govuk-error-summary" not in response.content.decode()
    assert Indicator.objects.get(pk=ours.pk).library_indicator is None


def test_stopping_asks_first_then_keeps_the_results(client, world):
    used = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=world.library_indicator,
        by=world.lead,
        owner=world.member,
    )
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q1: LibraryResultInput(value=Decimal("5.5"))},
    )
    client.force_login(world.member)
    url = reverse("library_stop", args=[used.pk])
    page = client.get(url).content.decode()
    assert "Stop using the library indicator NEET1 for NEET1?" in page
    assert "keeps its definition, targets and every result it has" in page
    assert 'name="csrfmiddlewaretoken"' in page
    used.refresh_from_db()
    assert used.library_indicator == world.library_indicator  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("indicator", args=[used.pk])
    used.refresh_from_db()
    assert used.library_indicator is None
    assert used.results.get().value == Decimal("5.5")
    entry = used.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.member,
        "Stopped using the council library (NEET1)",
    )
    page = client.get(response.url).content.decode()
    assert "NEET1 no longer uses the council library indicator NEET1" in page
    assert "From the council indicator library" not in page
    # Now the page says it keeps its own, and offers to link it again.
    page = client.get(url).content.decode()
    assert "does not use the council library" in page
    assert reverse("library_link", args=[used.pk]) in page


@pytest.mark.parametrize("who", ["viewer", "other_member", "outsider", "performance"])
def test_only_a_lead_or_the_owner_links_or_stops(client, world, who):
    ours = own_copy(world)
    used = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=world.library_indicator,
        by=world.lead,
        owner=world.member,
    )
    client.force_login(world.person(who))
    expected = (404,) if who == "outsider" else (403,)
    link = reverse("library_link", args=[ours.pk])
    stop = reverse("library_stop", args=[used.pk])
    assert client.get(link).status_code in expected
    assert client.post(link, {"library_indicator": world.library_indicator.pk}).status_code in (
        expected
    )
    assert client.get(stop).status_code in expected
    assert client.post(stop).status_code in expected
    assert Indicator.objects.get(pk=ours.pk).library_indicator is None
    assert Indicator.objects.get(pk=used.pk).library_indicator == world.library_indicator


def test_the_owner_removes_a_result_entered_by_mistake_after_being_asked(client, world):
    from tests.core.test_library import Q3, enter

    ours, theirs = used_by_both(world)
    enter(world, Q1, "5.5")
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert f'href="?remove={Q1.key}#remove-result"' in page
    asked = client.get(url, {"remove": Q1.key})
    body = asked.content.decode()
    assert "Remove NEET1's result for 2025/26 Q1?" in body
    assert "Remove the 2025/26 Q1 result" in body
    assert Result.objects.filter(period=Q1, indicator__in=[ours, theirs]).count() == 2
    # No result for the period, or no period at all: not found.
    assert client.get(url, {"remove": Q3.key}).status_code == 404
    assert client.get(url, {"remove": "2025-Q9\x00"}).status_code == 404
    response = client.post(url, {"remove": Q1.key})
    assert response.status_code == 302
    assert not LibraryResult.objects.exists()
    assert not Result.objects.filter(period=Q1, indicator__in=[ours, theirs]).exists()
    done = client.get(response.url).content.decode()
    assert "NEET1 2025/26 Q1 removed from the library and from the 2 plans using it." in done


def test_a_locked_result_is_not_removed_and_the_page_says_why(client, world):
    from goldenthread.core.models import Return
    from tests.core.test_library import Q3, enter

    used_by_both(world)
    enter(world, Q3, "5.5")
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    client.force_login(world.performance)
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    response = client.post(url, {"remove": Q3.key})
    assert response.status_code == 409
    assert "the signed-off return of Safer Streets Partnership reports it" in (
        response.content.decode()
    )
    assert LibraryResult.objects.filter(period=Q3).exists()


@pytest.mark.parametrize("who", ["lead", "viewer", "outsider"])
def test_only_the_owner_or_the_performance_team_removes_a_result(client, world, who):
    used_by_both(world)
    enter_q1 = LibraryResultInput(value=Decimal("5.5"))
    record_library_results(
        library_indicator=world.library_indicator, by=world.member, results={Q1: enter_q1}
    )
    client.force_login(world.person(who))
    url = reverse("library_indicator", args=[world.library_indicator.pk])
    page = client.get(url, {"remove": Q1.key}).content.decode()
    assert "Remove NEET1's result" not in page and "?remove=" not in page
    assert client.post(url, {"remove": Q1.key}).status_code == 403
    assert LibraryResult.objects.exists()
