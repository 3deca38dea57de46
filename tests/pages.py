"""Reading a response as a person does."""

from __future__ import annotations

import html
import re


def page_text(response) -> str:
    """The page as a shopper reads it: text only, each element's text apart from the next,
    entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", response.content.decode())).split())
