"""What the endpoints share: page-number paging with a stable order and a largest page,
and entity tags for optimistic locking (If-Match)."""

import hashlib
import json
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import Field

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


class Paged(PageNumberPagination):
    """`?page=1&page_size=100` (at most 500). Every list is ordered by something stable
    (ending with the primary key), so pages never overlap or skip a row."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


class PreconditionFailed(Exception):
    """If-Match did not match the resource's current entity tag (412)."""

    def __init__(self, current: str):
        super().__init__("The resource has changed since you read it.")
        self.current = current


class PreconditionRequired(Exception):
    """A write to a resource that is locked optimistically came without If-Match (428)."""


def etag_of(data: Any) -> str:
    """A strong entity tag for a representation: the hash of its canonical JSON."""
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def version_etag(kind: str, pk: int, version: int) -> str:
    """The entity tag of an object the pages lock by its version (a return)."""
    return f'"{kind}-{pk}-v{version}"'


def if_match(request: HttpRequest) -> list[str]:
    header = request.headers.get("If-Match", "")
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def check_if_match(request: HttpRequest, current: str) -> None:
    """Refuse a write made without If-Match (428), or against another version (412)."""
    tags = if_match(request)
    if not tags:
        raise PreconditionRequired()
    # Weak comparison is not allowed for If-Match (RFC 9110 13.1.1): "W/" never matches.
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(current)
