"""The API's own description: an index, the OpenAPI document and its human-readable page."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .. import schema
from ..http import error, ok
from .common import absolute


@csrf_exempt
def index(request):
    if request.method not in ("GET", "HEAD"):
        return error(405, "method_not_allowed", "接口只读：只接受 GET 请求。", Allow="GET, HEAD")
    return ok(
        {
            "name": "金保服务运维门户 数据接口",
            "version": schema.VERSION,
            "schema": absolute(request, "api:schema"),
            "docs": absolute(request, "api:docs"),
        }
    )


@csrf_exempt
def openapi(request):
    """The OpenAPI document. Public: it describes the interface, never data."""
    if request.method not in ("GET", "HEAD"):
        return error(405, "method_not_allowed", "接口只读：只接受 GET 请求。", Allow="GET, HEAD")
    document = schema.build()
    document["servers"] = [{"url": request.build_absolute_uri("/api").rstrip("/")}]
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})


@require_GET
def docs(request):
    """The document as a page, rendered on the server (no script, no CDN)."""
    document = schema.build()
    operations = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": "/api" + path,
                    "id": op["operationId"],
                    "summary": op["summary"],
                    "public": op.get("security") == [],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_text(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": [
                        {"status": status, "description": r["description"], "schema": _schema_name(r)}
                        for status, r in op["responses"].items()
                    ],
                }
            )
    schemas = [
        {"name": name, "fields": _fields(body, document["components"]["schemas"])}
        for name, body in document["components"]["schemas"].items()
    ]
    return render(
        request,
        "api/docs.html",
        {"document": document, "operations": operations, "schemas": schemas},
    )


def _type_text(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " + ".join(_type_text(s) for s in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(_type_text(s) for s in schema["oneOf"])
    kind = schema.get("type", "")
    text = " | ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        text = f"array of {_type_text(schema.get('items', {}))}"
    extras = []
    if "enum" in schema:
        extras.append("enum: " + ", ".join("null" if v is None else str(v) for v in schema["enum"]))
    if "format" in schema:
        extras.append(schema["format"])
    if "minimum" in schema or "maximum" in schema:
        extras.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if "pattern" in schema:
        extras.append(f"pattern {schema['pattern']}")
    return text + (f" ({'; '.join(extras)})" if extras else "")


def _schema_name(response: dict) -> str:
    content = response.get("content", {}).get("application/json", {})
    return _type_text(content["schema"]) if content else ""


def _fields(body: dict, all_schemas: dict) -> list[dict]:
    rows = []
    parts = body.get("allOf", [body])
    for part in parts:
        if "$ref" in part:
            rows.append(
                {
                    "name": "…",
                    "type": _type_text(part),
                    "required": True,
                    "description": gettext("包含其全部字段"),
                }
            )
            continue
        required = set(part.get("required", []))
        for name, prop in part.get("properties", {}).items():
            rows.append(
                {
                    "name": name,
                    "type": _type_text(prop),
                    "required": name in required,
                    "description": prop.get("description", ""),
                }
            )
    return rows
