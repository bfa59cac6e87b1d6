from __future__ import annotations

from typing import Any

from rest_framework.request import Request


def validated(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request body checked by an input serializer; a 400 in the one error shape if it does not pass."""
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data
