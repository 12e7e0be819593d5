"""What the read endpoints' tests share: that a list's or a detail's queries stay the same
however many rows there are."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(api, path: str, params: dict | None = None) -> int:
    """How many queries one GET makes (after the token's first use, recorded once)."""
    api.get("/partnerships/")
    with CaptureQueriesContext(connection) as context:
        response = api.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(context)


def check_bounded(
    api, path: str, add_rows: Callable[[], None], assert_max, params: dict | None = None
) -> dict:
    """The GET's queries with the rows there are now, then no more after `add_rows`."""
    before = queries_of(api, path, params)
    add_rows()
    with assert_max(before):
        response = api.get(path, params)
    assert response.status_code == 200
    return response.json()
