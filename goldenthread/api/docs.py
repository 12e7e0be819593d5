"""The API's documentation as an accessible page, /api/v1/docs, made from the same OpenAPI
description the API serves at /api/v1/openapi.json, so it can never say something the API
does not do. Not ninja's Swagger page: that loads its script from elsewhere and is hard to
use with a keyboard or a screen reader. This page is plain HTML in the site's own layout:
every operation with its method, path, what it does, its parameters, the fields of its
request body and its responses, and every schema's fields."""

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .auth import requests_per_minute
from .common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .main import api

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"
CODE = re.compile(r"`([^`]+)`")


def prose(text: str | None) -> SafeString:
    """A description as paragraphs, with `code` as code; everything else escaped."""
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    html = "".join(
        '<p class="govuk-body">' + CODE.sub(r"<code>\1</code>", escape(p)) + "</p>"
        for p in paragraphs
    )
    return mark_safe(html)


def schema_anchor(name: str) -> str:
    return f"schema-{slugify(name)}"


def type_of(schema: dict[str, Any] | None) -> dict[str, Any]:
    """A schema as words: {"text": "list of integer or null", "ref": "Name" or ""}."""
    schema = schema or {}
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return {"text": name, "ref": name}
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [type_of(s) for s in schema[key]]
            nullable = any(o["text"] == "null" for o in options)
            rest = [o for o in options if o["text"] != "null"]
            ref = next((o["ref"] for o in rest if o["ref"]), "")
            text = " or ".join(o["text"] for o in rest) or "any"
            return {"text": f"{text}, or null" if nullable else text, "ref": ref}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_of(schema["allOf"][0])
    kind = schema.get("type")
    if kind == "array":
        inner = type_of(schema.get("items"))
        return {"text": f"list of {inner['text']}", "ref": inner["ref"]}
    if isinstance(kind, list):
        return {"text": " or ".join(kind), "ref": ""}
    text = kind or ("object" if "properties" in schema else "any")
    if schema.get("format"):
        text = f"{text} ({schema['format']})"
    return {"text": text, "ref": ""}


def rules_of(schema: dict[str, Any] | None) -> str:
    """What a value must be, beyond its type: a choice, a range, a length, a pattern."""
    schema = schema or {}
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return "; ".join(filter(None, (rules_of(s) for s in schema[key])))
    words = []
    if "enum" in schema:
        words.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    if "minimum" in schema and "maximum" in schema:
        words.append(f"from {schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        words.append(f"at least {schema['minimum']}")
    elif "maximum" in schema:
        words.append(f"at most {schema['maximum']}")
    if "exclusiveMinimum" in schema:
        words.append(f"more than {schema['exclusiveMinimum']}")
    if "maxLength" in schema:
        words.append(f"up to {schema['maxLength']} characters")
    if "minLength" in schema and schema["minLength"] > 0:
        words.append(f"at least {schema['minLength']} characters")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    if "maxItems" in schema:
        words.append(f"at most {schema['maxItems']} items")
    if schema.get("default") not in (None, "", [], {}):
        words.append(f"{json.dumps(schema['default'])} if not given")
    return "; ".join(words)


def notes(description: str | None, schema: dict[str, Any] | None) -> str:
    """What a value means and the rules it must keep, as one sentence or two."""
    parts = [(description or "").strip().rstrip("."), rules_of(schema)]
    return ". ".join(p for p in parts if p)


def resolve(schema: dict[str, Any] | None, schemas: dict[str, Any]) -> dict[str, Any]:
    schema = schema or {}
    seen = 0
    while "$ref" in schema and seen < 10:
        schema = schemas.get(schema["$ref"].removeprefix(REF_PREFIX), {})
        seen += 1
    return schema


def fields_of(
    schema: dict[str, Any] | None, schemas: dict[str, Any], *, depth: int = 0, prefix: str = ""
) -> list[dict[str, Any]]:
    """The fields of an object schema (through a reference), for a table; with `depth`,
    the fields of the objects inside it too, named by their path (`results[].value`)."""
    schema = resolve(schema, schemas)
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            {
                "name": prefix + name,
                "type": type_of(prop),
                "required": name in required,
                "notes": notes(prop.get("description"), prop),
            }
        )
        if depth > 0:
            inner, mark = prop, ""
            if prop.get("type") == "array":
                inner, mark = prop.get("items", {}), "[]"
            if "properties" in resolve(inner, schemas):
                rows += fields_of(inner, schemas, depth=depth - 1, prefix=f"{prefix}{name}{mark}.")
    return rows


def _body(
    content: dict[str, Any], schemas: dict[str, Any], *, request: bool = False
) -> dict[str, Any] | None:
    for media_type, body in content.items():
        schema = body.get("schema")
        return {
            "media_type": media_type,
            "type": type_of(schema),
            "fields": fields_of(schema, schemas, depth=1 if request else 0),
        }
    return None


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the description, grouped by tag in the order they come."""
    schemas = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for url, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": p.get("required", False),
                    "type": type_of(p.get("schema")),
                    "notes": notes(
                        p.get("description") or p.get("schema", {}).get("description"),
                        p.get("schema"),
                    ),
                }
                for p in [*item.get("parameters", []), *operation.get("parameters", [])]
            ]
            request_body = operation.get("requestBody")
            responses = [
                {
                    "status": status,
                    "description": response.get("description", ""),
                    "body": _body(response.get("content", {}), schemas),
                    "headers": sorted(response.get("headers", {})),
                }
                # The statuses are numbers here, text once the description is JSON.
                for status, response in sorted(
                    (str(k), v) for k, v in operation.get("responses", {}).items()
                )
            ]
            tag = (operation.get("tags") or ["Other"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": slugify(operation.get("operationId") or f"{method} {url}"),
                    "method": method.upper(),
                    "path": url,
                    "summary": operation.get("summary", ""),
                    "description": prose(operation.get("description")),
                    "parameters": parameters,
                    "body": _body(request_body.get("content", {}), schemas, request=True)
                    if request_body
                    else None,
                    "body_required": bool(request_body and request_body.get("required")),
                    "success": [r for r in responses if r["status"].startswith("2")],
                    "errors": [r for r in responses if not r["status"].startswith("2")],
                }
            )
    return [
        {"name": tag, "id": f"tag-{slugify(tag)}", "operations": ops} for tag, ops in groups.items()
    ]


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    schemas = schema.get("components", {}).get("schemas", {})
    return render(
        request,
        "api/docs.html",
        {
            "info": schema.get("info", {}),
            "description": prose(schema.get("info", {}).get("description")),
            "groups": operations(schema),
            "schemas": [
                {
                    "name": name,
                    "id": schema_anchor(name),
                    "description": prose(body.get("description")),
                    "fields": fields_of(body, schemas),
                    "choices": body.get("enum"),
                }
                for name, body in sorted(schemas.items())
            ],
            "requests_per_minute": requests_per_minute(),
            "max_page_size": MAX_PAGE_SIZE,
            "default_page_size": DEFAULT_PAGE_SIZE,
        },
    )
