"""Providers for the framework's tests: what they propose is set by each test."""

from __future__ import annotations

from personalization.actions.base import Action, ActionContext
from personalization.visitor import Visitor

PROPOSED: list[Action] = []
CALLS: list[str] = []


def provider(visitor: Visitor, context: ActionContext) -> list[Action]:
    CALLS.append(context.place)
    return list(PROPOSED)


def orders_reader(visitor: Visitor, context: ActionContext) -> list[Action]:
    """Reads the shared state, as the shop's providers do."""
    context.shared("orders")
    return []


def broken(visitor: Visitor, context: ActionContext) -> list[Action]:
    raise RuntimeError("this provider is broken")


LOADS: list[str] = []


def orders_loader(visitor: Visitor, context: ActionContext) -> list[str]:
    LOADS.append("orders")
    return ["order"]


def broken_loader(visitor: Visitor, context: ActionContext) -> list[str]:
    raise ConnectionError("the database went away")
