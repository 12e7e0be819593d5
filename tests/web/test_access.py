"""Walks every URL pattern of the project, generated from the URL configuration, so a
page added later is covered without anyone remembering to add it here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages that are not behind the partnership access rules.
PUBLIC = {"login", "logout"}
# The least privileged role that may see each page; anything unlisted is readable by a viewer.
ROLE_FOR: dict[str, str] = {}


def named_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin has its own tests and its own login.
            yield from named_patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def sample_kwargs(world, pattern: URLPattern) -> dict:
    samples = {
        "partnership_id": world.partnership.pk,
        "indicator_id": world.indicator.pk,
    }
    names = list(pattern.pattern.converters)
    missing = [n for n in names if n not in samples]
    assert not missing, f"Add a sample value for URL parameter(s) {missing} in test_access.py"
    return {n: samples[n] for n in names}


ALL = sorted(name for name, _ in named_patterns() if name not in PUBLIC)


def test_it_walks_some_pages():
    assert {"home", "partnership", "indicator", "indicator_chart"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    url = reverse(name, kwargs=sample_kwargs(world, dict(named_patterns())[name]))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", [n for n in ALL if n != "home"])
def test_outsider_of_another_partnership_is_refused(client, world, name):
    url = reverse(name, kwargs=sample_kwargs(world, dict(named_patterns())[name]))
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404), f"{person} reached {url}"


@pytest.mark.parametrize("name", ALL)
def test_the_right_role_gets_the_page(client, world, name):
    url = reverse(name, kwargs=sample_kwargs(world, dict(named_patterns())[name]))
    roles = {"viewer": ["viewer", "member", "lead", "performance"]}.get(
        ROLE_FOR.get(name, "viewer"), [ROLE_FOR.get(name), "performance"]
    )
    for role in roles:
        client.force_login(world.person(role))
        assert client.get(url).status_code == 200, f"{role} could not open {url}"
