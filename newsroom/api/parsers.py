"""JSON request bodies, read strictly and safely."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(data: Any) -> bool:
    """Whether any string of the decoded body, key or value, holds a NUL character (walked without recursion)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, plus: nesting so deep that the decoder runs out of stack (`[[[[...` a hundred thousand
    times, under DATA_UPLOAD_MAX_MEMORY_SIZE) is a 400 `malformed_request` instead of a RecursionError (500);
    a NUL character anywhere in the body is a 400 too, whatever field it lands in (PostgreSQL text cannot hold
    one: a slug lookup such as `"category": "x\u0000"` ended in a DataError, 500). NaN and Infinity are refused
    already (STRICT_JSON)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if _has_nul(data):
            raise ParseError(_("The request contains a NUL character."))
        return data
