"""Errors as RFC 9457 problem details (application/problem+json): a status, a title, the
refusal or rule's own words in `detail`, and for invalid input an `errors` list with a
JSON pointer to each invalid item (`#/results/3/value`)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    412: "Changed since you read it",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "If-Match needed",
    429: "Too many requests",
}


class ProblemItem(Schema):
    pointer: str = Field(
        description="JSON pointer to what is wrong, in the request: '#/results/3/value'."
    )
    detail: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemItem] = Field(default_factory=list)


def problem(
    request: HttpRequest | None,
    status: int,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    import json

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) in URI fragment form, from path parts."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)


# The error statuses every operation may answer, for the OpenAPI description.
READ_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS = {**READ_ERRORS, 400: Problem, 409: Problem, 412: Problem, 428: Problem}
