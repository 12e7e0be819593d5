"""Middleware of our own."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from goldenthread.core.logs import new_request_id, use_request_id

log = logging.getLogger("goldenthread.request")


class RequestIdMiddleware:
    """Gives each request an id (`core.logs`), for its log lines and the tasks it starts,
    and sends it back in the X-Request-ID header so a person reporting a problem, or the
    proxy's log, can quote it. Logs one line per request (logger goldenthread.request, at
    INFO): method, path, status, milliseconds and the person's id, never the query string
    or the body, which may hold what people typed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with use_request_id(new_request_id(request.headers.get("X-Request-ID"))) as request_id:
            request.request_id = request_id
            started = time.perf_counter()
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if log.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
