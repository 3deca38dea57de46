"""Product pictures for the demo catalogue, drawn with Pillow.

The demo shop needs pictures that look tidy, need no licence, no network and no font files.
Each product shows the object it is (a food bag, a cat tree, a lead…), chosen from keywords in
its name, large and in colours picked from its name, on a soft background per department, with
a small badge for the pet it is for. There is no text in the pictures: the name is real text on
the page, where it can be translated and read aloud. The output is deterministic (the same
product always gets the same picture), so demo data is reproducible.

ImageDraw does not anti-alias shapes, so everything is drawn at twice the final size and scaled
down; that is what keeps the edges smooth.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

SIZE = 1024
_SCALE = 2

Colour = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]


def _hex(value: str) -> Colour:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: Colour, b: Colour, amount: float) -> Colour:
    """`a` moved `amount` (0–1) of the way towards `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * amount),
        round(a[1] + (b[1] - a[1]) * amount),
        round(a[2] + (b[2] - a[2]) * amount),
    )


WHITE: Colour = (255, 255, 255)
INK = _hex("#2E2A27")  # text and eyes: softer than pure black on pastel backgrounds
PINK = _hex("#F2B4BE")


@dataclass(frozen=True)
class Theme:
    background: Colour
    name: str  # how the alt text describes the background


# Keyed by top-level category slug, or by season for the seasonal department so that summer
# products look cool and winter products look warm.
THEMES: dict[str, Theme] = {
    "food": Theme(_hex("#FBE3D0"), "soft peach"),
    "beds-furniture": Theme(_hex("#E7E1F5"), "pale lavender"),
    "toys": Theme(_hex("#FFF0C2"), "butter yellow"),
    "walking-travel": Theme(_hex("#D9F0E2"), "mint green"),
    "care-grooming": Theme(_hex("#DCEAF7"), "powder blue"),
    "aquarium-bird": Theme(_hex("#CFE9F1"), "sea blue"),
    "small-pets": Theme(_hex("#E6EFD5"), "sage green"),
    "summer": Theme(_hex("#CDEFEA"), "cool aqua"),
    "winter": Theme(_hex("#F6DCD3"), "warm rose"),
    "rainy": Theme(_hex("#DCE3EC"), "rain-cloud grey"),
}
DEFAULT_THEME = Theme(_hex("#EEE8E1"), "warm grey")


class _Pen:
    """ImageDraw in 1024-pixel coordinates on a supersampled canvas."""

    def __init__(self, image: Image.Image) -> None:
        self.draw = ImageDraw.Draw(image)

    @staticmethod
    def _box(box: Box) -> list[float]:
        return [value * _SCALE for value in box]

    @staticmethod
    def _points(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * _SCALE, y * _SCALE) for x, y in points]

    def ellipse(self, box: Box, fill: Colour) -> None:
        self.draw.ellipse(self._box(box), fill=fill)

    def circle(self, centre: Point, radius: float, fill: Colour) -> None:
        x, y = centre
        self.ellipse((x - radius, y - radius, x + radius, y + radius), fill)

    def ring(self, centre: Point, radius: float, colour: Colour, width: float) -> None:
        x, y = centre
        box = self._box((x - radius, y - radius, x + radius, y + radius))
        self.draw.ellipse(box, outline=colour, width=round(width * _SCALE))

    def oval(self, box: Box, colour: Colour, width: float) -> None:
        """An ellipse's outline only."""
        self.draw.ellipse(self._box(box), outline=colour, width=round(width * _SCALE))

    def polygon(self, points: Sequence[Point], fill: Colour) -> None:
        self.draw.polygon(self._points(points), fill=fill)

    def line(self, points: Sequence[Point], colour: Colour, width: float) -> None:
        self.draw.line(
            self._points(points), fill=colour, width=round(width * _SCALE), joint="curve"
        )

    def arc(self, box: Box, start: float, end: float, colour: Colour, width: float) -> None:
        self.draw.arc(self._box(box), start, end, fill=colour, width=round(width * _SCALE))

    def rounded_rectangle(
        self,
        box: Box,
        radius: float,
        fill: Colour | None,
        outline: Colour | None = None,
        width: float = 0,
    ) -> None:
        self.draw.rounded_rectangle(
            self._box(box),
            radius=radius * _SCALE,
            fill=fill,
            outline=outline,
            width=round(width * _SCALE),
        )

    def chord(self, box: Box, start: float, end: float, fill: Colour) -> None:
        self.draw.chord(self._box(box), start, end, fill=fill)


def _paw(pen: _Pen, x: float, y: float, r: float, colour: Colour) -> None:
    pen.ellipse((x - 0.55 * r, y - 0.1 * r, x + 0.55 * r, y + 0.6 * r), colour)
    for dx, dy in ((-0.62, -0.3), (-0.22, -0.62), (0.22, -0.62), (0.62, -0.3)):
        pen.circle((x + dx * r, y + dy * r), 0.21 * r, colour)


def _eye(pen: _Pen, x: float, y: float, r: float) -> None:
    pen.circle((x, y), r, INK)
    pen.circle((x + 0.35 * r, y - 0.35 * r), 0.35 * r, WHITE)  # a highlight makes it friendly


def _smile(pen: _Pen, cx: float, cy: float, r: float, width: float) -> None:
    """The little "w" mouth under a nose at (cx, cy)."""
    pen.line([(cx, cy), (cx, cy + r)], INK, width)
    pen.arc((cx - 2 * r, cy, cx, cy + 2 * r), 10, 170, INK, width)
    pen.arc((cx, cy, cx + 2 * r, cy + 2 * r), 10, 170, INK, width)


def _dog(pen: _Pen, cx: float, cy: float, s: float) -> None:
    fur, ear, muzzle = _hex("#C98F5E"), _hex("#8A5A3B"), _hex("#F4E1CB")
    pen.ellipse((cx - 0.98 * s, cy - 0.62 * s, cx - 0.5 * s, cy + 0.4 * s), ear)
    pen.ellipse((cx + 0.5 * s, cy - 0.62 * s, cx + 0.98 * s, cy + 0.4 * s), ear)
    pen.ellipse((cx - 0.75 * s, cy - 0.72 * s, cx + 0.75 * s, cy + 0.72 * s), fur)
    pen.ellipse((cx - 0.5 * s, cy - 0.44 * s, cx - 0.1 * s, cy + 0.02 * s), ear)  # eye patch
    pen.ellipse((cx - 0.4 * s, cy + 0.02 * s, cx + 0.4 * s, cy + 0.62 * s), muzzle)
    pen.ellipse((cx - 0.09 * s, cy + 0.4 * s, cx + 0.09 * s, cy + 0.66 * s), _hex("#E8798A"))
    pen.ellipse((cx - 0.14 * s, cy + 0.06 * s, cx + 0.14 * s, cy + 0.26 * s), INK)
    _smile(pen, cx, cy + 0.24 * s, 0.1 * s, 0.022 * s)
    _eye(pen, cx - 0.3 * s, cy - 0.2 * s, 0.085 * s)
    _eye(pen, cx + 0.3 * s, cy - 0.2 * s, 0.085 * s)


def _cat(pen: _Pen, cx: float, cy: float, s: float) -> None:
    fur, stripe, muzzle = _hex("#8F94AE"), _hex("#6C7190"), _hex("#F7F2EC")
    for side in (-1, 1):
        pen.polygon(
            [
                (cx + side * 0.8 * s, cy - 0.2 * s),
                (cx + side * 0.68 * s, cy - 1.0 * s),
                (cx + side * 0.16 * s, cy - 0.6 * s),
            ],
            fur,
        )
        pen.polygon(
            [
                (cx + side * 0.68 * s, cy - 0.36 * s),
                (cx + side * 0.63 * s, cy - 0.82 * s),
                (cx + side * 0.32 * s, cy - 0.6 * s),
            ],
            PINK,
        )
    pen.ellipse((cx - 0.82 * s, cy - 0.68 * s, cx + 0.82 * s, cy + 0.68 * s), fur)
    for dx, top, bottom in ((0, -0.68, -0.42), (-0.17, -0.66, -0.47), (0.17, -0.66, -0.47)):
        pen.line([(cx + dx * s, cy + top * s), (cx + dx * s, cy + bottom * s)], stripe, 0.06 * s)
    pen.ellipse((cx - 0.3 * s, cy + 0.08 * s, cx + 0.02 * s, cy + 0.4 * s), muzzle)
    pen.ellipse((cx - 0.02 * s, cy + 0.08 * s, cx + 0.3 * s, cy + 0.4 * s), muzzle)
    for side in (-1, 1):
        x = cx + side * 0.32 * s
        pen.ellipse((x - 0.13 * s, cy - 0.28 * s, x + 0.13 * s, cy + 0.0 * s), _hex("#D6E07A"))
        pen.ellipse((x - 0.035 * s, cy - 0.25 * s, x + 0.035 * s, cy - 0.03 * s), INK)
        for start, end in (
            ((0.3, 0.2), (0.98, 0.1)),
            ((0.3, 0.27), (1.0, 0.3)),
            ((0.3, 0.34), (0.95, 0.5)),
        ):
            pen.line(
                [
                    (cx + side * start[0] * s, cy + start[1] * s),
                    (cx + side * end[0] * s, cy + end[1] * s),
                ],
                INK,
                0.018 * s,
            )
    pen.polygon(
        [(cx - 0.08 * s, cy + 0.07 * s), (cx + 0.08 * s, cy + 0.07 * s), (cx, cy + 0.17 * s)],
        _hex("#E58A9A"),
    )
    _smile(pen, cx, cy + 0.17 * s, 0.08 * s, 0.02 * s)


def _rabbit(pen: _Pen, cx: float, cy: float, s: float) -> None:
    fur, cheek = _hex("#BFA58C"), _hex("#F3C2C8")
    for side in (-1, 1):
        outer = (cx + side * 0.14 * s, cx + side * 0.48 * s)
        inner = (cx + side * 0.23 * s, cx + side * 0.39 * s)
        pen.ellipse((min(outer), cy - 1.02 * s, max(outer), cy - 0.05 * s), fur)
        pen.ellipse((min(inner), cy - 0.9 * s, max(inner), cy - 0.25 * s), PINK)
    pen.ellipse((cx - 0.74 * s, cy - 0.38 * s, cx + 0.74 * s, cy + 0.82 * s), fur)
    for side in (-1, 1):
        x = cx + side * 0.44 * s
        pen.ellipse((x - 0.12 * s, cy + 0.3 * s, x + 0.12 * s, cy + 0.45 * s), cheek)
        _eye(pen, cx + side * 0.3 * s, cy + 0.1 * s, 0.08 * s)
    pen.ellipse((cx - 0.08 * s, cy + 0.26 * s, cx + 0.08 * s, cy + 0.36 * s), _hex("#E58A9A"))
    pen.rounded_rectangle(
        (cx - 0.07 * s, cy + 0.42 * s, cx + 0.07 * s, cy + 0.56 * s), 0.02 * s, WHITE
    )
    _smile(pen, cx, cy + 0.35 * s, 0.08 * s, 0.02 * s)


def _bird(pen: _Pen, cx: float, cy: float, s: float) -> None:
    body, face, wing = _hex("#7CC46B"), _hex("#F3E07A"), _hex("#4E9A4A")
    pen.polygon(
        [
            (cx - 0.15 * s, cy + 0.5 * s),
            (cx - 0.62 * s, cy + 1.02 * s),
            (cx - 0.42 * s, cy + 1.06 * s),
            (cx + 0.08 * s, cy + 0.62 * s),
        ],
        _hex("#3E7FA0"),
    )
    pen.rounded_rectangle(
        (cx - 0.98 * s, cy + 0.74 * s, cx + 0.98 * s, cy + 0.86 * s), 0.06 * s, _hex("#8B5E3C")
    )
    pen.ellipse((cx - 0.52 * s, cy - 0.35 * s, cx + 0.52 * s, cy + 0.8 * s), body)
    pen.circle((cx + 0.06 * s, cy - 0.42 * s), 0.42 * s, body)
    pen.circle((cx + 0.16 * s, cy - 0.36 * s), 0.3 * s, face)
    pen.ellipse((cx - 0.58 * s, cy - 0.1 * s, cx + 0.02 * s, cy + 0.64 * s), wing)
    for index in range(3):  # feather lines on the wing
        y = cy + (0.08 + index * 0.16) * s
        pen.arc((cx - 0.5 * s, y, cx - 0.06 * s, y + 0.2 * s), 20, 160, body, 0.025 * s)
    _eye(pen, cx + 0.2 * s, cy - 0.52 * s, 0.07 * s)
    pen.polygon(
        [
            (cx + 0.38 * s, cy - 0.46 * s),
            (cx + 0.62 * s, cy - 0.34 * s),
            (cx + 0.4 * s, cy - 0.22 * s),
        ],
        _hex("#F2A541"),
    )
    for dx in (-0.12, 0.16):
        pen.ellipse(
            (cx + (dx - 0.07) * s, cy + 0.72 * s, cx + (dx + 0.07) * s, cy + 0.82 * s),
            _hex("#E3A07A"),
        )


def _fish(pen: _Pen, cx: float, cy: float, s: float) -> None:
    body, fin, bubble = _hex("#F28A3B"), _hex("#E0662A"), _hex("#7DB9D6")
    pen.polygon(
        [
            (cx - 0.45 * s, cy),
            (cx - 1.0 * s, cy - 0.5 * s),
            (cx - 0.84 * s, cy),
            (cx - 1.0 * s, cy + 0.5 * s),
        ],
        fin,
    )
    pen.polygon(
        [
            (cx - 0.32 * s, cy - 0.34 * s),
            (cx - 0.06 * s, cy - 0.72 * s),
            (cx + 0.26 * s, cy - 0.38 * s),
        ],
        fin,
    )
    pen.polygon(
        [
            (cx - 0.16 * s, cy + 0.36 * s),
            (cx - 0.02 * s, cy + 0.62 * s),
            (cx + 0.12 * s, cy + 0.38 * s),
        ],
        fin,
    )
    pen.ellipse((cx - 0.66 * s, cy - 0.45 * s, cx + 0.66 * s, cy + 0.45 * s), body)
    pen.arc((cx - 0.02 * s, cy - 0.28 * s, cx + 0.22 * s, cy + 0.28 * s), -70, 70, fin, 0.03 * s)
    pen.ellipse((cx - 0.3 * s, cy + 0.02 * s, cx - 0.02 * s, cy + 0.22 * s), fin)
    pen.circle((cx + 0.38 * s, cy - 0.1 * s), 0.12 * s, WHITE)
    _eye(pen, cx + 0.4 * s, cy - 0.1 * s, 0.065 * s)
    pen.arc((cx + 0.5 * s, cy + 0.04 * s, cx + 0.62 * s, cy + 0.16 * s), 90, 200, INK, 0.02 * s)
    for dx, dy, r in ((0.82, -0.45, 0.07), (0.94, -0.72, 0.05), (0.84, -0.95, 0.035)):
        pen.ring((cx + dx * s, cy + dy * s), r * s, bubble, 0.022 * s)


@dataclass(frozen=True)
class _Pet:
    draw: Callable[[_Pen, float, float, float], None]
    description: str  # for alt text


PETS: dict[str, _Pet] = {
    "dog": _Pet(_dog, "a smiling dog’s face"),
    "cat": _Pet(_cat, "a grey tabby cat’s face"),
    "small_pet": _Pet(_rabbit, "a rabbit’s face"),
    "bird": _Pet(_bird, "a green budgie on a perch"),
    "fish": _Pet(_fish, "an orange goldfish blowing bubbles"),
}


@dataclass(frozen=True)
class Picture:
    content: bytes  # PNG
    alt_text: str


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # A 2×2 box average is exactly what supersampling needs, and far faster than Lanczos.
    image.reduce(_SCALE).save(buffer, "PNG")
    return buffer.getvalue()


# Product colours: mid-tone and equally saturated, so any of them sits well on any of the
# pastel backgrounds and next to each other in a grid. The name goes into the alt text.
PALETTE: tuple[tuple[str, Colour], ...] = (
    ("teal", _hex("#2A9D8F")),
    ("coral", _hex("#E4735A")),
    ("mustard", _hex("#D9A22B")),
    ("navy", _hex("#34507F")),
    ("plum", _hex("#8C4F8F")),
    ("leaf green", _hex("#5E9E45")),
    ("cherry red", _hex("#C8414B")),
    ("sky blue", _hex("#3E8FD0")),
    ("tangerine", _hex("#EE8A2A")),
    ("raspberry", _hex("#C2407A")),
    ("slate", _hex("#5D6B7A")),
    ("chocolate", _hex("#7A4E32")),
)
WOOD = _hex("#C8935A")
STRAW = _hex("#E2C36B")
STEEL = _hex("#B7C0C9")
GLASS = _hex("#D7EEF6")


@dataclass(frozen=True)
class _Paint:
    """A product's colours: the main one, its shades and a second colour for details."""

    name: str
    main: Colour
    accent: Colour

    @property
    def dark(self) -> Colour:
        return _mix(self.main, INK, 0.35)

    @property
    def light(self) -> Colour:
        return _mix(self.main, WHITE, 0.6)

    @property
    def pale(self) -> Colour:
        return _mix(self.main, WHITE, 0.85)

    def tint(self, colour: Colour, amount: float = 0.3) -> Colour:
        """A natural colour (wood, straw) nudged towards the main colour."""
        return _mix(colour, self.main, amount)


def _paint(name: str) -> _Paint:
    """The same name always gets the same colours (a stable hash, not Python's `hash`).

    With twelve colours two products can share one; the tests check that no two demo products
    of the same kind do.
    """
    digest = hashlib.md5(name.encode(), usedforsecurity=False).digest()
    number = int.from_bytes(digest[:8], "big")
    main = number % len(PALETTE)
    accent = (main + 1 + (number // len(PALETTE)) % (len(PALETTE) - 1)) % len(PALETTE)
    return _Paint(PALETTE[main][0], PALETTE[main][1], PALETTE[accent][1])


# Everything below draws one kind of product, large, around the centre of the 1024 canvas
# (roughly x 200–824, y 200–800), leaving the bottom-right corner for the pet badge.


def _cylinder(pen: _Pen, box: Box, body: Colour, top: Colour, depth: float) -> None:
    """An upright cylinder seen slightly from above: `depth` is the height of its ellipses."""
    x0, y0, x1, y1 = box
    pen.ellipse((x0, y1 - depth, x1, y1), _mix(body, INK, 0.2))
    pen.rounded_rectangle((x0, y0 + depth / 2, x1, y1 - depth / 2), 0, body)
    pen.ellipse((x0, y0, x1, y0 + depth), top)


def _snowflake(pen: _Pen, x: float, y: float, r: float, colour: Colour) -> None:
    for angle in (0, 60, 120):
        dx, dy = r * math.cos(math.radians(angle)), r * math.sin(math.radians(angle))
        pen.line([(x - dx, y - dy), (x + dx, y + dy)], colour, r * 0.18)
    pen.circle((x, y), r * 0.2, colour)


def _waves(pen: _Pen, x: float, y: float, r: float, colour: Colour) -> None:
    """Three rising heat waves."""
    for dx in (-0.5, 0, 0.5):
        cx = x + dx * r
        pen.line(
            [
                (cx, y + r),
                (cx - 0.15 * r, y + 0.5 * r),
                (cx + 0.15 * r, y),
                (cx - 0.15 * r, y - 0.5 * r),
                (cx, y - r),
            ],
            colour,
            r * 0.14,
        )


def _fish_shape(pen: _Pen, x: float, y: float, r: float, body: Colour, fin: Colour) -> None:
    pen.polygon([(x - 0.6 * r, y), (x - 1.2 * r, y - 0.55 * r), (x - 1.2 * r, y + 0.55 * r)], fin)
    pen.ellipse((x - 0.9 * r, y - 0.55 * r, x + 0.8 * r, y + 0.55 * r), body)
    pen.circle((x + 0.4 * r, y - 0.12 * r), 0.12 * r, INK)


def _bag(pen: _Pen, p: _Paint, emblem: str) -> None:
    """A stand-up bag with a crimped top and a round label; `emblem` says what is on it."""
    pen.polygon([(290, 280), (734, 280), (760, 800), (264, 800)], p.main)
    pen.rounded_rectangle((264, 770, 760, 810), 18, p.dark)
    pen.rounded_rectangle((280, 215, 744, 290), 14, p.dark)
    for crimp in range(296, 744, 32):
        pen.line([(crimp, 230), (crimp, 276)], p.main, 6)
    pen.circle((512, 530), 165, p.pale)
    pen.ring((512, 530), 165, p.accent, 12)
    if emblem == "paw":
        _paw(pen, 512, 545, 120, p.dark)
    elif emblem == "seeds":
        for index in range(14):
            angle = index * 2.4
            x, y = (
                512 + 22 * math.sqrt(index) * math.cos(angle) * 1.8,
                530 + 22 * math.sqrt(index) * math.sin(angle) * 1.8,
            )
            pen.ellipse((x - 14, y - 20, x + 14, y + 20), STRAW if index % 2 else WOOD)
    elif emblem == "granules":
        for index in range(16):
            angle = index * 2.4
            x, y = (
                512 + 32 * math.sqrt(index) * math.cos(angle),
                530 + 32 * math.sqrt(index) * math.sin(angle),
            )
            pen.rounded_rectangle(
                (x - 16, y - 16, x + 16, y + 16),
                7,
                _hex("#EFE4CC") if index % 2 else _hex("#C9D9B0"),
            )
    elif emblem == "leaf":
        pen.ellipse((430, 450, 594, 610), _hex("#7BB661"))
        pen.line([(440, 620), (590, 440)], WHITE, 12)
    elif emblem == "carrot":
        pen.polygon([(470, 470), (560, 470), (515, 650)], _hex("#F08A24"))
        for dx in (-25, 0, 25):
            pen.ellipse((500 + dx, 400, 530 + dx, 480), _hex("#5E9E45"))


def _food_bag(pen: _Pen, p: _Paint) -> None:
    _bag(pen, p, "paw")


def _seed_bag(pen: _Pen, p: _Paint) -> None:
    _bag(pen, p, "seeds")


def _pellet_bag(pen: _Pen, p: _Paint) -> None:
    _bag(pen, p, "carrot")


def _litter_bag(pen: _Pen, p: _Paint) -> None:
    _bag(pen, p, "granules")


def _bedding_bag(pen: _Pen, p: _Paint) -> None:
    _bag(pen, p, "leaf")


def _can(pen: _Pen, p: _Paint) -> None:
    for x0, y0 in ((215, 380), (455, 300)):
        box = (x0, y0, x0 + 330, y0 + 420)
        _cylinder(pen, box, p.main, STEEL, 90)
        pen.rounded_rectangle((x0, y0 + 150, x0 + 330, y0 + 290), 0, p.pale)
        _fish_shape(pen, x0 + 175, y0 + 220, 60, p.accent, p.dark)
        pen.ring((x0 + 165, y0 + 45), 30, _mix(STEEL, INK, 0.3), 8)


def _pouch(pen: _Pen, p: _Paint) -> None:
    for x0, y0, colour in ((240, 300, p.dark), (400, 240, p.main)):
        pen.polygon(
            [(x0, y0 + 40), (x0 + 380, y0 + 40), (x0 + 360, y0 + 520), (x0 + 20, y0 + 520)], colour
        )
        pen.polygon(
            [(x0 + 20 * i, y0 + (40 if i % 2 else 10)) for i in range(20)]
            + [(x0 + 380, y0 + 40), (x0, y0 + 40)],
            colour,
        )
        pen.circle((x0 + 190, y0 + 300), 100, p.pale)
        _fish_shape(pen, x0 + 200, y0 + 300, 58, p.accent, p.dark)


def _tray(pen: _Pen, p: _Paint) -> None:
    for y in (620, 480, 340):
        pen.polygon(
            [(230, y), (794, y), (750, y + 130), (274, y + 130)], p.main if y != 480 else p.dark
        )
        pen.rounded_rectangle((210, y - 24, 814, y + 12), 12, STEEL)
    pen.polygon([(212, 316), (812, 316), (760, 220), (330, 250)], p.light)  # peeled lid
    _fish_shape(pen, 520, 275, 40, p.accent, p.dark)


def _jerky(pen: _Pen, p: _Paint) -> None:
    meat = p.tint(_hex("#9A5534"), 0.25)
    for index, (x, y) in enumerate(((330, 300), (450, 260), (570, 300))):
        points = [(x + (18 if i % 2 else 0), y + i * 50) for i in range(10)]
        points += [(x + 120 - (18 if i % 2 else 0), y + 450 - i * 50) for i in range(10)]
        pen.polygon(points, _mix(meat, WHITE, 0.12 * index))
        pen.line([(x + 40, y + 60), (x + 70, y + 380)], _mix(meat, WHITE, 0.4), 10)
    pen.rounded_rectangle((300, 560, 724, 640), 20, p.main)  # a band round the bundle


def _dental_chew(pen: _Pen, p: _Paint) -> None:
    for index, dx in enumerate((-150, 0, 150)):
        colour = (p.main, p.light, p.dark)[index]
        x = 512 + dx
        pen.rounded_rectangle((x - 48, 230, x + 48, 790), 48, colour)
        for y in range(280, 760, 60):
            pen.line([(x - 40, y), (x + 40, y + 30)], _mix(colour, INK, 0.25), 10)


def _sweet_potato(pen: _Pen, p: _Paint) -> None:
    pen.chord((220, 380, 804, 820), 0, 180, p.main)  # a bowl
    for x, y, angle in ((380, 420, 20), (520, 380, -10), (640, 430, 25), (460, 470, -30)):
        dx, dy = 110 * math.cos(math.radians(angle)), 110 * math.sin(math.radians(angle))
        pen.line([(x - dx, y - dy), (x + dx, y + dy)], _hex("#C0612B"), 70)
        pen.line([(x - dx, y - dy), (x + dx, y + dy)], _hex("#F0A04B"), 44)
    pen.rounded_rectangle((210, 580, 814, 620), 20, p.dark)


def _fruit_chews(pen: _Pen, p: _Paint) -> None:
    pen.chord((220, 380, 804, 820), 0, 180, p.main)
    for x, y, fruit in (
        (360, 470, "apple"),
        (512, 420, "papaya"),
        (660, 470, "apple"),
        (440, 540, "papaya"),
        (590, 545, "apple"),
    ):
        if fruit == "apple":
            pen.circle((x, y), 80, _hex("#D64545"))
            pen.circle((x, y), 66, _hex("#F6E7B8"))
            for angle in range(0, 360, 72):
                pen.circle(
                    (
                        x + 22 * math.cos(math.radians(angle)),
                        y + 22 * math.sin(math.radians(angle)),
                    ),
                    8,
                    INK,
                )
        else:
            pen.ellipse((x - 95, y - 55, x + 95, y + 55), _hex("#F28C3B"))
            pen.ellipse((x - 55, y - 25, x + 55, y + 25), _hex("#F7B267"))
    pen.rounded_rectangle((210, 580, 814, 620), 20, p.dark)


def _millet(pen: _Pen, p: _Paint) -> None:
    seed = p.tint(STRAW, 0.15)
    for angle in (-14, -5, 4, 13):
        top = (512 + 560 * math.sin(math.radians(angle)), 790 - 560 * math.cos(math.radians(angle)))
        pen.line([(512, 790), top], p.tint(WOOD, 0.1), 10)
        for step in range(9):
            t = 0.45 + step * 0.065
            x, y = 512 + (top[0] - 512) * t, 790 + (top[1] - 790) * t
            pen.circle((x - 14, y), 22, _mix(seed, WHITE, 0.1 * (step % 2)))
            pen.circle((x + 14, y + 12), 22, _mix(seed, WOOD, 0.25))
    pen.rounded_rectangle((450, 600, 574, 660), 20, p.main)  # the ribbon
    pen.polygon([(512, 630), (420, 560), (420, 700)], p.main)
    pen.polygon([(512, 630), (604, 560), (604, 700)], p.main)


def _jar(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((300, 300, 724, 800), 70, GLASS)
    for index in range(28):  # bonito flakes
        x, y = 340 + (index * 97) % 340, 460 + (index * 53) % 300
        pen.polygon(
            [(x, y), (x + 50, y + 10), (x + 30, y + 40)],
            _hex("#E9A89B") if index % 3 else _hex("#C97B6B"),
        )
    pen.rounded_rectangle((330, 330, 380, 760), 25, _mix(GLASS, WHITE, 0.6))  # shine
    pen.rounded_rectangle((280, 210, 744, 320), 30, p.main)
    pen.rounded_rectangle((400, 580, 624, 680), 20, p.pale)
    _fish_shape(pen, 520, 630, 40, p.accent, p.dark)


def _tubes(pen: _Pen, p: _Paint) -> None:
    """Slim treat tubes fanned out from the bottom, like a hand of cards."""
    outline = [(-40, -560), (40, -560), (40, -60), (0, 0), (-40, -60)]
    for index, angle in enumerate((-24, -8, 8, 24)):
        colour = (p.dark, p.main, p.light, p.accent)[index]
        a = math.radians(angle)
        pen.polygon(
            [
                (512 + x * math.cos(a) - y * math.sin(a), 790 + x * math.sin(a) + y * math.cos(a))
                for x, y in outline
            ],
            colour,
        )


def _toothpaste(pen: _Pen, p: _Paint) -> None:
    pen.polygon([(250, 360), (250, 560), (640, 520), (640, 400)], p.main)
    pen.rounded_rectangle((230, 340, 270, 580), 10, p.dark)
    pen.rounded_rectangle((640, 410, 720, 510), 16, p.accent)
    pen.line([(380, 440), (560, 440)], WHITE, 22)
    pen.line([(300, 780), (760, 620)], p.light, 36)  # the brush
    pen.rounded_rectangle((640, 560, 790, 640), 20, p.dark)
    for x in range(650, 790, 22):
        pen.line([(x, 560), (x, 520)], WHITE, 12)


def _bone(pen: _Pen, p: _Paint) -> None:
    for angle in (-30,):
        a = math.radians(angle)
        ux, uy = math.cos(a), math.sin(a)
        ends = [(512 - 230 * ux, 500 - 230 * uy), (512 + 230 * ux, 500 + 230 * uy)]
        pen.line(ends, p.main, 120)
        for x, y in ends:
            for side in (-1, 1):
                pen.circle((x - side * 70 * uy, y + side * 70 * ux), 90, p.main)
        pen.line([(512 - 150 * ux, 470 - 150 * uy), (512 + 100 * ux, 470 + 100 * uy)], p.light, 18)


def _bed(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((200, 430, 824, 760), 110, p.dark)
    pen.rounded_rectangle((240, 470, 784, 640), 80, p.light)
    pen.rounded_rectangle((200, 590, 824, 780), 90, p.main)
    for x in range(280, 800, 90):
        pen.line([(x, 620), (x, 750)], p.dark, 6)
    pen.rounded_rectangle((300, 500, 724, 560), 30, WHITE)


def _heated_bed(pen: _Pen, p: _Paint) -> None:
    _bed(pen, p)
    _waves(pen, 512, 330, 90, _hex("#E4735A"))


def _donut_bed(pen: _Pen, p: _Paint) -> None:
    for index in range(16):
        a = math.radians(index * 22.5)
        pen.circle((512 + 280 * math.cos(a), 500 + 230 * math.sin(a)), 75, p.main)
    pen.ellipse((220, 280, 804, 720), p.main)
    pen.ellipse((330, 370, 694, 630), p.dark)
    pen.ellipse((350, 400, 674, 640), p.light)
    for index in range(12):
        a = math.radians(index * 30 + 10)
        x, y = 512 + 230 * math.cos(a), 500 + 185 * math.sin(a)
        pen.arc((x - 30, y - 20, x + 30, y + 20), 200, 340, p.light, 6)


def _cat_tree(pen: _Pen, p: _Paint) -> None:
    rope = _hex("#D8BE8C")
    for x0, y0, y1 in ((330, 300, 780), (620, 430, 780), (470, 200, 460)):
        pen.rounded_rectangle((x0, y0, x0 + 70, y1), 10, rope)
        for y in range(int(y0) + 20, int(y1), 26):
            pen.line([(x0, y), (x0 + 70, y + 10)], _mix(rope, INK, 0.15), 5)
    pen.rounded_rectangle((250, 760, 780, 810), 20, p.dark)
    pen.rounded_rectangle((250, 420, 480, 470), 20, p.main)
    pen.rounded_rectangle((560, 560, 800, 610), 20, p.main)
    pen.rounded_rectangle((380, 180, 640, 230), 20, p.main)
    pen.rounded_rectangle((600, 250, 790, 330), 30, p.accent)  # a little house top
    pen.chord((400, 520, 600, 700), 0, 180, p.light)  # hammock
    pen.line([(400, 610), (400, 470)], p.dark, 8)
    pen.line([(600, 610), (600, 560)], p.dark, 8)
    pen.circle((290, 520), 22, p.accent)
    pen.line([(290, 470), (290, 500)], INK, 4)


def _scratcher(pen: _Pen, p: _Paint) -> None:
    """A cardboard lounge that dips in the middle, on a coloured base."""
    card = p.tint(_hex("#C89A64"), 0.15)
    top = [(200 + i * 20, 330 + 200 * (1 - ((i - 15.5) / 15.5) ** 2)) for i in range(32)]
    pen.polygon([*top, (820, 700), (200, 700)], card)
    for x, y in top[1::2]:
        pen.line([(x, y + 14), (x, 690)], _mix(card, INK, 0.18), 6)
    pen.line(top, _mix(card, WHITE, 0.35), 14)
    pen.rounded_rectangle((180, 660, 844, 790), 30, p.main)
    pen.rounded_rectangle((220, 700, 804, 722), 10, p.light)


def _window_perch(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((210, 170, 814, 700), 20, WHITE)
    pen.rounded_rectangle((240, 200, 784, 670), 6, GLASS)
    pen.line([(512, 200), (512, 670)], WHITE, 22)
    pen.line([(240, 435), (784, 435)], WHITE, 22)
    pen.polygon([(280, 230), (350, 230), (260, 330)], WHITE)
    for x in (310, 714):
        pen.circle((x, 500), 42, _mix(GLASS, INK, 0.15))
        pen.line([(x, 500), (x + (60 if x < 512 else -60), 640)], STEEL, 10)
    pen.chord((300, 520, 724, 780), 0, 180, p.main)
    pen.rounded_rectangle((300, 630, 724, 670), 20, p.dark)


def _plush(pen: _Pen, p: _Paint) -> None:
    fur, belly = p.main, p.light
    pen.ellipse((330, 460, 694, 800), fur)  # body
    pen.ellipse((420, 560, 604, 780), belly)
    for side in (-1, 1):
        pen.ellipse((512 + side * 200 - 60, 560, 512 + side * 200 + 60, 700), fur)  # arms
        pen.polygon([(512 + side * 150, 180), (512 + side * 60, 260), (512 + side * 210, 300)], fur)
        pen.polygon(
            [(512 + side * 145, 215), (512 + side * 90, 262), (512 + side * 180, 285)], PINK
        )
    pen.circle((512, 360), 170, fur)
    pen.ellipse((430, 380, 594, 500), belly)
    _eye(pen, 452, 340, 18)
    _eye(pen, 572, 340, 18)
    pen.ellipse((492, 400, 532, 430), INK)
    pen.line([(470, 230), (490, 270)], p.dark, 8)  # stitching
    pen.line([(554, 230), (534, 270)], p.dark, 8)


def _ball(pen: _Pen, p: _Paint) -> None:
    pen.ellipse((280, 730, 744, 790), _mix(p.dark, WHITE, 0.55))  # shadow
    pen.circle((512, 480), 270, p.main)
    pen.arc((140, 200, 460, 760), -60, 60, WHITE, 26)
    pen.arc((564, 200, 884, 760), 120, 240, WHITE, 26)
    pen.ellipse((350, 300, 450, 370), _mix(p.main, WHITE, 0.4))


def _willow_balls(pen: _Pen, p: _Paint) -> None:
    willow = p.tint(_hex("#B98A4E"), 0.2)
    for x, y, r in ((360, 600, 150), (640, 580, 170), (500, 330, 140)):
        pen.circle((x, y), r, _mix(willow, WHITE, 0.2))
        for k in range(3):
            pen.arc(
                (x - r + k * r * 0.3, y - r, x + r - k * r * 0.3, y + r),
                0,
                360,
                _mix(willow, INK, 0.3),
                7,
            )
            pen.arc(
                (x - r, y - r + k * r * 0.3, x + r, y + r - k * r * 0.3),
                0,
                360,
                _mix(willow, INK, 0.2),
                7,
            )
        pen.ring((x, y), r, p.main, 14)


def _wand(pen: _Pen, p: _Paint) -> None:
    pen.line([(250, 800), (650, 230)], p.main, 26)
    pen.rounded_rectangle((230, 740, 290, 820), 20, p.dark)
    pen.arc((560, 200, 780, 420), 180, 320, INK, 5)
    for index, angle in enumerate(range(-60, 70, 25)):
        a = math.radians(angle + 90)
        x, y = 720 + 150 * math.cos(a), 420 + 150 * math.sin(a)
        colour = (p.accent, p.light, _hex("#F3C64E"), p.main, p.accent, p.light)[index]
        pen.line([(720, 420), (x, y)], colour, 56)
        pen.line([(720, 420), (x, y)], _mix(colour, INK, 0.25), 5)


def _puzzle(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((210, 240, 814, 780), 60, p.main)
    pen.rounded_rectangle((240, 270, 784, 750), 40, p.light)
    for row in range(3):
        for column in range(3):
            x, y = 330 + column * 182, 350 + row * 160
            pen.circle((x, y), 58, p.dark)
            if (row + column) % 2:
                pen.rounded_rectangle((x - 70, y - 45, x + 30, y + 45), 20, p.accent)
            else:
                pen.circle((x, y), 20, _hex("#C0703C"))


def _hanging_toy(pen: _Pen, p: _Paint) -> None:
    pen.ring((512, 170), 40, STEEL, 14)
    for y in range(220, 330, 28):
        pen.ellipse((498, y, 526, y + 36), STEEL)
    colours = (p.main, p.accent, p.light, _hex("#F3C64E"), p.dark)
    for index, (y, w) in enumerate(((330, 160), (430, 110), (510, 190), (610, 130))):
        pen.rounded_rectangle((512 - w, y, 512 + w, y + 80), 18, colours[index])
    pen.line([(512, 330), (512, 700)], STRAW, 10)
    pen.circle((512, 740), 55, _hex("#E6B422"))
    pen.chord((457, 700, 567, 790), 0, 180, _mix(_hex("#E6B422"), INK, 0.2))


def _harness(pen: _Pen, p: _Paint) -> None:
    pen.oval((200, 300, 440, 660), p.main, 50)  # neck loop
    pen.oval((470, 230, 820, 730), p.main, 60)  # girth loop
    pen.oval((500, 260, 790, 700), _hex("#EDEFF2"), 10)  # reflective stitching
    pen.rounded_rectangle((320, 280, 620, 340), 20, p.dark)  # back strap
    pen.rounded_rectangle((320, 620, 620, 680), 20, p.dark)  # chest strap
    pen.ring((470, 240), 42, STEEL, 16)  # D-ring for the lead
    pen.rounded_rectangle((770, 440, 850, 530), 16, p.accent)  # buckle


def _lead(pen: _Pen, p: _Paint) -> None:
    """A retractable lead: the handle with its hand hole and spool, the cord and its clip."""
    pen.line([(600, 470), (680, 560), (730, 660), (770, 750)], p.accent, 12)
    pen.rounded_rectangle((740, 740, 800, 810), 20, STEEL)  # the clip
    pen.rounded_rectangle((480, 270, 580, 330), 20, p.accent)  # the brake button
    pen.ellipse((210, 290, 650, 630), p.main)
    pen.ellipse((260, 360, 420, 560), p.pale)  # the hand hole
    pen.circle((530, 460), 90, p.dark)
    pen.circle((530, 460), 34, p.light)


def _carrier(pen: _Pen, p: _Paint) -> None:
    pen.arc((320, 150, 704, 500), 180, 360, p.dark, 30)
    pen.rounded_rectangle((200, 300, 824, 780), 70, p.main)
    pen.rounded_rectangle((260, 360, 560, 720), 40, _mix(p.dark, INK, 0.3))
    for x in range(270, 560, 30):
        pen.line([(x, 360), (x, 720)], p.light, 4)
    for y in range(370, 720, 30):
        pen.line([(260, y), (560, y)], p.light, 4)
    pen.rounded_rectangle((600, 380, 780, 560), 30, p.light)
    pen.line([(220, 320), (804, 320)], p.accent, 8)  # the zip


def _crate(pen: _Pen, p: _Paint) -> None:
    wire = _mix(STEEL, INK, 0.3)
    pen.rounded_rectangle((200, 280, 824, 770), 16, _mix(p.pale, WHITE, 0.3))
    for x in range(200, 830, 44):
        pen.line([(x, 280), (x, 770)], wire, 8)
    for y in (280, 430, 600, 770):
        pen.line([(200, y), (824, y)], wire, 12)
    pen.rounded_rectangle((560, 330, 780, 720), 10, None, wire, 14)  # the door
    pen.rounded_rectangle((735, 480, 775, 560), 10, p.accent)
    pen.rounded_rectangle((180, 740, 844, 800), 20, p.main)  # the tray
    pen.rounded_rectangle((440, 220, 584, 260), 20, p.dark)  # handle


def _brush(pen: _Pen, p: _Paint) -> None:
    pen.line([(290, 760), (520, 470)], p.dark, 70)
    pen.rounded_rectangle((400, 200, 820, 480), 80, p.main)
    pen.rounded_rectangle((430, 230, 790, 450), 60, p.light)
    for row in range(5):
        for column in range(8):
            pen.circle((460 + column * 44 + (row % 2) * 18, 255 + row * 44), 9, STEEL)


def _mat(pen: _Pen, p: _Paint, motif: str = "") -> None:
    pen.polygon([(300, 330), (820, 330), (724, 760), (204, 760)], p.dark)
    pen.polygon([(300, 310), (820, 310), (724, 740), (204, 740)], p.main)
    for t in (0.25, 0.5, 0.75):
        pen.line([(300 + 520 * t, 310), (204 + 520 * t, 740)], p.light, 6)
        pen.line([(300 - 96 * t, 310 + 430 * t), (820 - 96 * t, 310 + 430 * t)], p.light, 6)
    if motif == "cool":
        pen.circle((512, 525), 95, p.pale)
        _snowflake(pen, 512, 525, 70, _hex("#3E8FD0"))
    elif motif == "warm":
        pen.circle((512, 525), 95, p.pale)
        _waves(pen, 512, 525, 60, _hex("#E4735A"))


def _cooling_mat(pen: _Pen, p: _Paint) -> None:
    _mat(pen, p, "cool")


def _heated_mat(pen: _Pen, p: _Paint) -> None:
    _mat(pen, p, "warm")


def _plain_mat(pen: _Pen, p: _Paint) -> None:
    _mat(pen, p)


def _plate(pen: _Pen, p: _Paint) -> None:
    pen.polygon([(300, 350), (800, 350), (724, 760), (224, 760)], p.main)
    pen.polygon([(320, 330), (820, 330), (744, 720), (244, 720)], STEEL)
    for index in range(6):
        y = 380 + index * 60
        pen.line([(320 - index * 11, y), (790 - index * 11, y)], _mix(STEEL, WHITE, 0.5), 10)
    pen.circle((530, 525), 90, p.pale)
    _snowflake(pen, 530, 525, 65, p.dark)


def _vest(pen: _Pen, p: _Paint) -> None:
    body = [
        (330, 220), (420, 220), (440, 270), (512, 300), (584, 270), (604, 220), (694, 220),
        (700, 330), (744, 420), (744, 800), (280, 800), (280, 420), (324, 330),
    ]  # fmt: skip
    pen.polygon(body, p.main)
    for row in range(6):
        for column in range(8):
            pen.circle((325 + column * 54 + (row % 2) * 27, 440 + row * 52), 10, p.light)
    pen.rounded_rectangle((280, 700, 744, 740), 0, _hex("#EDEFF2"))  # reflective trim
    pen.rounded_rectangle((280, 760, 744, 800), 0, p.dark)


def _sweater(pen: _Pen, p: _Paint) -> None:
    body = [
        (400, 210), (450, 210), (480, 250), (512, 260), (544, 250), (574, 210), (624, 210),
        (810, 300), (880, 580), (770, 610), (730, 430), (730, 800), (294, 800), (294, 430),
        (254, 610), (144, 580), (214, 300),
    ]  # fmt: skip
    pen.polygon(body, p.main)
    for y in range(340, 760, 70):
        pen.line([(310 + x * 34, y + (20 if x % 2 else 0)) for x in range(13)], p.light, 12)
    pen.rounded_rectangle((294, 760, 730, 810), 10, p.dark)  # ribbed hem and cuffs
    pen.polygon([(144, 580), (254, 610), (246, 650), (134, 622)], p.dark)
    pen.polygon([(880, 580), (770, 610), (778, 650), (890, 622)], p.dark)
    pen.polygon([(450, 210), (480, 250), (512, 260), (544, 250), (574, 210), (512, 232)], p.accent)


def _raincoat(pen: _Pen, p: _Paint) -> None:
    for x, y in ((760, 200), (840, 280), (200, 240), (860, 420), (170, 420)):
        pen.polygon([(x, y - 40), (x - 17, y), (x + 17, y)], _hex("#7DB9D6"))
        pen.circle((x, y + 4), 17, _hex("#7DB9D6"))
    pen.polygon([(330, 330), (230, 560), (300, 590), (360, 460)], p.dark)  # sleeves
    pen.polygon([(694, 330), (794, 560), (724, 590), (664, 460)], p.dark)
    pen.polygon([(352, 300), (672, 300), (760, 800), (264, 800)], p.main)
    pen.ellipse((392, 150, 632, 370), p.main)  # the hood
    pen.ellipse((432, 200, 592, 340), _mix(p.dark, INK, 0.3))
    pen.polygon([(264, 740), (760, 740), (770, 790), (254, 790)], _hex("#F3E07A"))  # trim
    for y in (420, 520, 620):
        pen.circle((512, y), 20, p.accent)


def _boots(pen: _Pen, p: _Paint) -> None:
    for x0, shade in ((210, p.dark), (490, p.main)):
        pen.rounded_rectangle((x0, 240, x0 + 180, 720), 50, shade)
        pen.rounded_rectangle((x0, 600, x0 + 300, 760), 70, shade)
        pen.rounded_rectangle((x0 - 10, 730, x0 + 310, 790), 25, _mix(shade, INK, 0.4))  # sole
        pen.rounded_rectangle((x0 - 10, 380, x0 + 190, 430), 16, p.accent)  # strap
        pen.rounded_rectangle((x0, 220, x0 + 180, 270), 20, p.light)


def _towel(pen: _Pen, p: _Paint) -> None:
    """A striped towel folded over a rail, its fringed end hanging lower at the back."""
    pen.rounded_rectangle((300, 280, 724, 760), 16, p.dark)
    for x in range(312, 720, 24):
        pen.line([(x, 755), (x, 795)], p.dark, 8)  # the fringe
    pen.rounded_rectangle((300, 280, 724, 650), 16, p.main)
    pen.rounded_rectangle((300, 540, 724, 572), 0, p.light)
    pen.rounded_rectangle((300, 590, 724, 606), 0, p.accent)
    pen.rounded_rectangle((190, 250, 834, 290), 20, STEEL)  # the rail
    for x in (190, 834):
        pen.circle((x, 270), 34, _mix(STEEL, INK, 0.25))


def _heater(pen: _Pen, p: _Paint) -> None:
    """An aquarium heater: a glass tube with a glowing coil, a dial cap and suction cups."""
    pen.rounded_rectangle((432, 260, 592, 810), 80, GLASS)
    pen.rounded_rectangle((460, 300, 500, 780), 20, _mix(GLASS, WHITE, 0.6))
    for y in range(420, 760, 40):
        pen.line([(480, y), (560, y + 20)], _hex("#F08A24"), 12)
    pen.rounded_rectangle((402, 170, 622, 330), 40, p.main)
    pen.circle((512, 250), 48, p.accent)
    pen.line([(512, 250), (532, 214)], WHITE, 10)
    for y in (470, 690):
        pen.circle((390, y), 40, _mix(GLASS, INK, 0.15))
        pen.line([(390, y), (432, y)], _mix(GLASS, INK, 0.15), 12)
    _waves(pen, 710, 560, 80, _hex("#E4735A"))


def _tank(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((180, 260, 844, 760), 20, _hex("#9ED3E6"))
    pen.rounded_rectangle((180, 260, 844, 330), 10, _hex("#C5E6F1"))
    pen.rounded_rectangle((180, 680, 844, 760), 10, _hex("#D9C29A"))
    for x, h in ((260, 320), (300, 240), (760, 280)):
        pen.line([(x, 700), (x + 20, 700 - h * 0.5), (x - 10, 700 - h)], _hex("#4E9A4A"), 24)
    _fish_shape(pen, 540, 480, 110, p.main, p.accent)
    pen.polygon([(500, 440), (560, 300), (620, 430)], p.dark)  # a betta's tall fin
    for x, y, r in ((660, 360, 18), (690, 310, 13)):
        pen.ring((x, y), r, WHITE, 5)
    pen.rounded_rectangle((160, 220, 864, 270), 16, p.dark)  # lid
    pen.rounded_rectangle((200, 760, 824, 800), 10, p.dark)  # stand


def _tub(pen: _Pen, p: _Paint) -> None:
    _cylinder(pen, (270, 330, 754, 790), p.main, p.dark, 110)
    pen.ellipse((270, 250, 754, 360), p.accent)  # lid
    pen.rounded_rectangle((270, 300, 754, 330), 0, p.accent)
    pen.ellipse((270, 225, 754, 335), _mix(p.accent, WHITE, 0.2))
    pen.rounded_rectangle((290, 480, 734, 680), 30, p.pale)
    _fish_shape(pen, 530, 580, 70, _hex("#F28A3B"), _hex("#E0662A"))
    for x, y in ((360, 520), (370, 630), (680, 520), (690, 640)):
        pen.polygon([(x, y), (x + 26, y + 8), (x + 12, y + 26)], _hex("#D8624A"))


def _tin(pen: _Pen, p: _Paint) -> None:
    _cylinder(pen, (200, 420, 824, 740), STEEL, p.main, 220)
    pen.rounded_rectangle((200, 520, 824, 560), 0, p.dark)
    _paw(pen, 512, 535, 90, p.pale)


def _pump(pen: _Pen, p: _Paint) -> None:
    pen.line([(660, 460), (760, 380), (800, 300), (780, 200)], _hex("#7DB9D6"), 14)
    pen.rounded_rectangle((200, 430, 680, 760), 80, p.main)
    pen.rounded_rectangle((240, 470, 640, 540), 30, p.light)
    pen.circle((440, 650), 50, p.accent)
    for index in range(6):
        pen.circle((260 + index * 30, 720), 10, p.dark)
    for x, y, r in ((790, 160, 22), (760, 110, 16), (800, 70, 12)):
        pen.ring((x, y), r, _hex("#3E8FD0"), 6)


def _perches(pen: _Pen, p: _Paint) -> None:
    wood = p.tint(WOOD, 0.12)
    for index, y in enumerate((300, 490, 680)):
        pen.line(
            [(220 + index * 20, y), (800 - index * 20, y - 20)], _mix(wood, INK, 0.1 * index), 60
        )
        pen.line([(450, y - 8), (520, y - 70)], wood, 26)  # a twig
        pen.circle((760 - index * 20, y - 18), 36, p.main)  # the wing nut
        pen.circle((330, y + 2), 10, _mix(wood, INK, 0.35))


def _cage(pen: _Pen, p: _Paint) -> None:
    wire = _mix(p.dark, WHITE, 0.1)
    pen.ellipse((250, 200, 774, 500), _mix(p.pale, WHITE, 0.5))
    pen.rounded_rectangle((250, 350, 774, 720), 0, _mix(p.pale, WHITE, 0.5))
    pen.arc((250, 200, 774, 500), 180, 360, wire, 10)
    for x in range(250, 780, 48):
        pen.line([(x, 350), (x, 720)], wire, 7)
    for index in range(1, 6):
        pen.line([(512, 200), (250 + index * 87, 350)], wire, 7)
    pen.ring((512, 175), 30, wire, 10)
    pen.arc((420, 440, 604, 620), 0, 180, p.accent, 10)  # swing
    pen.rounded_rectangle((230, 700, 794, 790), 20, p.main)


def _bird_bath(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((230, 380, 794, 740), 60, _mix(GLASS, WHITE, 0.2))
    pen.rounded_rectangle((250, 520, 774, 720), 50, _hex("#9ED3E6"))
    pen.rounded_rectangle((210, 360, 814, 420), 30, p.main)
    pen.circle((512, 270), 110, p.dark)
    pen.circle((512, 270), 86, _hex("#E3EEF6"))
    pen.line([(470, 230), (540, 300)], WHITE, 12)
    for x, y, r in ((340, 560, 18), (660, 600, 22)):
        pen.ring((x, y), r, WHITE, 6)


def _hutch(pen: _Pen, p: _Paint) -> None:
    wood = p.tint(WOOD, 0.15)
    pen.rounded_rectangle((220, 330, 804, 760), 10, wood)
    pen.polygon([(180, 350), (512, 150), (844, 350)], p.main)
    pen.rounded_rectangle((250, 380, 500, 530), 10, _mix(wood, WHITE, 0.5))
    for x in range(262, 500, 30):
        pen.line([(x, 380), (x, 530)], STEEL, 5)
    pen.rounded_rectangle((560, 380, 770, 530), 10, p.dark)
    pen.line([(220, 550), (804, 550)], _mix(wood, INK, 0.3), 14)
    pen.rounded_rectangle((250, 580, 770, 730), 10, _mix(wood, WHITE, 0.5))
    for x in range(262, 770, 30):
        pen.line([(x, 580), (x, 730)], STEEL, 5)
    pen.rounded_rectangle((210, 760, 814, 800), 10, p.dark)


def _wheel(pen: _Pen, p: _Paint) -> None:
    pen.polygon([(512, 480), (330, 790), (390, 790)], p.dark)  # stand
    pen.polygon([(512, 480), (694, 790), (634, 790)], p.dark)
    pen.rounded_rectangle((290, 770, 734, 810), 20, p.dark)
    pen.circle((512, 460), 300, p.main)
    pen.circle((512, 460), 250, p.pale)
    for angle in range(0, 360, 45):
        a = math.radians(angle)
        pen.line([(512, 460), (512 + 250 * math.cos(a), 460 + 250 * math.sin(a))], p.light, 14)
    pen.circle((512, 460), 50, p.accent)


def _hay(pen: _Pen, p: _Paint) -> None:
    hay = p.tint(STRAW, 0.1)
    pen.rounded_rectangle((200, 300, 824, 760), 60, hay)
    for index in range(40):
        x = 220 + (index * 151) % 590
        y = 320 + (index * 97) % 420
        pen.line([(x, y), (x + 40, y + (14 if index % 2 else -14))], _mix(hay, INK, 0.2), 5)
    for x in (350, 674):
        pen.rounded_rectangle((x - 22, 290, x + 22, 770), 12, p.main)
    for x, y in ((190, 400), (835, 600), (300, 770)):
        pen.line([(x, y), (x + 60, y - 30)], hay, 8)


def _snuggle_pouch(pen: _Pen, p: _Paint) -> None:
    pen.ellipse((200, 260, 824, 800), p.main)
    pen.ellipse((290, 260, 734, 560), p.light)  # fleece lining at the opening
    pen.ellipse((340, 330, 684, 560), _mix(p.dark, INK, 0.3))
    pen.circle((430, 520), 80, _hex("#E8B98A"))  # a hamster peeking out
    pen.circle((594, 520), 80, _hex("#E8B98A"))
    pen.rounded_rectangle((430, 460, 594, 600), 60, _hex("#E8B98A"))
    _eye(pen, 470, 510, 14)
    _eye(pen, 554, 510, 14)
    pen.circle((512, 545), 12, _hex("#E58A9A"))
    pen.chord((200, 560, 824, 800), 0, 180, p.dark)
    pen.line([(300, 620), (724, 620)], p.accent, 8)


def _gift(pen: _Pen, p: _Paint) -> None:
    pen.rounded_rectangle((250, 380, 774, 780), 20, p.main)
    pen.rounded_rectangle((220, 300, 804, 400), 20, p.dark)
    pen.rounded_rectangle((472, 300, 552, 780), 0, p.accent)
    pen.ellipse((380, 200, 512, 310), p.accent)
    pen.ellipse((512, 200, 644, 310), p.accent)


@dataclass(frozen=True)
class _Kind:
    draw: Callable[[_Pen, _Paint], None]
    description: str  # for alt text: "{a_colour}" becomes e.g. "a teal", "{colour}" just "teal"


KINDS: dict[str, _Kind] = {
    "food_bag": _Kind(_food_bag, "{a_colour} food bag with a paw print"),
    "seed_bag": _Kind(_seed_bag, "{a_colour} bag of seed"),
    "pellet_bag": _Kind(_pellet_bag, "{a_colour} bag of pellets with a carrot"),
    "can": _Kind(_can, "two {colour} food cans with a fish on the label"),
    "pouch": _Kind(_pouch, "two {colour} food pouches with a fish on them"),
    "tray": _Kind(_tray, "a stack of {colour} food trays, the top one open"),
    "jerky": _Kind(_jerky, "jerky strips tied with {a_colour} band"),
    "dental_chew": _Kind(_dental_chew, "three ridged dental chew sticks in shades of {colour}"),
    "sweet_potato": _Kind(_sweet_potato, "sweet potato chews in {a_colour} bowl"),
    "fruit_chews": _Kind(_fruit_chews, "dried apple and papaya in {a_colour} bowl"),
    "millet": _Kind(_millet, "millet sprays tied with {a_colour} ribbon"),
    "jar": _Kind(_jar, "a jar of fish flakes with {a_colour} lid"),
    "tubes": _Kind(_tubes, "a fan of {colour} lickable treat tubes"),
    "toothpaste": _Kind(_toothpaste, "{a_colour} toothpaste tube and a toothbrush"),
    "bed": _Kind(_bed, "{a_colour} cushioned pet bed"),
    "heated_bed": _Kind(_heated_bed, "{a_colour} cushioned pet bed with heat waves"),
    "donut_bed": _Kind(_donut_bed, "{a_colour} round, fluffy donut bed"),
    "cat_tree": _Kind(_cat_tree, "a cat tree with {colour} platforms and a hammock"),
    "scratcher": _Kind(_scratcher, "a curved cardboard scratcher on {a_colour} base"),
    "window_perch": _Kind(_window_perch, "{a_colour} perch hanging on a window"),
    "bone": _Kind(_bone, "{a_colour} chew bone"),
    "plush": _Kind(_plush, "{a_colour} plush dog toy"),
    "ball": _Kind(_ball, "{a_colour} ball"),
    "willow_balls": _Kind(_willow_balls, "three woven willow balls with {colour} rims"),
    "wand": _Kind(_wand, "{a_colour} teaser wand with feathers"),
    "puzzle": _Kind(_puzzle, "{a_colour} treat puzzle board"),
    "hanging_toy": _Kind(_hanging_toy, "a hanging bird toy with {colour} blocks and a bell"),
    "harness": _Kind(_harness, "{a_colour} dog harness with a buckle"),
    "lead": _Kind(_lead, "{a_colour} retractable lead"),
    "carrier": _Kind(_carrier, "{a_colour} soft pet carrier with a mesh window"),
    "crate": _Kind(_crate, "a wire crate with {a_colour} tray"),
    "brush": _Kind(_brush, "{a_colour} grooming brush"),
    "litter_bag": _Kind(_litter_bag, "{a_colour} bag of cat litter"),
    "bedding_bag": _Kind(_bedding_bag, "{a_colour} bag of bedding with a leaf"),
    "cooling_mat": _Kind(_cooling_mat, "{a_colour} quilted mat with a snowflake"),
    "heated_mat": _Kind(_heated_mat, "{a_colour} quilted mat with heat waves"),
    "mat": _Kind(_plain_mat, "{a_colour} quilted mat"),
    "plate": _Kind(_plate, "a metal cooling plate on {a_colour} base"),
    "vest": _Kind(_vest, "{a_colour} mesh dog vest with a reflective stripe"),
    "sweater": _Kind(_sweater, "{a_colour} knitted sweater"),
    "raincoat": _Kind(_raincoat, "{a_colour} hooded raincoat with raindrops"),
    "boots": _Kind(_boots, "a pair of {colour} dog boots"),
    "towel": _Kind(_towel, "{a_colour} striped towel hanging on a rail"),
    "heater": _Kind(_heater, "an aquarium heater with {a_colour} cap"),
    "tank": _Kind(_tank, "an aquarium with {a_colour} fish and plants"),
    "tub": _Kind(_tub, "{a_colour} tub of fish food"),
    "tin": _Kind(_tin, "a round tin of balm with {a_colour} lid"),
    "pump": _Kind(_pump, "{a_colour} aquarium air pump blowing bubbles"),
    "perches": _Kind(_perches, "three wooden bird perches with {colour} nuts"),
    "cage": _Kind(_cage, "a bird cage with {a_colour} base"),
    "bird_bath": _Kind(_bird_bath, "a bird bath with a mirror and {a_colour} rim"),
    "hutch": _Kind(_hutch, "a two-storey wooden hutch with {a_colour} roof"),
    "wheel": _Kind(_wheel, "{a_colour} exercise wheel"),
    "hay": _Kind(_hay, "a bale of hay tied with {colour} string"),
    "snuggle_pouch": _Kind(_snuggle_pouch, "{a_colour} fleece pouch with a hamster peeking out"),
    "generic": _Kind(_gift, "{a_colour} gift box"),
}

# Name keywords, in order: the first one found as whole words in the name wins, so the more
# specific ones come first ("window perch" before "perch", "snuggle" before "pouch").
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("window perch", "window_perch"),
    ("snuggle", "snuggle_pouch"),
    ("heater", "heater"),
    ("air pump", "pump"),
    ("aquarium kit", "tank"),
    ("tank", "tank"),
    ("fish flakes", "tub"),
    ("sinking pellets", "tub"),
    ("bonito flakes", "jar"),
    ("bedding", "bedding_bag"),
    ("litter", "litter_bag"),
    ("puzzle", "puzzle"),
    ("toothpaste", "toothpaste"),
    ("vest", "vest"),
    ("sweater", "sweater"),
    ("raincoat", "raincoat"),
    ("boots", "boots"),
    ("towel", "towel"),
    ("cooling plate", "plate"),
    ("cooling mat", "cooling_mat"),
    ("cool-touch", "cooling_mat"),
    ("thermal", "heated_mat"),
    ("self-heating", "heated_mat"),
    ("mat", "mat"),
    ("donut", "donut_bed"),
    ("heated", "heated_bed"),
    ("bed", "bed"),
    ("cat tree", "cat_tree"),
    ("scratcher", "scratcher"),
    ("hutch", "hutch"),
    ("wheel", "wheel"),
    ("hay", "hay"),
    ("perch", "perches"),
    ("cage", "cage"),
    ("bath", "bird_bath"),
    ("foraging", "hanging_toy"),
    ("harness", "harness"),
    ("collar", "harness"),
    ("lead", "lead"),
    ("carrier", "carrier"),
    ("crate", "crate"),
    ("balm", "tin"),
    ("brush", "brush"),
    ("feather", "wand"),
    ("wand", "wand"),
    ("plush", "plush"),
    ("willow", "willow_balls"),
    ("ball", "ball"),
    ("bone", "bone"),
    ("jerky", "jerky"),
    ("dental", "dental_chew"),
    ("sweet potato", "sweet_potato"),
    ("papaya", "fruit_chews"),
    ("millet spray", "millet"),
    ("tubes", "tubes"),
    ("pouches", "pouch"),
    ("pouch", "pouch"),
    ("trays", "tray"),
    ("cans", "can"),
    ("seed", "seed_bag"),
    ("pellets", "pellet_bag"),
    ("food", "food_bag"),
)
# When no keyword matches: the category's name, then its theme (department or season).
FALLBACKS: dict[str, str] = {
    "dry food": "food_bag",
    "wet food": "can",
    "treats": "bone",
    "beds": "bed",
    "cat trees & scratchers": "cat_tree",
    "chew & fetch toys": "ball",
    "puzzle & play": "puzzle",
    "collars & leads": "lead",
    "carriers & crates": "carrier",
    "grooming": "brush",
    "hygiene & litter": "litter_bag",
    "summer cooling": "cooling_mat",
    "winter warmth": "heated_mat",
    "rainy season": "raincoat",
    "aquarium": "tank",
    "bird care": "perches",
    "hutches & habitats": "hutch",
    "hay & bedding": "hay",
    "food": "food_bag",
    "beds-furniture": "bed",
    "toys": "ball",
    "walking-travel": "lead",
    "care-grooming": "brush",
    "aquarium-bird": "tank",
    "small-pets": "hutch",
    "summer": "cooling_mat",
    "winter": "heated_mat",
    "rainy": "raincoat",
}
_KEYWORD_PATTERNS = tuple(
    (re.compile(r"(?<![a-z])" + re.escape(keyword) + r"(?![a-z])"), kind)
    for keyword, kind in KEYWORDS
)

# The pet badge in the corner: who the product is for.
BADGES: dict[str, str] = {
    "dog": "dog",
    "cat": "cat",
    "small_pet": "rabbit",
    "bird": "budgie",
    "fish": "goldfish",
}


def product_kind(*, name: str, label: str = "", theme: str = "") -> str:
    """Which object a product's pictures show: from its name, else its category or theme."""
    text = name.lower()
    for pattern, kind in _KEYWORD_PATTERNS:
        if pattern.search(text):
            return kind
    return FALLBACKS.get(label.lower()) or FALLBACKS.get(theme, "generic")


def _describe(kind: str, paint: _Paint) -> str:
    article = "an" if paint.name[0] in "aeiou" else "a"
    return KINDS[kind].description.format(colour=paint.name, a_colour=f"{article} {paint.name}")


def _badge(pen: _Pen, pet_type: str, ring: Colour) -> None:
    pen.circle((870, 870), 112, ring)
    pen.circle((870, 870), 100, WHITE)
    PETS[pet_type].draw(pen, 870, 878, 70)


def product_picture(*, name: str, pet_type: str, label: str, theme: str) -> Picture:
    """The main picture: the product's object, large and in its own colours, on the
    department's background, with a small badge for the pet. No text: the name is on the page.
    """
    colours = THEMES.get(theme, DEFAULT_THEME)
    background = colours.background
    kind = product_kind(name=name, label=label, theme=theme)
    paint = _paint(name)
    image = Image.new("RGB", (SIZE * _SCALE, SIZE * _SCALE), background)
    pen = _Pen(image)
    pen.circle((SIZE / 2, 500), 400, _mix(background, WHITE, 0.55))
    KINDS[kind].draw(pen, paint)
    _badge(pen, pet_type, _mix(background, INK, 0.12))
    alt = (
        f"Illustration of {_describe(kind, paint)}, on a {colours.name} background, "
        f"with a small {BADGES[pet_type]} badge."
    )
    return Picture(_png(image), alt)


def detail_picture(*, name: str, pet_type: str, label: str) -> Picture:
    """A second picture: the same object on a white card over paw prints in its colour."""
    kind = product_kind(name=name, label=label)
    paint = _paint(name)
    background = paint.light
    image = Image.new("RGB", (SIZE * _SCALE, SIZE * _SCALE), background)
    pen = _Pen(image)
    for row in range(6):
        for column in range(6):
            x = 85 + column * 171 + (85 if row % 2 else 0)
            _paw(pen, x, 90 + row * 171, 34, _mix(background, WHITE, 0.3))
    pen.rounded_rectangle((110, 110, 914, 914), 64, _hex("#FFFDF9"))
    KINDS[kind].draw(pen, paint)
    _badge(pen, pet_type, paint.pale)
    alt = (
        f"Illustration of {_describe(kind, paint)}, on a white card over a pattern of paw "
        f"prints, with a small {BADGES[pet_type]} badge."
    )
    return Picture(_png(image), alt)


BANNER_WIDTH, BANNER_HEIGHT = 1600, 640


def banner_picture(*, pet_type: str, background: str, mood: str) -> Picture:
    """A wide hero picture: the pet large on the right, paw prints drifting across, no text
    (the headline is real text on the page, so it stays translatable and accessible)."""
    pet = PETS[pet_type]
    colour = _hex(background)
    image = Image.new("RGB", (BANNER_WIDTH * _SCALE, BANNER_HEIGHT * _SCALE), colour)
    pen = _Pen(image)
    for index in range(9):
        x = 80 + index * 150
        y = 540 - (index % 3) * 140 - index * 12
        _paw(pen, x, y, 30, _mix(colour, WHITE, 0.35))
    pen.circle((1210, 330), 270, _mix(colour, WHITE, 0.6))
    pet.draw(pen, 1210, 335, 205)
    buffer = io.BytesIO()
    image.resize((BANNER_WIDTH, BANNER_HEIGHT), Image.Resampling.LANCZOS).save(buffer, "PNG")
    alt = f"Illustration of {pet.description} on a {mood} background with paw prints."
    return Picture(buffer.getvalue(), alt)
