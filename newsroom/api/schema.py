"""OpenAPI: every operation documents its errors, in the one envelope every error uses.

drf-spectacular documents the success answers it can infer from the views. This postprocessing hook adds the
refusals: the explicit codes each operation can give by its shape (400 for input, 401/403 when it needs a
token, 404 when its path names an object, 429 and 503 everywhere) and a `default` answer for the rest
(409, 412, 413, 415, 428, 507), all with the `Error` schema. The codes inside are listed in docs/errors.md.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Machine-readable; listed in docs/errors.md."},
                "message": {"type": "string", "description": "In the language of Accept-Language."},
                "fields": {
                    "type": "object",
                    "description": "Field name -> list of {code, message} (validation errors only).",
                },
                "retry_after": {"type": "integer", "description": "Seconds to wait (throttling)."},
            },
            "additionalProperties": True,
        }
    },
}

_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}

_ERRORS: dict[str, tuple[str, bool]] = {
    "400": ("Invalid input: `fields` names what to fix.", False),
    "401": ("No valid token: sign in.", False),
    "403": ("Signed in, but this role or user may not do this.", False),
    "404": ("No such object, or not one this user may see.", False),
    "429": ("Too many requests: wait `Retry-After` seconds.", True),
    "503": ("Temporarily unavailable (the database): retry after `Retry-After` seconds.", True),
    "default": ("Another refusal (409 state conflict, 412/428 If-Match, 413, 415, 507).", False),
}


def _response(description: str, retry_after: bool) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if retry_after:
        response["headers"] = _RETRY_AFTER
    return response


def _applicable(code: str, path: str, operation: dict[str, Any]) -> bool:
    signed_in_only = {} not in operation.get("security", [{}])
    if code in ("401", "403"):
        return signed_in_only
    if code == "404":
        return "{" in path
    if code == "400":
        return "requestBody" in operation or bool(operation.get("parameters"))
    return True


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, retry_after) in _ERRORS.items():
                if code not in responses and _applicable(code, path, operation):
                    responses[code] = _response(description, retry_after)
    return result
