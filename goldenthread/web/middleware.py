"""Middleware of our own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from goldenthread.core.logs import new_request_id, use_request_id


class RequestIdMiddleware:
    """Gives each request an id (`core.logs`), for its log lines and the tasks it starts,
    and sends it back in the X-Request-ID header so a person reporting a problem, or the
    proxy's log, can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with use_request_id(new_request_id(request.headers.get("X-Request-ID"))) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
