"""The experiment report: its numbers, its queries, its pages, and shipping a winner."""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from personalization.experiments.charts import Series, line_chart
from personalization.experiments.models import (
    Arm,
    Enrollment,
    Experiment,
    ExperimentKind,
    ExperimentStatus,
)
from personalization.experiments.reports import experiment_report
from personalization.experiments.stats import Verdict
from personalization.models import Segment, Slot, Variant
from tests.factories import UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)


def experiment_make(
    *, arms=("control", "b"), weights=None, guardrails=(), key="hero-test", slot="home-hero"
):
    slot = Slot.objects.get(key=slot)
    experiment = Experiment.objects.create(
        key=key,
        name="Hero test",
        kind=ExperimentKind.SLOT,
        slot=slot,
        status=ExperimentStatus.RUNNING,
        guardrail_metrics=list(guardrails),
    )
    for number, arm_key in enumerate(arms):
        variant = None
        if number:
            variant = Variant.objects.create(
                slot=slot, name=f"Hero {arm_key}", headline=f"Headline {arm_key}", priority=50
            )
        Arm.objects.create(
            experiment=experiment,
            key=arm_key,
            name=f"Arm {arm_key}",
            weight=(weights or [1] * len(arms))[number],
            is_control=number == 0,
            variant=variant,
        )
    return experiment


def enrol(experiment, arm_key, count, *, converted=0, revenue=Decimal(0), device="mobile",
          region="JP-13", day=DAY, returned=0, segments=(), start=0):  # fmt: skip
    """`count` visitors in an arm, the first `converted` of them with an order of `revenue`."""
    arm = experiment.arms.get(key=arm_key)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Enrollment.objects.bulk_create(
        Enrollment(
            experiment=experiment, arm=arm,
            # 32 characters, like the keyed hash the engine stores.
            visitor=hashlib.md5(f"{arm_key}-{day}-{device}-{start + i}".encode()).hexdigest(),
            first_exposure_at=at, first_exposure_on=day, last_event_at=at, device=device,
            region=region, segments=list(segments), exposures=2,
            orders=int(i < converted), converted=i < converted,
            revenue=revenue if i < converted else Decimal(0),
            returned=int(i < returned),
        )
        for i in range(count)
    )  # fmt: skip


def test_totals_per_arm_count_only_visitors_who_saw_an_arm():
    experiment = experiment_make()
    enrol(experiment, "control", 200, converted=20, revenue=Decimal(3000))
    enrol(experiment, "b", 210, converted=30, revenue=Decimal(2000))
    arm = experiment.arms.get(key="b")
    Enrollment.objects.create(
        experiment=experiment, arm=arm, visitor="never-exposed", last_event_at=timezone.now()
    )
    report = experiment_report(experiment)
    control, b = report.arms
    assert (control.totals["visitors"], control.totals["converted"]) == (200, 20)
    assert (b.totals["visitors"], b.totals["converted"]) == (210, 30)
    assert b.totals["exposures_sum"] == 420
    assert b.revenue_per_visitor == Decimal(60000) / 210
    comparison = report.primary.cells[0][1]
    assert comparison.relative == pytest.approx((30 / 210 - 0.1) / 0.1)


def test_the_report_makes_the_same_queries_whatever_the_visitors_and_arms():
    small = experiment_make(key="small")
    enrol(small, "control", 3)
    enrol(small, "b", 3, converted=1, revenue=Decimal(100))
    large = experiment_make(arms=("control", "b", "c", "d"), key="large", slot="home-strip")
    for arm_key in ("control", "b", "c", "d"):
        for day in range(10):
            enrol(large, arm_key, 40, converted=5, revenue=Decimal(900), segments=["cats"],
                  day=DAY + datetime.timedelta(days=day), device=("mobile", "desktop")[day % 2],
                  region=f"JP-{day + 10}")  # fmt: skip
    experiment_report(small)  # loads the per-process content snapshot (segment names)
    counts = []
    for experiment in (small, large):
        experiment = Experiment.objects.get(pk=experiment.pk)
        with CaptureQueriesContext(connection) as queries:
            experiment_report(experiment)
        counts.append(len(queries))
    # Arms; totals per arm, per day, per device, region and segment list; and, inside a test's
    # transaction, where the shared cache never hears of versions, the content snapshot's check.
    assert counts[0] == counts[1] <= 7


