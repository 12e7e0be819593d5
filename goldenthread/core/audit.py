"""Which way a change came in, for the history. A change made through the API is recorded
as made by the token's person, like any other, and its reason says "(through the API)", so
the history pages, the admin and an export show how it came (issue 15). The API wraps each
request in `through("API")`; single saves are marked by the signal below, bulk writes ask
`reason()` for their reason."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.signals import pre_create_historical_record

_channel: ContextVar[str] = ContextVar("goldenthread_channel", default="")


@contextmanager
def through(channel: str) -> Iterator[None]:
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def channel() -> str:
    return _channel.get()


def reason(text: str | None) -> str:
    """The history's reason for a change, with the way it came when that is not a page."""
    text = text or "Changed"
    via = _channel.get()
    if not via or text.endswith(f"(through the {via})"):
        return text
    return f"{text} (through the {via})"


def _mark(sender, history_instance, **kwargs) -> None:
    if _channel.get():
        history_instance.history_change_reason = reason(history_instance.history_change_reason)


def connect() -> None:
    pre_create_historical_record.connect(_mark, dispatch_uid="goldenthread-channel")
