"""What personalization adds: visitors who see it against the holdout who see the defaults.

The holdout is measured like an experiment: the rows of the experiment keyed
`personalization-holdout`, whose control arm `holdout` holds the visitors `in_holdout()` puts
there and whose arm `personalized` holds everyone else with analytics consent. Week by week
(by each visitor's first exposure), and over the whole period, the report compares conversion
and revenue per visitor of the personalized visitors with the holdout's, with the same
intervals and tests as any experiment (stats.py). Two GROUP BY queries, whatever the visitors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import TruncWeek

from ..conf import app_settings
from . import stats
from .assignment import HOLDOUT_ARM, HOLDOUT_KEY, PERSONALIZED_ARM
from .models import Experiment, Metric
from .reports import AGGREGATES, METRICS, enrolled, totals_add, totals_empty
from .stats import Comparison

__all__ = ["HOLDOUT_ARM", "HOLDOUT_KEY", "PERSONALIZED_ARM", "HoldoutReport", "holdout_report"]


@dataclass(frozen=True)
class HoldoutRow:
    label: str  # the week's first day, or the whole period
    week: datetime.date | None
    holdout: dict[str, Any]
    personalized: dict[str, Any]
    conversion: Comparison
    revenue: Comparison

    @property
    def holdout_rate(self) -> float:
        return METRICS[Metric.CONVERSION].sample(self.holdout).mean

    @property
    def personalized_rate(self) -> float:
        return METRICS[Metric.CONVERSION].sample(self.personalized).mean

    @property
    def holdout_rpv(self) -> float:
        return METRICS[Metric.REVENUE].sample(self.holdout).mean

    @property
    def personalized_rpv(self) -> float:
        return METRICS[Metric.REVENUE].sample(self.personalized).mean


@dataclass(frozen=True)
class HoldoutReport:
    measured: bool  # whether the holdout experiment exists at all
    percent: float  # PERSONALIZATION_HOLDOUT_PERCENT
    weeks: list[HoldoutRow]
    overall: HoldoutRow | None
    prior: str


def _row(label: str, week, holdout: dict[str, Any], personalized: dict[str, Any]) -> HoldoutRow:
    conversion, revenue = METRICS[Metric.CONVERSION], METRICS[Metric.REVENUE]
    return HoldoutRow(
        label=label,
        week=week,
        holdout=holdout,
        personalized=personalized,
        conversion=stats.compare(conversion.sample(holdout), conversion.sample(personalized)),
        revenue=stats.compare(revenue.sample(holdout), revenue.sample(personalized)),
    )


def holdout_report() -> HoldoutReport:
    """The holdout against the personalized visitors, per week and over the whole period."""
    from django.utils.translation import gettext

    percent = float(app_settings.HOLDOUT_PERCENT or 0)
    prior = gettext(stats.PRIOR_IN_WORDS)
    experiment = Experiment.objects.filter(key=HOLDOUT_KEY).first()
    if experiment is None:
        return HoldoutReport(False, percent, [], None, prior)
    rows = (
        enrolled(experiment)
        .annotate(week=TruncWeek("first_exposure_at"))
        .values("arm__key", "week")
        .annotate(**AGGREGATES)
        .order_by()
    )
    weeks: dict[datetime.date, dict[str, dict[str, Any]]] = {}
    overall = {HOLDOUT_ARM: totals_empty(), PERSONALIZED_ARM: totals_empty()}
    for row in rows:
        if row["arm__key"] not in overall:
            continue
        week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        per_arm = weeks.setdefault(
            week, {HOLDOUT_ARM: totals_empty(), PERSONALIZED_ARM: totals_empty()}
        )
        totals_add(per_arm[row["arm__key"]], row)
        totals_add(overall[row["arm__key"]], row)
    week_rows = [
        _row(str(week), week, arms[HOLDOUT_ARM], arms[PERSONALIZED_ARM])
        for week, arms in sorted(weeks.items())
    ]
    total = _row(gettext("All weeks"), None, overall[HOLDOUT_ARM], overall[PERSONALIZED_ARM])
    return HoldoutReport(True, percent, week_rows, total if week_rows else None, prior)
