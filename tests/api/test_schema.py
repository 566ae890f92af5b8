"""The OpenAPI document and its page (issue 19.3)."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_endpoint():
    response = Client().get(reverse("api:schema"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver/api"}]
    resolver = get_resolver().url_patterns
    api = next(p for p in resolver if getattr(p, "namespace", None) == "api")
    endpoints = {
        "/" + re.sub(r"<int:(\w+)>", r"{\1}", str(p.pattern))
        for p in api.url_patterns
        if getattr(p, "name", None) and getattr(p.callback, "api_endpoint", False)
    }
    assert endpoints | {"/"} == set(document["paths"])  # "/": the public index, below
    for path, item in document["paths"].items():
        if path == "/":
            continue
        responses = item["get"]["responses"]
        assert {"200", "400", "401", "403", "404", "405", "429"} <= set(responses), path


def test_the_page_is_readable_without_anything_from_another_host():
    response = Client().get(reverse("api:docs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="operation"') == 8
    assert html.count('data-testid="operation-public"') == 1  # the index
    assert "curl -H" in html and "Authorization: Token" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "an asset from another host"
    assert "<script>" not in html


def test_the_index_points_at_the_schema_and_the_page():
    body = Client().get("/api/").json()
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")


def test_the_index_is_in_the_document_public_and_answers_as_described():
    """GET /api/ answers JSON: it is described like every other operation, as public (no token)."""
    document = Client().get(reverse("api:schema")).json()
    operation = document["paths"]["/"]["get"]
    assert operation["security"] == [] and set(operation["responses"]) == {"200", "405"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Index"}
    body = Client().get("/api/").json()
    index = document["components"]["schemas"]["Index"]
    assert set(index["required"]) <= set(body) <= set(index["properties"])
    assert all(isinstance(value, str) for value in body.values())
    refused = Client().post("/api/")
    assert refused.status_code == 405 and refused.json()["error"]["code"] == "method_not_allowed"