def test_below_the_minimum_sample_the_verdict_is_not_enough_data():
    experiment = experiment_make()
    enrol(experiment, "control", 50, converted=5)
    enrol(experiment, "b", 50, converted=20)
    report = experiment_report(experiment)
    assert report.primary.cells[0][1].verdict == Verdict.TOO_EARLY


def test_a_split_that_differs_from_the_weights_is_flagged():
    experiment = experiment_make()
    enrol(experiment, "control", 1000)
    enrol(experiment, "b", 850)
    assert experiment_report(experiment).srm.mismatch
    assert not experiment_report(
        experiment_make(key="fine", weights=[3, 1], slot="home-strip")
    ).srm.mismatch


def test_a_guardrail_that_gets_significantly_worse_is_flagged():
    experiment = experiment_make(guardrails=["return_rate"])
    enrol(experiment, "control", 1000, converted=400, revenue=Decimal(1000), returned=20)
    enrol(experiment, "b", 1000, converted=400, revenue=Decimal(1000), returned=80)
    (guardrail,) = experiment_report(experiment).guardrails
    assert guardrail.flagged
    assert guardrail.cells[0][1].verdict == Verdict.WORSE


def test_breakdowns_show_who_responds():
    experiment = experiment_make()
    enrol(experiment, "control", 100, converted=10, device="mobile", segments=["cats"])
    enrol(experiment, "b", 100, converted=30, device="mobile", segments=["cats", "dogs"])
    enrol(experiment, "control", 100, converted=10, device="desktop", start=1000)
    enrol(experiment, "b", 100, converted=10, device="desktop", start=1000)
    cats = Segment.objects.create(name="Cat people", slug="cats")
    cats.conditions.create(fact="device", operator="eq", value="mobile")
    by_segment, by_device, by_region = experiment_report(experiment).breakdowns
    devices = {row.label: row for row in by_device.rows}
    assert devices["Phone"].arms == [(100, 0.1), (100, 0.3)]
    assert devices["Computer"].comparisons[0].relative == pytest.approx(0)
    segments = {row.label: row.arms for row in by_segment.rows}
    assert segments["Cat people"] == [(100, 0.1), (100, 0.3)]
    assert segments["dogs"] == [(0, 0.0), (100, 0.3)]
    assert segments["No segment"] == [(100, 0.1), (100, 0.1)]
    assert [row.label for row in by_region.rows] == ["JP-13"]


def test_cumulative_charts_run_day_by_day():
    experiment = experiment_make()
    enrol(experiment, "control", 100, converted=10, day=DAY)
    enrol(experiment, "b", 100, converted=20, day=DAY)
    enrol(experiment, "control", 100, converted=30, day=DAY + datetime.timedelta(days=2))
    enrol(experiment, "b", 100, converted=20, day=DAY + datetime.timedelta(days=2))
    rates, uplift = experiment_report(experiment).charts
    assert [day for day, _values in rates.rows] == ["11/02/2026", "11/03/2026", "11/04/2026"]
    assert [values for _day, values in rates.rows] == [
        ["10.0 %", "20.0 %"],
        ["10.0 %", "20.0 %"],
        ["20.0 %", "20.0 %"],
    ]
    assert uplift.rows[0][1][0] == "+100.0 %"


def test_a_chart_is_an_accessible_image_with_escaped_labels_and_no_styles():
    svg = str(
        line_chart(
            chart_id="c1",
            title="Rates <b>",
            description="Two arms",
            x_labels=["11/01", "11/02"],
            series=[Series("<script>alert(1)</script>", [0.1, 0.2]), Series("B", [None, 0.3])],
            value_format=str,
            band=([0.0, 0.1], [0.3, 0.4]),
            zero_line=True,
        )
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Rates &lt;b&gt;</title>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg and "<style" not in svg
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg) and 'width="100%"' in svg


