"""Limits on how often something may be tried, counted in the shared cache (settings.CACHES:
the database, or Redis), so that every app server counts the same tries.

Sign-in: after SIGN_IN_FAILURES failed tries for one username within SIGN_IN_WINDOW,
further tries for it are refused until the window ends, whatever the password: a password
guesser gets ten guesses per quarter of an hour, and a person who mistypes is told how long
to wait. Signing in successfully clears the count. Counted per username, not per network
address: behind the council's proxy every request comes from the proxy's address."""

import hashlib

from django.core.cache import cache

SIGN_IN_FAILURES = 10
SIGN_IN_WINDOW = 15 * 60  # seconds


def _key(kind: str, value: str) -> str:
    # Hashed: the cache key holds no username, and any length or character is safe.
    return f"rate:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _add(key: str, window: int) -> None:
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, window)


def sign_in_refused(username: str) -> bool:
    """Too many failed sign-ins for this username just now."""
    return int(cache.get(_key("sign-in", username.casefold())) or 0) >= SIGN_IN_FAILURES


def record_failed_sign_in(username: str) -> None:
    _add(_key("sign-in", username.casefold()), SIGN_IN_WINDOW)


def record_sign_in(username: str) -> None:
    cache.delete(_key("sign-in", username.casefold()))
