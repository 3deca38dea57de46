"""`manage.py demo_clock --advance 3d`: play a demo order's journey without waiting days."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shop.journeys.clock import ClockOff, clock_advance, clock_reset

UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def duration(text: str) -> timedelta:
    """ "3d", "12h", "90m" or a sum of them ("1d12h")."""
    parts = re.findall(r"(\d+)([mhd])", text.strip().lower())
    if not parts or "".join(n + u for n, u in parts) != text.strip().lower():
        raise ValueError(text)
    return sum((timedelta(**{UNITS[unit]: int(n)}) for n, unit in parts), timedelta())


class Command(BaseCommand):
    help = (
        "Move the demo clock ahead (e.g. --advance 3d): recent orders move along their "
        "timeline and due journey steps are sent, in the customer's daytime only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--advance", default="0m", help="How far: 90m, 12h, 3d, 1d12h.")
        parser.add_argument("--reset", action="store_true", help="Back to the real time.")

    def handle(self, *args: Any, advance: str = "0m", reset: bool = False, **options: Any):
        if reset:
            clock_reset()
            self.stdout.write("The demo clock shows the real time again.")
            return
        try:
            by = duration(advance)
        except ValueError:
            raise CommandError(
                f"Not a duration: {advance!r}. Write e.g. 90m, 12h, 3d or 1d12h."
            ) from None
        try:
            report = clock_advance(by=by)
        except ClockOff:
            raise CommandError(
                "The demo clock is off (JOURNEYS_DEMO_CLOCK): it rewrites order timelines, "
                "so only demo and laptop set-ups have it."
            ) from None
        self.stdout.write(f"Demo clock: {report.now:%Y-%m-%d %H:%M} UTC")
        for note in report.moved:
            self.stdout.write(f"  order {note}")
        sweep = report.sweep
        self.stdout.write(
            f"Journeys: {sweep.started} started, {sweep.scheduled} steps due, "
            f"{sweep.delivered} messages delivered, {sweep.deferred} deferred "
            f"(night or frequency cap), {sweep.emailed} e-mails sent."
        )
