"""Text in the shop's stylesheet meets WCAG AA contrast (4.5:1): computed from the CSS itself,
so a colour changed in shop.css is checked where it is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "shop.css").read_text()
TOKENS = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\b", CSS))


def rule(selector: str) -> dict[str, str]:
    body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert body, selector
    return dict(re.findall(r"([\w-]+):\s*([^;]+);", body.group(1)))


def colour(value: str) -> str:
    value = value.strip()
    token = re.fullmatch(r"var\((--[\w-]+)\)", value)
    value = TOKENS[token.group(1)] if token else value
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):  # #fff
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("selector", [".offer-badges li", ".badge"])
def test_badges_are_readable(selector):
    declarations = rule(selector)
    ratio = contrast(colour(declarations["color"]), colour(declarations["background"]))
    assert ratio >= 4.5, f"{selector}: {ratio:.2f}:1"


def test_muted_text_is_readable_on_the_page_and_on_cards():
    for background in ("--surface", "--card"):
        assert contrast(TOKENS["--muted"], TOKENS[background]) >= 4.5
