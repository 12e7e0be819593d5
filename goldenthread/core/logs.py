"""The request id, and log lines as JSON.

Each request gets an id (the proxy's X-Request-ID if it sent a sane one, else a new one;
`web.middleware.RequestIdMiddleware`), kept in a context variable for as long as the
request runs. Every log line carries it (`RequestIdFilter`), and a task started by the
request is given it, so its log lines carry it too (`use_request_id`): one id finds what a
click did, in the web server's log and in the worker's."""

import contextlib
import contextvars
import datetime
import json
import logging
import re
import uuid
from collections.abc import Iterator

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_request_id() -> str:
    """The id of the request (or task) running now; "-" outside one."""
    return _request_id.get()


def new_request_id(offered: str | None = None) -> str:
    """`offered` if it is a plausible id (a proxy's), else a new random one. An id from
    outside goes into every log line, so only letters, digits and ._:- and at most 64."""
    if offered and _SANE.match(offered):
        return offered
    return uuid.uuid4().hex


@contextlib.contextmanager
def use_request_id(request_id: str) -> Iterator[str]:
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    anything passed in `extra`, and the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                plain = value is None or isinstance(value, (str, int, float, bool))
                entry[key] = value if plain else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
