"""The placeholders merchandisers may write in a step's subject and body, and filling them in.

Templates use `str.format`-style names only ({name}, {order_number}, {product}, {order_url}).
Attribute or index access ({name.__class__}), conversions ({name!r}) and format specs
({name:>99999}) are refused on save, and filling in is one pass: a value that itself looks like
a placeholder (a customer named "{order_url}") is printed as typed, never expanded. Escaping is
left to where the text is shown: HTML pages escape it, e-mails are plain text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from django.utils.translation import gettext as _

PLACEHOLDERS = ("name", "order_number", "product", "order_url", "shop_url")
PLACEHOLDER_LIST = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
_FORMATTER = string.Formatter()


def placeholders_check(text: str) -> list[str]:
    """Problems with a template's placeholders, as sentences for the editor (empty: fine)."""
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError:
        return [
            _(
                "A brace is not closed or not opened. Write placeholders as {name}; write {{ "
                "or }} for a brace itself."
            )
        ]
    problems = []
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            problems.append(
                _("Unknown placeholder {%(field)s}. Use one of: %(known)s.")
                % {"field": field, "known": PLACEHOLDER_LIST}
            )
        elif spec or conversion:
            problems.append(
                _("Write the placeholder as {%(field)s}, with nothing after its name.")
                % {"field": field}
            )
    return problems


def placeholders_fill(text: str, values: Mapping[str, str]) -> str:
    """The template with its placeholders replaced, in one pass (never raises)."""
    out = []
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError:
        return text
    for literal, field, _spec, _conversion in parts:
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")) if field in PLACEHOLDERS else "")
    return "".join(out)
