"""Blocks: content a slot's variant shows that the project computes, not an editor's text.

Personalization knows nothing of products; the project registers its blocks by dotted path in
`PERSONALIZATION_BLOCKS` ({"bought-together": "shop.recommendations.blocks.BOUGHT_TOGETHER"}),
the way `AUTHENTICATION_BACKENDS` names backends. A variant names a block by its key; editors
then place, order, switch off and test blocks as they do any variant.

A block is any object with a `label` (shown in the admin) and
`render(*, request, context, link) -> str`: the HTML to show, or "" when it has nothing to say
(the slot is then left out). `link(url)` gives the URL a link must take so that a click counts
for the experiment that chose the block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Protocol

from django.utils.module_loading import import_string

from .conf import app_settings


class Block(Protocol):
    label: Any

    def render(
        self, *, request: Any, context: Mapping[str, Any], link: Callable[[str], str]
    ) -> str: ...  # pragma: no cover


@cache
def _load(path: str) -> Block:
    return import_string(path)


def blocks() -> dict[str, Block]:
    """Every registered block by key (ImportError names a path that does not import)."""
    return {key: _load(path) for key, path in app_settings.BLOCKS.items()}


def block_get(key: str) -> Block | None:
    path = app_settings.BLOCKS.get(key)
    return _load(path) if path else None


def block_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((key, str(block.label)) for key, block in blocks().items())]
