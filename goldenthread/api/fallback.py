"""An address under /api/v1/ that no operation has (a mistyped path, or an id that is not
a number where the path wants one) is a problem too: 404 as application/problem+json, as
the description documents, not the site's HTML page."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .problems import problem


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return problem(request, 404, "Not found.")
