"""`{{ text|visible }}`: a stored title, name, tag or caption without its invisible characters (newsroom.api.text).

The inputs refuse them (`invisible_control`); this is the second line, for what was stored before or by the admin.
"""

from __future__ import annotations

from django import template

from newsroom.api.text import visible as strip_invisible

register = template.Library()


@register.filter(is_safe=True)
def visible(value: object) -> str:
    """Removing characters never makes a text unsafe, so escaping is left as it was."""
    return strip_invisible(str(value)) if value is not None else ""
