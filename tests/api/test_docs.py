"""The API's documentation page (/api/v1/docs), made from the OpenAPI description: every
operation is on it with its parameters and body fields, it links to the description, and
anyone may read it (it holds no data). And an address under /api/ that no operation has
is a 404 problem, as the description says, not the site's HTML page."""

import html

from goldenthread.api.docs import schema_anchor
from goldenthread.api.main import api

from .conftest import problem_of


def test_every_operation_is_on_the_page_with_its_parameters(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert f'>{method.upper()}</span> <code class="gt-api-path">{path}</code>' in page
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page, (method, path, parameter)
    for name in schema["components"]["schemas"]:
        assert f'id="{schema_anchor(name)}"' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "Authorization: Bearer gt_…" in page and 'id="authentication"' in page


def test_a_request_body_has_its_fields_listed(client, db):
    page = html.unescape(client.get("/api/v1/docs").content.decode())
    schema = api.get_openapi_schema()
    bodies = [
        op for item in schema["paths"].values() for op in item.values() if "requestBody" in op
    ]
    assert page.count("Request body") == len(bodies) > 0
    # The bulk write's items are a list of a schema, linked to where its fields are listed.
    assert 'href="#schema-resultin"' in page


def test_descriptions_are_escaped(client, db, monkeypatch):
    original = api.get_openapi_schema

    def hostile(*args, **kwargs):
        schema = original(*args, **kwargs)
        schema["info"]["description"] = "<script>alert(1)</script> and `code`"
        return schema

    monkeypatch.setattr(api, "get_openapi_schema", hostile)
    page = client.get("/api/v1/docs").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and <code>code</code>" in page


def test_an_unknown_api_address_is_a_404_problem(client, db):
    for path in ("/api/v1/nothing-here", "/api/v1/partnerships/not-a-number", "/api/v2/"):
        response = client.get(path)
        assert response.status_code == 404
        assert problem_of(response)["detail"] == "Not found."
    assert client.post("/api/v1/nothing-here").status_code == 404
