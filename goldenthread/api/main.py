"""The API's one NinjaAPI instance: authentication, the routers of each resource, and the
mapping of every refusal the domain makes to an RFC 9457 problem with the domain's own
words (a PermissionDenied is a 403, an Http404 a 404, a ValidationError a 422 with a
pointer to each invalid item)."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from goldenthread.core.services.returns import ReturnConflict

from .auth import RateLimited, ReadOnlyToken, session_auth, token_auth
from .common import PreconditionFailed, PreconditionRequired, version_etag
from .problems import PROBLEM_TYPE, pointer, problem


class GoldenThreadApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The description, with every error response's body described as what it is:
        application/problem+json (RFC 9457)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = GoldenThreadApi(
    title="Golden Thread API",
    version="1",
    description=(
        "Golden Thread's JSON API: every partnership, plan, indicator, result, action, risk "
        "and return a person may see, and the writes the pages make. Authenticate with a "
        "personal access token (`Authorization: Bearer gt_…`) made on the API tokens page. "
        "Errors are RFC 9457 problem details. Writes to a return need `If-Match` with the "
        "`ETag` the return was read with."
    ),
    urls_namespace="api-v1",
    auth=[token_auth, session_auth],
    docs_url=None,  # our own accessible page: web's API documentation
    openapi_url="/openapi.json",
)


def _rows_pointer(request: HttpRequest) -> tuple[str, ...]:
    """Where a list of rows sits in the request body, as the endpoint that took it said."""
    return getattr(request, "api_rows_at", ("results",))


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc and loc[0] == "body":
            loc = loc[2:]  # "body", the parameter's name, then the path in the body
        errors.append({"pointer": pointer(*loc), "detail": str(error.get("msg", "Invalid."))})
    return problem(request, 422, "The request is not valid: see errors.", errors=errors)


@api.exception_handler(DjangoValidationError)
def refused_by_a_rule(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, items in exc.error_dict.items():
            at = pointer() if field == NON_FIELD_ERRORS else pointer(field)
            errors += [{"pointer": at, "detail": message} for item in items for message in item]
    else:
        for item in exc.error_list:
            params = item.params or {}
            if item.code == "row" and "row" in params:
                parts = [*_rows_pointer(request), params["row"]]
                if params.get("field"):
                    parts.append(params["field"])
                at = pointer(*parts)
            else:
                at = pointer()
            errors += [{"pointer": at, "detail": message} for message in item]
    detail = errors[0]["detail"] if len(errors) == 1 else "The request was refused: see errors."
    return problem(request, 422, detail, errors=errors)


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do that.")


@api.exception_handler(ReadOnlyToken)
def read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    return problem(request, 403, "This token is read only: make a read and write token to write.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        "Give a personal access token that has not expired or been revoked: "
        "Authorization: Bearer gt_…",
        headers={"WWW-Authenticate": 'Bearer realm="Golden Thread"'},
    )


@api.exception_handler(RateLimited)
def too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return problem(
        request,
        429,
        f"This token has made too many requests this minute: try again in {exc.retry_after} s.",
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(PreconditionRequired)
def if_match_needed(request: HttpRequest, exc: PreconditionRequired) -> HttpResponse:
    return problem(
        request,
        428,
        "Send If-Match with the ETag you read the resource with, so nobody's changes are "
        "overwritten unseen.",
    )


@api.exception_handler(PreconditionFailed)
def changed_since(request: HttpRequest, exc: PreconditionFailed) -> HttpResponse:
    return problem(
        request,
        412,
        "It has changed since you read it: read it again, and send its new ETag.",
        headers={"ETag": exc.current},
    )


@api.exception_handler(ReturnConflict)
def return_changed(request: HttpRequest, exc: ReturnConflict) -> HttpResponse:
    ret = exc.ret
    return problem(
        request,
        412,
        f"The {ret.period.label} return was changed by someone else since you read it: "
        "read it again, and send its new ETag.",
        headers={"ETag": version_etag("return", ret.pk, ret.version)},
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


def _add_routers() -> None:
    from . import routers

    for prefix, router in routers.ROUTERS:
        api.add_router(prefix, router)


_add_routers()
