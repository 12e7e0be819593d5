"""Every request to the API runs `through("API")`, so the history of what it changes says
so (goldenthread.core.audit)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from goldenthread.core.audit import through

PREFIX = "/api/"


class ThroughTheApi:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        with through("API"):
            return self.get_response(request)
