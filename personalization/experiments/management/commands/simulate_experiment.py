"""`manage.py simulate_experiment`: visitors with a known true effect, then the report's verdict.

    DEBUG=1 .venv/bin/python manage.py simulate_experiment --visitors 40000 --rates 0.10,0.12
    DEBUG=1 .venv/bin/python manage.py simulate_experiment --aa
    DEBUG=1 .venv/bin/python manage.py simulate_experiment --lose 0,0.1   # a broken split

A throwaway offer experiment is created with one arm per rate, visitors go through the
engine's assignment and event recording, the buffer is drained, and everything is
deleted at the end (unless --keep).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from personalization.experiments.models import Arm, Experiment, ExperimentKind
from personalization.experiments.reports import experiment_report, headline
from personalization.experiments.services import experiment_start
from personalization.experiments.simulation import Simulation, experiment_simulate


def _floats(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"Not a list of numbers: {text}") from None


class Command(BaseCommand):
    help = "Simulate an experiment with a known true effect and print the report's verdict."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=20000)
        parser.add_argument(
            "--rates", default="0.10,0.12", help="True conversion rate per arm, control first."
        )
        parser.add_argument(
            "--weights", default="", help="Arm weights, e.g. 50,50 (default equal)."
        )
        parser.add_argument(
            "--lose", default="", help="Share of each arm's visitors whose events are lost."
        )
        parser.add_argument("--aa", action="store_true", help="Every arm at the first rate.")
        parser.add_argument("--days", type=int, default=14)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="Keep the experiment and its rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        rates = _floats(options["rates"])
        if options["aa"]:
            rates = [rates[0]] * max(2, len(rates))
        if len(rates) < 2 or not all(0 <= r <= 1 for r in rates):
            raise CommandError("Give at least two rates between 0 and 1.")
        weights = _floats(options["weights"]) or [1.0] * len(rates)
        lost = _floats(options["lose"]) or [0.0] * len(rates)
        if len(weights) != len(rates) or len(lost) != len(rates):
            raise CommandError("Give as many weights and losses as rates.")
        keys = ["control"] + [f"treatment-{i}" for i in range(1, len(rates))]
        experiment = self._experiment(options, keys, weights)
        try:
            self._run(experiment, options, keys, rates, lost)
        finally:
            if not options["keep"]:
                experiment.delete()
                self.stdout.write("(the simulated experiment and its rows were deleted)")

    def _experiment(self, options, keys, weights) -> Experiment:
        """A committed experiment: the engine reads running experiments from its snapshot,
        which sees a change once it is committed."""
        now = timezone.now()
        experiment = Experiment.objects.create(
            key=f"simulation-{options['seed']}-{now:%Y%m%d%H%M%S}",
            name=f"Simulation (seed {options['seed']})",
            kind=ExperimentKind.OFFER,
            # From the seed: the same visitors fall in the same arms on every run.
            salt=f"simulation-{options['seed']}",
        )
        for key, weight in zip(keys, weights, strict=True):
            Arm.objects.create(
                experiment=experiment,
                key=key,
                name=key.replace("-", " ").capitalize(),
                weight=round(weight),
                is_control=key == "control",
            )
        experiment_start(experiment=experiment, at=now)
        return experiment

    def _run(self, experiment, options, keys, rates, lost) -> None:
        now = timezone.now()
        result = experiment_simulate(
            experiment=experiment,
            simulation=Simulation(
                visitors=options["visitors"],
                rates=dict(zip(keys, rates, strict=True)),
                lost=dict(zip(keys, lost, strict=True)),
                days=options["days"],
                seed=options["seed"],
            ),
            now=now,
        )
        report = experiment_report(experiment)
        self.stdout.write(
            f"{result.visitors} visitors simulated, {result.events} events written "
            f"(seed {options['seed']})."
        )
        for arm, rate in zip(report.arms, rates, strict=True):
            totals = arm.totals
            self.stdout.write(
                f"  {arm.arm.name}: true rate {rate:.2%}, {totals['visitors']} visitors, "
                f"{totals['converted']} converted ({arm.conversion_rate:.2%}), "
                f"revenue per visitor {arm.revenue_per_visitor:.0f}"
            )
        srm = report.srm
        self.stdout.write(
            f"Sample ratio: p = {srm.p_value:.4g}"
            + (" — MISMATCH: do not trust these results." if srm.mismatch else " (fine).")
        )
        self.stdout.write(f"Verdict: {headline(report)}")
        for arm, comparison in report.primary.cells if report.primary else ():
            self.stdout.write(
                f"  {arm.arm.name}: chance to beat control {comparison.chance_to_beat:.1%}"
            )
