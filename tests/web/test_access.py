"""Walks every URL pattern of the project, generated from the URL configuration, so a
page added later is covered without anyone remembering to add it here.

Each view may declare the least privileged role that may open it with
`@minimum_role(...)` (goldenthread/web/decorators.py; "viewer" when it says nothing).
For every page: anonymous → sign-in redirect; people of another partnership or of none
→ 403 or 404; every role below the minimum → 403 or 404; the minimum and above → 200.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages outside the partnership access rules.
PUBLIC = {
    "login",
    "sign_in_password",
    "logout",
    "public_index",
    "public_partnership",
    "public_report_pdf",
    "open_data_csv",  # open data: what the public pages show, as files (issue 15)
    "open_data_csv_metadata",
    "open_data_json",
    "public_open_data_csv",
    "public_open_data_csv_metadata",
    "public_open_data_json",
    "invitation",  # the invitation link's page, opened before any account exists
    "api_docs",  # the API's documentation (issue 15): how it works, none of the data
    "healthz",
    "readyz",
}

# Which world object stands for each URL parameter. The default objects are the draft
# revision's (version 2) whose items the member owns; a page that needs another object
# names it in SAMPLE_OVERRIDES.
SAMPLES = {
    "partnership_id": "partnership",
    "indicator_id": "indicator",
    "plan_id": "draft_plan",
    "objective_id": "draft_objective",
    "action_id": "draft_action",
    "risk_id": "risk",
    "strategic_plan_id": "strategy",
    "return_id": "ret",
    "lesson_id": "lesson",
    "improvement_id": "improvement",
    "meeting_id": "meeting",
    "feedback_id": "feedback",
    "corrective_action_id": "corrective_action",
    "story_id": "success_story",
    "process_change_id": "process_change",
    "job_id": "job",
    "membership_id": "membership",
    "invitation_id": "invitation",
    "person_id": "member",
    "identity_provider_id": "identity_provider",
    "library_indicator_id": "library_indicator",
    "health_check_id": "health_check",
    "organisation_id": "police",  # a partner organisation: the member's
    "contribution_id": "contribution",
    "year": "2025",  # not a world attribute: used as it is
}
SAMPLE_OVERRIDES: dict[str, dict[str, str]] = {
    "plan_revise": {"plan_id": "plan"},
    "plan_sign_up": {"plan_id": "plan"},  # partners sign up to the approved version
}

# Who is let in, and who is refused, for each minimum role.
LADDER = {
    "viewer": (["viewer", "member", "lead", "performance"], []),
    "member": (["member", "lead"], ["viewer", "performance"]),
    "owner": (["member", "lead"], ["viewer", "other_member", "performance"]),
    "lead": (["lead"], ["viewer", "member", "performance"]),
    "performance": (["performance"], ["viewer", "member", "lead"]),
    "lead_or_performance": (["lead", "performance"], ["viewer", "member"]),
    "owner_or_performance": (["member", "lead", "performance"], ["viewer", "other_member"]),
    "member_or_performance": (["member", "lead", "performance"], ["viewer"]),
}


def named_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own login and its own tests.
            if entry.namespace == "api-v1":
                continue  # the JSON API answers 401/403/404 problems: tests/api/ walk it.
            yield from named_patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.callback.__module__.startswith("allauth."):
                continue  # django-allauth's own pages: tests/web/test_sign_in*.py, test_mfa.py
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


PATTERNS = dict(named_patterns())
# One person's own things rather than a partnership's (a notification is opened by a POST
# from its owner alone): tests/web/test_notifications.py checks that no one else reaches it.
# So is an API token: tests/web/test_api_tokens.py checks that another person's is not
# found and that the performance team may revoke it.
PERSONAL = {"notification_open", "api_token_revoke"}
ALL = sorted(name for name in PATTERNS if name not in PUBLIC | PERSONAL)


def url_for(world, name: str) -> str:
    pattern = PATTERNS[name]
    params = list(pattern.pattern.converters)
    missing = [p for p in params if p not in SAMPLES]
    assert not missing, f"Add a sample object for URL parameter(s) {missing} in test_access.py"
    chosen = {**SAMPLES, **SAMPLE_OVERRIDES.get(name, {})}
    sample = {
        p: getattr(world, chosen[p]).pk if hasattr(world, chosen[p]) else chosen[p] for p in params
    }
    return reverse(name, kwargs=sample)


def minimum(name: str) -> str:
    role = getattr(PATTERNS[name].callback, "minimum_role", "viewer")
    assert role in LADDER, f"{name}: unknown minimum_role {role!r}"
    return role


def test_it_walks_the_pages():
    assert {"home", "partnership", "indicator", "indicator_chart"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(url_for(world, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Pages without parameters are lists of what the person may see (home, the calendar…);
# their tests check that the lists leave out other partnerships.
@pytest.mark.parametrize("name", [n for n in ALL if PATTERNS[n].pattern.converters])
def test_people_outside_the_partnership_are_refused(client, world, name):
    url = url_for(world, name)
    if name.startswith("strategic_plan"):
        pytest.skip("strategic plans are council-wide: anyone signed in may read them")
    if name == "library_indicator":
        pytest.skip("the council indicator library: anyone signed in may read it")
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404), f"{person} reached {url}"


@pytest.mark.parametrize("name", ALL)
def test_roles_below_the_minimum_are_refused(client, world, name):
    url = url_for(world, name)
    for role in LADDER[minimum(name)][1]:
        client.force_login(world.person(role))
        assert client.get(url).status_code in (403, 404), f"{role} reached {url}"


@pytest.mark.parametrize("name", ALL)
def test_the_right_roles_get_the_page(client, world, name):
    url = url_for(world, name)
    for role in LADDER[minimum(name)][0]:
        client.force_login(world.person(role))
        assert client.get(url).status_code == 200, f"{role} could not open {url}"
