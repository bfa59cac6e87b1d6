"""JSON request bodies, read strictly and safely."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, plus: nesting so deep that the decoder runs out of stack (`[[[[...` a hundred thousand
    times, under DATA_UPLOAD_MAX_MEMORY_SIZE) is a 400 `malformed_request` instead of a RecursionError (500).
    NaN and Infinity are refused already (STRICT_JSON)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
