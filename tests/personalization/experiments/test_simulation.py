"""The proof: simulated visitors with a known truth, through the engine's real assignment and
event recording and its batch writer, and what the report then says.

The experiments are committed (transactional_db): the engine reads running experiments from a
per-process snapshot that sees a change once it is committed, as in production.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from personalization.experiments.models import (
    Arm,
    Enrollment,
    Experiment,
    ExperimentEvent,
    ExperimentKind,
)
from personalization.experiments.reports import experiment_report
from personalization.experiments.services import experiment_start
from personalization.experiments.simulation import Simulation, experiment_simulate
from personalization.experiments.stats import Verdict

pytestmark = pytest.mark.django_db(transaction=True)


def offer_test(weights=(1, 1)) -> Experiment:
    # A fixed salt: the same visitor ids fall in the same arms on every run.
    experiment = Experiment.objects.create(
        key="simulated", name="Simulated", kind=ExperimentKind.OFFER, salt="simulation-tests"
    )
    Arm.objects.create(experiment=experiment, key="a", name="A", weight=weights[0], is_control=True)
    Arm.objects.create(experiment=experiment, key="b", name="B", weight=weights[1])
    experiment_start(experiment=experiment)
    return experiment


def simulate(experiment: Experiment, **options):
    experiment_simulate(experiment=experiment, simulation=Simulation(**options), now=timezone.now())
    return experiment_report(experiment)


def test_with_enough_visitors_the_report_finds_a_ten_to_twelve_percent_effect():
    # 10,000 visitors an arm detect a 20 % relative uplift about 99 times in 100.
    report = simulate(offer_test(), visitors=20_000, rates={"a": 0.10, "b": 0.12}, seed=7)
    control, b = report.arms
    assert control.totals["visitors"] + b.totals["visitors"] == 20_000
    assert control.conversion_rate == pytest.approx(0.10, abs=0.012)
    assert b.conversion_rate == pytest.approx(0.12, abs=0.012)
    (comparison,) = [c for _arm, c in report.primary.cells]
    assert comparison.verdict == Verdict.BETTER
    assert comparison.ci_low < 0.2 < comparison.ci_high  # the true uplift is inside
    assert comparison.chance_to_beat > 0.99
    assert not report.srm.mismatch


def test_an_aa_test_finds_no_difference():
    report = simulate(offer_test(), visitors=6_000, rates={"a": 0.10, "b": 0.10}, seed=11)
    (comparison,) = [c for _arm, c in report.primary.cells]
    assert comparison.verdict == Verdict.NO_DIFFERENCE
    assert comparison.ci_low < 0 < comparison.ci_high


def test_a_broken_split_is_caught_by_the_sample_ratio_check():
    # 50/50 weights, but a tenth of arm B's visitors never reach the data.
    report = simulate(
        offer_test(), visitors=16_000, rates={"a": 0.10, "b": 0.10}, lost={"b": 0.1}, seed=5
    )
    assert report.srm.mismatch
    assert report.srm.p_value < 0.001


def test_unequal_weights_split_as_weighted_and_pass_the_check():
    report = simulate(offer_test(weights=(1, 3)), visitors=4_000, rates={"a": 0.1, "b": 0.1})
    control, b = report.arms
    assert b.totals["visitors"] / 4_000 == pytest.approx(0.75, abs=0.03)
    assert not report.srm.mismatch


def test_the_command_prints_the_verdict_and_leaves_nothing_behind():
    out = StringIO()
    call_command("simulate_experiment", visitors=2_000, rates="0.1,0.3", seed=3, days=3, stdout=out)
    text = out.getvalue()
    assert "Treatment 1: Significantly better" in text
    assert "Sample ratio: p =" in text
    assert not Experiment.objects.exists()
    assert not Enrollment.objects.exists() and not ExperimentEvent.objects.exists()
