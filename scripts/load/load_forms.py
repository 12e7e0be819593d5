"""Reading a page's form as a browser would send it: the load test's one piece of HTML
handling, kept apart from locust so that tests can check it against the real pages."""

import random

from lxml import html


def form_fields(form) -> list[tuple[str, str]]:
    """What a browser would send for the form as it stands, without its buttons."""
    fields = []
    for element in form.iter("input", "textarea", "select"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                continue
            if kind in {"checkbox", "radio"}:
                if element.get("checked") is not None:
                    fields.append((name, element.get("value") or "on"))
                continue
            fields.append((name, element.get("value") or ""))
        elif element.tag == "textarea":
            fields.append((name, element.text or ""))
        else:
            options = element.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            if chosen:
                fields.append((name, chosen[0].get("value", chosen[0].text or "")))
    return fields


def return_draft(page: str, rng: random.Random) -> list[tuple[str, str]] | None:
    """A return page's form with three results typed afresh (and their commentary), to
    save as a draft; None if the page has no return form."""
    forms = [f for f in html.fromstring(page).forms if f.get("id") == "return-form"]
    if not forms:
        return None
    fields = form_fields(forms[0])
    values = [n for n, _ in fields if n.endswith("_value")]
    change = set(rng.sample(values, min(3, len(values))))
    commentaries = {n.removesuffix("_value") + "_commentary" for n in change}
    typed = []
    for name, value in fields:
        if name in change:
            value = f"{rng.randint(900, 1100) / 10:.1f}"
        elif name in commentaries:
            value = "Updated under load."
        typed.append((name, value))
    return [*typed, ("save", "1")]


def comment(page: str, body: str) -> tuple[str, list[tuple[str, str]]] | None:
    """Where a page's comment form posts, and what it sends with `body` typed in; None if
    the page has no comment form."""
    forms = [f for f in html.fromstring(page).forms if "/comments/" in (f.get("action") or "")]
    if not forms:
        return None
    fields = [(k, v) for k, v in form_fields(forms[0]) if k != "body"]
    return forms[0].get("action"), [*fields, ("body", body)]
