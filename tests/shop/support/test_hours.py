"""Who answers and by when: shifts, Japanese public holidays, closed days, the previous agent."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import translation

from shop.support.hours import Team, Window, estimate
from shop.support.services import estimate_sentence

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NINE, SIX = datetime.time(9), datetime.time(18)


def team(*windows: Window, closed=(), holidays="JP") -> Team:
    return Team(
        zone=TOKYO,
        city="Tokyo",
        windows=windows,
        closed=frozenset(closed),
        holiday_country=holidays,
    )


def weekdays(agent_id: int, name: str, starts=NINE, ends=SIX) -> list[Window]:
    return [Window(agent_id, name, day, starts, ends) for day in range(5)]


def tokyo(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TOKYO)


# Monday 2026-11-30; Tuesday 2026-11-03 is Culture Day, a public holiday.


def test_a_question_at_night_is_promised_an_hour_into_the_next_shift():
    promise = estimate(team=team(*weekdays(1, "Ken")), now=tokyo(2026, 11, 30, 23, 10))
    assert not promise.open_now
    assert promise.agent_name == "Ken"
    assert promise.answer_by == tokyo(2026, 12, 1, 10, 0)


def test_a_public_holiday_is_skipped():
    # Monday 2 November at night: Tuesday is Culture Day, so Wednesday.
    promise = estimate(team=team(*weekdays(1, "Ken")), now=tokyo(2026, 11, 2, 20, 0))
    assert promise.answer_by == tokyo(2026, 11, 4, 10, 0)


def test_without_the_holiday_calendar_the_holiday_is_a_working_day():
    promise = estimate(team=team(*weekdays(1, "Ken"), holidays=""), now=tokyo(2026, 11, 2, 20, 0))
    assert promise.answer_by == tokyo(2026, 11, 3, 10, 0)


def test_a_closed_day_from_the_admin_is_skipped():
    closed = [datetime.date(2026, 12, 1)]
    promise = estimate(
        team=team(*weekdays(1, "Ken"), closed=closed), now=tokyo(2026, 11, 30, 23, 0)
    )
    assert promise.answer_by == tokyo(2026, 12, 2, 10, 0)


def test_friday_night_waits_for_monday():
    promise = estimate(team=team(*weekdays(1, "Ken")), now=tokyo(2026, 12, 4, 19, 0))
    assert promise.answer_by == tokyo(2026, 12, 7, 10, 0)


def test_during_a_shift_the_answer_is_due_within_the_hour():
    promise = estimate(team=team(*weekdays(1, "Ken")), now=tokyo(2026, 12, 1, 14, 20))
    assert promise.open_now
    assert promise.answer_by == tokyo(2026, 12, 1, 15, 20)


def test_the_promise_never_passes_the_end_of_the_shift():
    promise = estimate(team=team(*weekdays(1, "Ken")), now=tokyo(2026, 12, 1, 17, 40))
    assert promise.answer_by == tokyo(2026, 12, 1, 18, 0)


def test_the_agent_who_helped_before_answers_if_they_work_soon():
    windows = [*weekdays(1, "Ken"), *weekdays(2, "Aiko", starts=datetime.time(11))]
    promise = estimate(team=team(*windows), now=tokyo(2026, 11, 30, 23, 0), preferred_agent_ids=[2])
    assert promise.agent_name == "Aiko"
    assert promise.answer_by == tokyo(2026, 12, 1, 12, 0)


def test_the_next_on_shift_answers_when_the_previous_agent_is_away_for_long():
    aiko_saturdays = [Window(2, "Aiko", 5, NINE, SIX)]
    promise = estimate(
        team=team(*weekdays(1, "Ken"), *aiko_saturdays),
        now=tokyo(2026, 11, 30, 23, 0),
        preferred_agent_ids=[2],
    )
    assert promise.agent_name == "Ken"


def test_no_shift_at_all_names_no_one():
    promise = estimate(team=team(), now=tokyo(2026, 11, 30, 23, 0))
    assert promise.agent_name == ""
    assert not promise.open_now


def test_the_sentence_gives_both_clocks_when_the_shopper_is_elsewhere():
    now = tokyo(2026, 11, 30, 23, 10)
    the_team = team(*weekdays(1, "Ken"))
    sentence = estimate_sentence(
        promise=estimate(team=the_team, now=now), team=the_team, now=now, zone_name="Europe/London"
    )
    assert sentence == (
        "We're closed — it is 23:10 here in Tokyo and 14:10 where you are. "
        "Ken will answer by 01:00 your time tomorrow."
    )


def test_the_sentence_in_tokyo_gives_one_clock():
    now = tokyo(2026, 11, 30, 23, 10)
    the_team = team(*weekdays(1, "Ken"))
    sentence = estimate_sentence(
        promise=estimate(team=the_team, now=now), team=the_team, now=now, zone_name="Asia/Tokyo"
    )
    assert sentence == (
        "We're closed — it is 23:10 here in Tokyo. Ken will answer by 10:00 your time tomorrow."
    )


@pytest.mark.django_db
def test_the_sentence_in_japanese():
    now = tokyo(2026, 11, 30, 23, 10)
    the_team = team(*weekdays(1, "Ken"))
    with translation.override("ja"):
        sentence = estimate_sentence(
            promise=estimate(team=the_team, now=now), team=the_team, now=now, zone_name="Asia/Tokyo"
        )
    assert "23:10" in sentence and "10:00" in sentence
    assert "closed" not in sentence
