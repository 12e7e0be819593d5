"""Counting requests in fixed windows of time, in the shared cache, so every app server
counts the same: the API's limit per token a minute and the public feedback form's per
address an hour."""

import math

from django.core.cache import cache


def count_in_window(key: str, window_seconds: int, now: float) -> tuple[int, int]:
    """Add one to this window's count under `key` and return (the count so far, seconds
    left in the window). The window is the one `now` (a Unix time) falls in."""
    window = int(now // window_seconds)
    counted = f"{key}:{window}"
    timeout = window_seconds + 60
    cache.add(counted, 0, timeout=timeout)
    try:
        used = cache.incr(counted)
    except ValueError:  # expired between add and incr
        cache.set(counted, 1, timeout=timeout)
        used = 1
    return used, math.ceil((window + 1) * window_seconds - now)