# The pages ------------------------------------------------------------------------------------


def staff(*perms: str):
    """Staff with these experiment permissions, allowed to manage tests of slot content."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="experiments",
            codename__in=[*perms, "manage_slot_experiments"],
        )
    )
    return user


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_report_page_shows_arms_uplift_prior_and_srm_warning():
    experiment = experiment_make()
    enrol(experiment, "control", 1000, converted=100, revenue=Decimal(4000))
    enrol(experiment, "b", 850, converted=120, revenue=Decimal(4000))
    client = signed_in(staff("view_experiment"))
    response = client.get(reverse("experiments_report", args=[experiment.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Sample-ratio mismatch" in text
    assert "Arm b" in text and "Chance to beat control" in text
    assert "uniform Beta(1, 1) prior" in text
    assert "By device" in text and 'role="img"' in response.content.decode()
    # Only what viewing allows: no shipping form.
    assert "Stop and ship the winner" not in text


def test_the_report_page_in_japanese_has_japanese_status_and_metric_labels():
    experiment = experiment_make(guardrails=["return_rate", "checkout"])
    enrol(experiment, "control", 1000, converted=100, revenue=Decimal(4000))
    enrol(experiment, "b", 1000, converted=120, revenue=Decimal(4000))
    client = signed_in(staff("view_experiment"))
    response = client.get(
        reverse("experiments_report", args=[experiment.pk]), headers={"accept-language": "ja"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "実施中" in text  # Running
    assert "コンバージョン（注文）" in text  # Conversion (order placed)
    assert "返品率（キャンセルまたは返金された注文）" in text  # Return rate
    for english in ("Running", "Conversion (order placed)", "Return rate", "Checkout started"):
        assert english not in text, english


def test_the_holdout_page_in_japanese_has_japanese_metric_labels():
    experiment = holdout_make()
    enrol(experiment, "holdout", 100, converted=10, revenue=Decimal(3000))
    enrol(experiment, "personalized", 900, converted=120, revenue=Decimal(3000))
    client = signed_in(staff("view_experiment"))
    response = client.get(reverse("experiments_holdout"), headers={"accept-language": "ja"})
    text = page_text(response)
    assert "コンバージョン（注文）" in text and "Conversion (order placed)" not in text
    assert "Revenue per visitor" not in text and "All weeks" not in text


def test_the_report_needs_permission_to_view_experiments():
    experiment = experiment_make()
    response = signed_in(staff()).get(reverse("experiments_report", args=[experiment.pk]))
    assert response.status_code == 403
    anonymous = Client().get(reverse("experiments_report", args=[experiment.pk]))
    assert anonymous.status_code == 302


def test_the_change_page_links_to_the_report():
    experiment = experiment_make()
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:experiments_experiment_change", args=[experiment.pk]))
    assert reverse("experiments_report", args=[experiment.pk]) in response.content.decode()


def test_shipping_says_what_it_will_do_before_doing_it():
    experiment = experiment_make(arms=("control", "b", "c"))
    b = experiment.arms.get(key="b")
    client = signed_in(staff("view_experiment", "change_experiment"))
    url = reverse("experiments_ship", args=[experiment.pk])
    text = page_text(client.get(url, {"arm": b.pk}))
    assert "“Hero b” is switched on for every visitor" in text
    assert "“Hero c” of the arm “Arm c” is switched off" in text
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING


def test_shipping_the_winner_stops_the_test_and_makes_the_slot_show_it():
    experiment = experiment_make(arms=("control", "b", "c"))
    b, c = experiment.arms.get(key="b"), experiment.arms.get(key="c")
    Variant.objects.filter(pk=b.variant_id).update(
        starts_at=timezone.now() + datetime.timedelta(days=300)
    )
    client = signed_in(staff("view_experiment", "change_experiment"))
    response = client.post(
        reverse("experiments_ship", args=[experiment.pk]), {"arm": b.pk, "confirm": "yes"}
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert (experiment.status, experiment.winner_id) == (ExperimentStatus.STOPPED, b.pk)
    winner, loser = Variant.objects.get(pk=b.variant_id), Variant.objects.get(pk=c.variant_id)
    assert winner.is_active and winner.priority == 0 and winner.segment_id is None
    assert winner.status(timezone.now()) == "live"
    assert not loser.is_active
    assert Slot.objects.get(key="home-hero").variants.get(is_default=True).is_active


def test_shipping_needs_permission_to_change_experiments_and_a_csrf_token():
    experiment = experiment_make()
    b = experiment.arms.get(key="b")
    url = reverse("experiments_ship", args=[experiment.pk])
    viewer = signed_in(staff("view_experiment"))
    assert viewer.post(url, {"arm": b.pk, "confirm": "yes"}).status_code == 403
    editor = signed_in(staff("view_experiment", "change_experiment"), enforce_csrf_checks=True)
    assert editor.post(url, {"arm": b.pk, "confirm": "yes"}).status_code == 403
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING


def test_staff_who_manage_only_offer_tests_cannot_see_or_ship_a_slot_test():
    experiment = experiment_make()
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="experiments",
            codename__in=["view_experiment", "change_experiment", "manage_offer_experiments"],
        )
    )
    b = experiment.arms.get(key="b")
    client = signed_in(user)
    # As in the experiments admin, a test of another kind is not there for them.
    url = reverse("experiments_ship", args=[experiment.pk])
    assert client.post(url, {"arm": b.pk, "confirm": "yes"}).status_code == 404
    assert client.get(reverse("experiments_report", args=[experiment.pk])).status_code == 404
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING


# The personalization holdout -----------------------------------------------------------------


def holdout_make() -> Experiment:
    from personalization.experiments.holdout import HOLDOUT_KEY

    experiment = Experiment.objects.create(
        key=HOLDOUT_KEY, name="Personalization holdout", kind=ExperimentKind.OFFER
    )
    Arm.objects.create(experiment=experiment, key="holdout", name="Holdout", is_control=True)
    Arm.objects.create(experiment=experiment, key="personalized", name="Personalized", weight=9)
    return experiment


def test_the_holdout_report_compares_personalized_visitors_with_the_holdout_week_by_week():
    from personalization.experiments.holdout import holdout_report

    experiment = holdout_make()
    monday = datetime.date(2026, 11, 2)
    enrol(experiment, "holdout", 200, converted=20, revenue=Decimal(3000), day=monday)
    enrol(experiment, "personalized", 1800, converted=270, revenue=Decimal(3000), day=monday)
    later = monday + datetime.timedelta(days=9)
    enrol(experiment, "holdout", 100, converted=10, revenue=Decimal(3000), day=later)
    enrol(experiment, "personalized", 900, converted=90, revenue=Decimal(3000), day=later)
    report = holdout_report()
    assert [row.week for row in report.weeks] == [monday, monday + datetime.timedelta(days=7)]
    first, second = report.weeks
    assert (first.holdout_rate, first.personalized_rate) == (0.1, 0.15)
    assert first.conversion.relative == pytest.approx(0.5)
    assert second.conversion.relative == pytest.approx(0)
    assert report.overall.personalized["visitors"] == 2700
    assert report.overall.revenue.relative == pytest.approx((360 * 3000 / 2700) / 300 - 1)
    assert report.overall.conversion.ci_low < report.overall.conversion.relative


def test_the_holdout_page_says_when_the_holdout_is_not_measured():
    client = signed_in(staff("view_experiment"))
    response = client.get(reverse("experiments_holdout"))
    assert response.status_code == 200
    assert "not being measured yet" in page_text(response)
    holdout_make()
    enrol(Experiment.objects.get(key="personalization-holdout"), "holdout", 10)
    assert "All weeks" in page_text(client.get(reverse("experiments_holdout")))
