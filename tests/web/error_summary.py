"""Checking a page's error summary (issue 12, judgement 9: "Messages say which thing
they are about"): every entry names what it is about, so no two read the same, and links
to the box it concerns, so following it puts the cursor there.

    from tests.web.error_summary import assert_error_summary
    texts = assert_error_summary(response.content.decode())
"""

import html
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

# What following a link can put the cursor in (GOV.UK's error summary focuses the target).
CONTROLS = {"input", "select", "textarea"}


@dataclass
class Entry:
    target: str  # the id the link points to, without the "#"
    text: str


class _Summary(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries: list[Entry] = []
        self.ids: dict[str, tuple[str, dict]] = {}  # id → (tag, attributes)
        self._depth = 0  # <div>s open inside an error summary, its own included
        self._link: Entry | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.setdefault(a["id"], (tag, a))
        if tag == "div":
            if self._depth:
                self._depth += 1
            elif "govuk-error-summary" in a.get("class", "").split():
                self._depth = 1
        if self._depth and tag == "a":
            self._link = Entry(a.get("href", "").removeprefix("#"), "")

    def handle_data(self, data):
        if self._link is not None:
            self._link.text += data

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        if tag == "a" and self._link is not None:
            self._link.text = " ".join(html.unescape(self._link.text).split())
            self.entries.append(self._link)
            self._link = None


def summary_entries(page: str) -> tuple[list[Entry], dict[str, tuple[str, dict]]]:
    """The links of every error summary on the page, and every element id on it."""
    parser = _Summary()
    parser.feed(page)
    parser.close()
    return parser.entries, parser.ids


def assert_error_summary(page: str) -> list[str]:
    """The page has an error summary; each entry links to a box on the page (an input,
    select or textarea that is not hidden) and no two entries read the same. Returns the
    entries' texts."""
    entries, ids = summary_entries(page)
    assert entries, "the page has no error summary"
    problems = []
    for entry in entries:
        tag, attrs = ids.get(entry.target, ("", {}))
        if not tag:
            problems.append(f"{entry.text!r} links to #{entry.target}, which is not on the page")
        elif tag not in CONTROLS or attrs.get("type") == "hidden":
            problems.append(f"{entry.text!r} links to a <{tag}>, not a box to type in")
    repeated = [text for text, n in Counter(e.text for e in entries).items() if n > 1]
    problems += [f"{text!r} appears more than once" for text in repeated]
    assert not problems, "\n".join(problems)
    return [e.text for e in entries]
