"""Product pictures for the demo catalogue, drawn with Pillow.

The demo shop needs pictures that look tidy, need no licence, no network and no font files: a
soft background per department, a simple pet drawing and the product's name. The output is
deterministic (the same product always gets the same picture), so demo data is reproducible.

ImageDraw does not anti-alias shapes, so everything is drawn at twice the final size and scaled
down; that is what keeps the edges smooth.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

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

    def polygon(self, points: Sequence[Point], fill: Colour) -> None:
        self.draw.polygon(self._points(points), fill=fill)

    def line(self, points: Sequence[Point], colour: Colour, width: float) -> None:
        self.draw.line(
            self._points(points), fill=colour, width=round(width * _SCALE), joint="curve"
        )

    def arc(self, box: Box, start: float, end: float, colour: Colour, width: float) -> None:
        self.draw.arc(self._box(box), start, end, fill=colour, width=round(width * _SCALE))

    def rounded_rectangle(self, box: Box, radius: float, fill: Colour) -> None:
        self.draw.rounded_rectangle(self._box(box), radius=radius * _SCALE, fill=fill)

    def text(self, centre: Point, text: str, size: int, colour: Colour) -> None:
        x, y = centre
        self.draw.text((x * _SCALE, y * _SCALE), text, font=_font(size), fill=colour, anchor="mm")


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: sizeable since Pillow 10.1, and no font file to ship or find.
    return ImageFont.load_default(size=size * _SCALE)


def _wrap(text: str, size: int, max_width: float) -> list[str]:
    font = _font(size)
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if not line or font.getlength(candidate) <= max_width * _SCALE:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _text_block(
    pen: _Pen,
    text: str,
    centre_y: float,
    max_width: float,
    sizes: Sequence[int],
    max_lines: int,
    colour: Colour,
) -> None:
    """Centred, wrapped text in the largest size that fits in `max_lines` lines."""
    for size in sizes:
        lines = _wrap(text, size, max_width)
        if len(lines) <= max_lines:
            break
    line_height = size * 1.22
    top = centre_y - line_height * (len(lines) - 1) / 2
    for index, line in enumerate(lines):
        pen.text((SIZE / 2, top + index * line_height), line, size, colour)


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
    colour: Colour  # main colour, tints the second picture


PETS: dict[str, _Pet] = {
    "dog": _Pet(_dog, "a smiling dog’s face", _hex("#C98F5E")),
    "cat": _Pet(_cat, "a grey tabby cat’s face", _hex("#8F94AE")),
    "small_pet": _Pet(_rabbit, "a rabbit’s face", _hex("#BFA58C")),
    "bird": _Pet(_bird, "a green budgie on a perch", _hex("#7CC46B")),
    "fish": _Pet(_fish, "an orange goldfish blowing bubbles", _hex("#F28A3B")),
}
PET_LABELS = {
    "dog": "For dogs",
    "cat": "For cats",
    "small_pet": "For small pets",
    "bird": "For birds",
    "fish": "For fish",
}


@dataclass(frozen=True)
class Picture:
    content: bytes  # PNG
    alt_text: str


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(buffer, "PNG")
    return buffer.getvalue()


def product_picture(*, name: str, pet_type: str, label: str, theme: str) -> Picture:
    """The main picture: the pet on a pale disc, the category above and the name below."""
    colours = THEMES.get(theme, DEFAULT_THEME)
    pet = PETS[pet_type]
    background = colours.background
    image = Image.new("RGB", (SIZE * _SCALE, SIZE * _SCALE), background)
    pen = _Pen(image)
    # A few faint paw prints, placed from the name so each product differs but never changes.
    spots = [(130, 200), (890, 170), (95, 560), (935, 540), (190, 720), (840, 730), (60, 330)]
    for x, y in random.Random(name).sample(spots, 4):
        _paw(pen, x, y, 46, _mix(background, INK, 0.07))
    pen.text((SIZE / 2, 92), label.upper(), 34, _mix(background, INK, 0.55))
    pen.circle((SIZE / 2, 425), 290, _mix(background, WHITE, 0.65))
    pet.draw(pen, SIZE / 2, 430, 215)
    _text_block(pen, name, 850, 880, (62, 54, 46), 3, INK)
    alt = (
        f"Illustration of {pet.description} on a {colours.name} background, "
        f"above the words “{name}”."
    )
    return Picture(_png(image), alt)


def detail_picture(*, name: str, pet_type: str, label: str) -> Picture:
    """A second picture: the pet on a white card over a pattern of paw prints."""
    pet = PETS[pet_type]
    background = _mix(pet.colour, WHITE, 0.55)
    image = Image.new("RGB", (SIZE * _SCALE, SIZE * _SCALE), background)
    pen = _Pen(image)
    for row in range(6):
        for column in range(6):
            x = 85 + column * 171 + (85 if row % 2 else 0)
            _paw(pen, x, 90 + row * 171, 34, _mix(background, WHITE, 0.3))
    pen.rounded_rectangle((120, 120, 904, 904), 64, _hex("#FFFDF9"))
    pen.circle((SIZE / 2, 400), 215, _mix(pet.colour, WHITE, 0.82))
    pet.draw(pen, SIZE / 2, 405, 165)
    _text_block(pen, label, 715, 700, (56, 48), 1, INK)
    pen.text((SIZE / 2, 795), PET_LABELS[pet_type], 38, _mix(pet.colour, INK, 0.45))
    alt = (
        f"Illustration of {pet.description} on a white card over a pattern of paw prints, "
        f"with the words “{label}” and “{PET_LABELS[pet_type]}”."
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
