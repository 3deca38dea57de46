"""When the support team answers: shifts, public holidays and closed days, and the promise a
shopper gets ("Ken will answer by 10:00 your time tomorrow").

Fetch, then compute: `team_load()` reads the shifts and closures (two queries), `estimate()` is
a pure function of them and an explicit `now`.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache

import holidays
from django.conf import settings

from .models import Closure, Shift

SEARCH_DAYS = 21  # a promise further away than three weeks means the team has no shifts


@dataclass(frozen=True)
class Window:
    agent_id: int | None
    agent_name: str
    weekday: int
    starts: datetime.time
    ends: datetime.time


@dataclass(frozen=True)
class Team:
    zone: zoneinfo.ZoneInfo
    city: str
    windows: tuple[Window, ...]
    closed: frozenset[datetime.date]
    holiday_country: str

    def is_closed_day(self, day: datetime.date) -> bool:
        return day in self.closed or (
            bool(self.holiday_country) and day in _holidays(self.holiday_country, day.year)
        )


@dataclass(frozen=True)
class Estimate:
    open_now: bool
    agent_id: int | None
    agent_name: str
    answer_by: datetime.datetime


@cache
def _holidays(country: str, year: int) -> Collection[datetime.date]:
    # The holidays library knows each country's public holidays, substitutes included.
    return frozenset(holidays.country_holidays(country, years=year).keys())


def team_config() -> dict[str, str]:
    return settings.SHOP_SUPPORT_HOURS


def team_load(*, today: datetime.date | None = None) -> Team:
    """The team's shifts and closed days; without any shift, the published hours on weekdays."""
    config = team_config()
    zone = zoneinfo.ZoneInfo(config["time_zone"])
    windows = tuple(
        Window(
            agent_id=shift.agent_id,
            agent_name=shift.agent.first_name or shift.agent.get_short_name(),
            weekday=shift.weekday,
            starts=shift.starts,
            ends=shift.ends,
        )
        for shift in Shift.objects.select_related("agent").filter(agent__is_active=True)
    )
    if not windows:
        opens = datetime.time.fromisoformat(config["opens"])
        closes = datetime.time.fromisoformat(config["closes"])
        windows = tuple(Window(None, "", day, opens, closes) for day in range(5))
    closed = frozenset(Closure.objects.values_list("date", flat=True))
    return Team(
        zone=zone,
        city=config["city"],
        windows=windows,
        closed=closed,
        holiday_country=config.get("holidays", ""),
    )


def _windows_from(
    team: Team, now: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime, Window]]:
    """Every shift from now on (the current ones included), in order of start."""
    local_now = now.astimezone(team.zone)
    found = []
    for offset in range(SEARCH_DAYS):
        day = local_now.date() + datetime.timedelta(days=offset)
        if team.is_closed_day(day):
            continue
        for window in team.windows:
            if window.weekday != day.weekday():
                continue
            starts = datetime.datetime.combine(day, window.starts, tzinfo=team.zone)
            ends = datetime.datetime.combine(day, window.ends, tzinfo=team.zone)
            if ends > now:
                found.append((starts, ends, window))
    return sorted(found, key=lambda item: (item[0], item[2].agent_name))


def estimate(
    *,
    team: Team,
    now: datetime.datetime,
    preferred_agent_ids: Sequence[int] = (),
    response: datetime.timedelta | None = None,
) -> Estimate:
    """Who answers and by when. The agents who helped this customer before come first if one
    of them works within a day of the team's next shift; otherwise whoever is next on shift."""
    if response is None:
        response = datetime.timedelta(minutes=settings.SHOP_SUPPORT_RESPONSE_MINUTES)
    windows = _windows_from(team, now)
    if not windows:
        # No shift in three weeks: promise nothing precise, name no one.
        return Estimate(False, None, "", now + datetime.timedelta(days=SEARCH_DAYS))
    first_start = windows[0][0]
    open_now = first_start <= now
    chosen = windows[0]
    for agent_id in preferred_agent_ids:
        theirs = next((w for w in windows if w[2].agent_id == agent_id), None)
        if theirs is not None and theirs[0] <= max(first_start, now) + datetime.timedelta(days=1):
            chosen = theirs
            break
    starts, ends, window = chosen
    begin = max(starts, now)
    answer_by = min(begin + response, ends)
    return Estimate(
        open_now=open_now,
        agent_id=window.agent_id,
        agent_name=window.agent_name,
        answer_by=answer_by,
    )


def is_open(team: Team, now: datetime.datetime) -> bool:
    windows = _windows_from(team, now)
    return bool(windows) and windows[0][0] <= now
