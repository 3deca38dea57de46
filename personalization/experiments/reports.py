"""An experiment's report: totals per arm, the comparisons with control, who responds, charts.

Fetch, then compute: a fixed handful of GROUP BY queries over `Enrollment` (per arm, per arm and
day, per arm and device, region and segment list) whatever the number of visitors or arms, then
the pure functions of `stats.py` on the totals. Only visitors who saw an arm (a first exposure)
count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import stats
from .charts import Series, line_chart
from .models import Arm, Enrollment, Experiment, Metric
from .stats import Comparison, Sample, SampleRatio, Verdict


def _sum_sq(name: str) -> Sum:
    value = Cast(name, FloatField())
    return Sum(value * value)


# One row of totals per group; every metric is computed from these.
AGGREGATES = {
    "visitors": Count("id"),
    "exposures_sum": Sum("exposures"),
    "converted": Count("id", filter=Q(converted=True)),
    "orders_sum": Sum("orders"),
    "revenue_sum": Sum("revenue"),
    "revenue_sq": _sum_sq("revenue"),
    "margin_sum": Sum("margin"),
    "margin_sq": _sum_sq("margin"),
    "clicked": Count("id", filter=Q(clicks__gt=0)),
    "added": Count("id", filter=Q(add_to_basket__gt=0)),
    "checked_out": Count("id", filter=Q(checkouts__gt=0)),
    "returners": Count("id", filter=Q(returned__gt=0)),
}
NUMBERS = tuple(AGGREGATES)


def totals_empty() -> dict[str, Any]:
    return dict.fromkeys(NUMBERS, 0)


def totals_add(into: dict[str, Any], row: dict[str, Any]) -> None:
    for name in NUMBERS:
        into[name] = into[name] + (row.get(name) or 0)


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: Any
    sample: Callable[[dict[str, Any]], Sample]
    higher_is_better: bool = True
    money: bool = False


def _mean(total: str, total_sq: str) -> Callable[[dict[str, Any]], Sample]:
    return lambda t: Sample(
        n=t["visitors"], total=float(t[total] or 0), total_sq=float(t[total_sq] or 0)
    )


def _rate(count: str, of: str = "visitors") -> Callable[[dict[str, Any]], Sample]:
    return lambda t: Sample.proportion(t[count] or 0, t[of] or 0)


# Every metric the engine lets an experiment name, and how it is read from the totals.
METRICS = {
    spec.key: spec
    for spec in (
        MetricSpec(Metric.CONVERSION, Metric.CONVERSION.label, _rate("converted")),
        MetricSpec(
            Metric.REVENUE, Metric.REVENUE.label, _mean("revenue_sum", "revenue_sq"), money=True
        ),
        MetricSpec(
            Metric.MARGIN, Metric.MARGIN.label, _mean("margin_sum", "margin_sq"), money=True
        ),
        MetricSpec(Metric.ADD_TO_BASKET, Metric.ADD_TO_BASKET.label, _rate("added")),
        MetricSpec(Metric.CTA_CLICK, Metric.CTA_CLICK.label, _rate("clicked")),
        MetricSpec(Metric.CHECKOUT, Metric.CHECKOUT.label, _rate("checked_out")),
        # Of the visitors who ordered, the share who sent something back: lower is better.
        MetricSpec(
            Metric.RETURN_RATE,
            Metric.RETURN_RATE.label,
            _rate("returners", of="converted"),
            higher_is_better=False,
        ),
    )
}

VERDICT_LABELS = {
    Verdict.TOO_EARLY: _("Not enough data yet"),
    Verdict.BETTER: _("Significantly better"),
    Verdict.WORSE: _("Significantly worse"),
    Verdict.NO_DIFFERENCE: _("No significant difference"),
}
DEVICE_LABELS = {
    "mobile": _("Phone"),
    "tablet": _("Tablet"),
    "desktop": _("Computer"),
    "bot": _("Robot"),
}
LEVEL = "95 %"  # the confidence level, as printed
UNKNOWN = pgettext_lazy("breakdown value", "unknown")


def verdict_label(comparison: Comparison) -> str:
    return str(VERDICT_LABELS[comparison.verdict])


@dataclass
class ArmResult:
    arm: Arm
    totals: dict[str, Any]
    # Against control, per metric key; empty for the control itself.
    comparisons: dict[str, Comparison] = field(default_factory=dict)

    @property
    def conversion_rate(self) -> float:
        return METRICS[Metric.CONVERSION].sample(self.totals).mean

    @property
    def revenue_per_visitor(self) -> Decimal:
        visitors = self.totals["visitors"]
        return Decimal(self.totals["revenue_sum"] or 0) / visitors if visitors else Decimal(0)


@dataclass(frozen=True)
class MetricRow:
    """One metric, every treatment arm against control."""

    spec: MetricSpec
    control: float
    cells: list[tuple[ArmResult, Comparison]]

    @property
    def flagged(self) -> bool:
        return any(c.verdict == Verdict.WORSE for _arm, c in self.cells)


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    arms: list[tuple[int, float]]  # visitors and the primary metric, per arm in report order
    comparisons: list[Comparison]  # per treatment arm


@dataclass(frozen=True)
class Breakdown:
    title: Any
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class Chart:
    svg: Any
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # a day and its values, the table beside the chart


@dataclass
class ExperimentReport:
    experiment: Experiment
    arms: list[ArmResult]
    control: ArmResult | None
    primary: MetricRow | None
    guardrails: list[MetricRow]
    conversion: MetricRow | None
    revenue: MetricRow | None
    srm: SampleRatio
    breakdowns: list[Breakdown]
    charts: list[Chart]
    prior: str = ""

    @property
    def treatments(self) -> list[ArmResult]:
        return [a for a in self.arms if a is not self.control]

    @property
    def visitors(self) -> int:
        return sum(a.totals["visitors"] for a in self.arms)


def _metric_row(spec: MetricSpec, control: ArmResult, treatments: list[ArmResult]) -> MetricRow:
    base = spec.sample(control.totals)
    cells = []
    for arm in treatments:
        comparison = stats.compare(
            base, spec.sample(arm.totals), higher_is_better=spec.higher_is_better
        )
        arm.comparisons[spec.key] = comparison
        cells.append((arm, comparison))
    return MetricRow(spec, base.mean, cells)


def enrolled(experiment: Experiment):
    return Enrollment.objects.filter(experiment=experiment, first_exposure_at__isnull=False)


def _grouped(experiment: Experiment, *fields: str) -> list[dict[str, Any]]:
    return list(enrolled(experiment).values("arm", *fields).annotate(**AGGREGATES).order_by())


def _breakdown(
    title: Any,
    groups: dict[str, dict[int, dict[str, Any]]],
    arms: list[ArmResult],
    control: ArmResult | None,
    spec: MetricSpec,
) -> Breakdown:
    rows = []
    for label, per_arm in sorted(groups.items(), key=lambda item: str(item[0])):
        totals = {a.arm.pk: per_arm.get(a.arm.pk) or totals_empty() for a in arms}
        cells = [(totals[a.arm.pk]["visitors"], spec.sample(totals[a.arm.pk]).mean) for a in arms]
        comparisons = []
        if control is not None:
            base = spec.sample(totals[control.arm.pk])
            comparisons = [
                stats.compare(
                    base,
                    spec.sample(totals[a.arm.pk]),
                    higher_is_better=spec.higher_is_better,
                )
                for a in arms
                if a is not control
            ]
        rows.append(BreakdownRow(str(label), cells, comparisons))
    return Breakdown(title, rows)


def _segment_groups(rows: Iterable[dict[str, Any]]) -> dict[Any, dict[int, dict[str, Any]]]:
    """Totals per segment from totals per list of segments: a visitor counts in each of theirs."""
    groups: dict[Any, dict[int, dict[str, Any]]] = {}
    for row in rows:
        for segment in row["segments"] or [None]:
            per_arm = groups.setdefault(segment, {})
            totals_add(per_arm.setdefault(row["arm"], totals_empty()), row)
    return groups


def _segment_names() -> dict[str, str]:
    """Segment names by slug, from the content snapshot (no query in the steady state)."""
    from ..slots import content

    return {segment.slug: segment.name for segment in content().segments.values()}


def _days(rows: list[dict[str, Any]], arms: list[ArmResult], control: ArmResult | None):
    """Cumulative visitors and conversions per arm for each day since the first exposure."""
    days = sorted({row["first_exposure_on"] for row in rows if row["first_exposure_on"]})
    if not days:
        return [], {}
    span = [days[0] + datetime.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]
    daily = {(row["arm"], row["first_exposure_on"]): row for row in rows}
    cumulative: dict[int, list[dict[str, Any]]] = {}
    for arm in arms:
        running = totals_empty()
        series = []
        for day in span:
            if (arm.arm.pk, day) in daily:
                totals_add(running, daily[(arm.arm.pk, day)])
            series.append(dict(running))
        cumulative[arm.arm.pk] = series
    return span, cumulative


def _percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return formats.number_format(value * 100, decimal_pos=digits, use_l10n=True) + " %"


def _charts(
    experiment: Experiment,
    span: list[datetime.date],
    cumulative: dict[int, list[dict[str, Any]]],
    arms: list[ArmResult],
    control: ArmResult | None,
) -> list[Chart]:
    if not span:
        return []
    labels = [formats.date_format(day, "m/d") for day in span]
    long_labels = [formats.date_format(day, "SHORT_DATE_FORMAT") for day in span]
    rate = METRICS[Metric.CONVERSION].sample
    lines = [
        Series(a.arm.name, [rate(t).mean if t["visitors"] else None for t in cumulative[a.arm.pk]])
        for a in arms
    ]
    title = gettext("Conversion rate per arm, cumulative by day")
    charts = [
        Chart(
            svg=line_chart(
                chart_id=f"experiment-{experiment.pk}-rate",
                title=title,
                description=gettext(
                    "Share of each arm's visitors so far who placed an order, from %(first)s "
                    "to %(last)s. The same numbers are in the table."
                )
                % {"first": long_labels[0], "last": long_labels[-1]},
                x_labels=labels,
                series=lines,
                value_format=_percent,
            ),
            title=title,
            columns=[a.arm.name for a in arms],
            rows=[
                (long_labels[i], [_percent(line.values[i]) for line in lines])
                for i in range(len(span))
            ],
        )
    ]
    if control is None:
        return charts
    for arm in arms:
        if arm is control:
            continue
        results = [
            stats.relative_uplift_test(rate(c), rate(t))
            for c, t in zip(cumulative[control.arm.pk], cumulative[arm.arm.pk], strict=True)
        ]
        uplift = [r[0] if r else None for r in results]
        lows, highs = [r[1] if r else None for r in results], [r[2] if r else None for r in results]
        title = gettext(
            "Relative uplift of “%(arm)s” over control, cumulative, with its %(level)s interval"
        ) % {"arm": arm.arm.name, "level": LEVEL}
        charts.append(
            Chart(
                svg=line_chart(
                    chart_id=f"experiment-{experiment.pk}-uplift-{arm.arm.pk}",
                    title=title,
                    description=gettext(
                        "The line is the conversion rate's relative uplift over control with "
                        "the visitors so far; the shaded band is its %(level)s confidence "
                        "interval. Where the band stays clear of the zero line the difference "
                        "is significant. The same numbers are in the table."
                    )
                    % {"level": LEVEL},
                    x_labels=labels,
                    series=[Series(arm.arm.name, uplift)],
                    band=(lows, highs),
                    value_format=lambda v: _percent(v, 0),
                    zero_line=True,
                ),
                title=title,
                columns=[gettext("Uplift"), gettext("%(level)s interval") % {"level": LEVEL}],
                rows=[
                    (
                        long_labels[i],
                        [
                            signed_text(uplift[i]),
                            f"{signed_text(lows[i])} … {signed_text(highs[i])}"
                            if lows[i] is not None
                            else "—",
                        ],
                    )
                    for i in range(len(span))
                ],
            )
        )
    return charts


def experiment_report(experiment: Experiment) -> ExperimentReport:
    """Everything the report page shows, from a constant number of queries."""
    arm_rows = list(experiment.arms.all())
    per_arm = {row["arm"]: row for row in _grouped(experiment)}
    arms = [ArmResult(arm, per_arm.get(arm.pk) or totals_empty()) for arm in arm_rows]
    control = next((a for a in arms if a.arm.is_control), arms[0] if arms else None)
    treatments = [a for a in arms if a is not control]
    primary_spec = METRICS.get(experiment.primary_metric, METRICS[Metric.CONVERSION])

    def row(spec: MetricSpec) -> MetricRow | None:
        return _metric_row(spec, control, treatments) if control else None

    primary = row(primary_spec)
    guardrails = [
        guardrail
        for key in experiment.guardrail_metrics or []
        if key in METRICS and key != primary_spec.key and (guardrail := row(METRICS[key]))
    ]
    conversion = primary if primary_spec.key == Metric.CONVERSION else row(METRICS["conversion"])
    revenue = primary if primary_spec.key == Metric.REVENUE else row(METRICS["revenue"])

    device_groups: dict[Any, dict[int, dict[str, Any]]] = {}
    for r in _grouped(experiment, "device"):
        label = DEVICE_LABELS.get(r["device"], r["device"] or UNKNOWN)
        totals_add(device_groups.setdefault(label, {}).setdefault(r["arm"], totals_empty()), r)
    region_groups: dict[Any, dict[int, dict[str, Any]]] = {}
    for r in _grouped(experiment, "region"):
        label = r["region"] or UNKNOWN
        totals_add(region_groups.setdefault(label, {}).setdefault(r["arm"], totals_empty()), r)
    segment_groups = _segment_groups(_grouped(experiment, "segments"))
    names = _segment_names()
    segment_groups = {
        (names.get(key, str(key)) if key is not None else gettext("No segment")): value
        for key, value in segment_groups.items()
    }
    breakdowns = [
        _breakdown(_("By segment"), segment_groups, arms, control, primary_spec),
        _breakdown(_("By device"), device_groups, arms, control, primary_spec),
        _breakdown(_("By region"), region_groups, arms, control, primary_spec),
    ]

    span, cumulative = _days(
        list(
            enrolled(experiment)
            .values("arm", "first_exposure_on")
            .annotate(**AGGREGATES)
            .order_by()
        ),
        arms,
        control,
    )
    return ExperimentReport(
        experiment=experiment,
        arms=arms,
        control=control,
        primary=primary,
        guardrails=guardrails,
        conversion=conversion,
        revenue=revenue,
        srm=stats.sample_ratio_mismatch(
            [a.totals["visitors"] for a in arms], [a.arm.weight for a in arms]
        ),
        breakdowns=breakdowns,
        charts=_charts(experiment, span, cumulative, arms, control),
        prior=gettext(stats.PRIOR_IN_WORDS),
    )


def headline(report: ExperimentReport) -> str:
    """One sentence: the primary metric's verdict for each treatment arm."""
    if report.primary is None or not report.primary.cells:
        return gettext("Not enough data yet")
    return " ".join(
        gettext(
            "%(arm)s: %(verdict)s (%(metric)s %(uplift)s, %(level)s interval %(low)s to "
            "%(high)s, p %(p)s)."
        )
        % {
            "level": LEVEL,
            "arm": arm.arm.name,
            "verdict": verdict_label(comparison),
            "metric": report.primary.spec.label,
            "uplift": signed_text(comparison.relative),
            "low": signed_text(comparison.ci_low),
            "high": signed_text(comparison.ci_high),
            "p": p_relation(comparison.p_value),
        }
        for arm, comparison in report.primary.cells
    )


def p_text(value: float | None) -> str:
    """A p-value as printed: three decimals, or "< 0.001"."""
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0.001"
    return formats.number_format(value, decimal_pos=3, use_l10n=True)


def p_relation(value: float | None) -> str:
    """A p-value after "p": "= 0.042" or "< 0.001"."""
    text = p_text(value)
    return text if text.startswith("<") or text == "—" else f"= {text}"


def signed_text(value: float | None, digits: int = 1) -> str:
    """An uplift: "+4.2 %", "−3.0 %"."""
    if value is None:
        return "—"
    text = _percent(abs(value), digits)
    if round(value * 100, digits) == 0:
        return text
    return ("+" if value > 0 else "−") + text
