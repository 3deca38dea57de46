"""Who takes part in which experiment, and in which arm: a hash, no storage.

A visitor's place in an experiment comes from their first-party visitor id and the
experiment's salt: `bucket = first 8 bytes of sha256(f"{salt}:{visitor_id}") / 2**64`; they take
part when the bucket is below the traffic share, and a second, independent hash
(`f"{salt}:arm:{visitor_id}"`) falls on the arms' cumulative weights. Every process gives the
same visitor the same arm. Arms already given are also kept in a signed cookie (see sticky.py),
so that changing weights mid-run moves nobody who has already seen an arm.

Running experiments and their arms are loaded once per process and kept under a version every
save bumps (kernel/snapshot.py): assigning costs no SQL query in the steady state.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils.crypto import salted_hmac

from kernel.scheduling import is_live
from kernel.snapshot import Snapshot

from ..conf import app_settings
from .models import Experiment, ExperimentKind, ExperimentStatus

SNAPSHOT = "experiments"
# Fixed for the life of the site: changing it would move everyone in or out of the holdout.
HOLDOUT_SALT = "storefront-holdout"
# The built-in experiment that measures the holdout (services.holdout_experiment_ensure): its
# control arm holds the visitors in the holdout, the other arm every other counted visitor.
HOLDOUT_KEY = "personalization-holdout"
HOLDOUT_ARM, PERSONALIZED_ARM = "holdout", "personalized"


@dataclass(frozen=True)
class ArmEntry:
    id: int
    key: str
    name: str
    weight: int
    is_control: bool
    variant_id: int | None


@dataclass(frozen=True)
class ExperimentEntry:
    """An experiment as assignment needs it: plain values, held per process."""

    id: int
    key: str
    name: str
    kind: str
    status: str
    slot_key: str
    segment_id: int | None
    salt: str
    traffic_percent: int
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    arms: tuple[ArmEntry, ...]
    cumulative: tuple[int, ...] = field(default=(), repr=False)

    @property
    def fact(self) -> str:
        return f"experiment.{self.key}"

    def is_running(self, at: datetime.datetime) -> bool:
        """The in-memory twin of ExperimentQuerySet.running."""
        return (
            self.status == ExperimentStatus.RUNNING
            and len(self.arms) >= 2
            and is_live(self.starts_at, self.ends_at, at)
        )

    def arm(self, key: str) -> ArmEntry | None:
        return next((arm for arm in self.arms if arm.key == key), None)

    @property
    def control(self) -> ArmEntry | None:
        return next((arm for arm in self.arms if arm.is_control), None)


@dataclass(frozen=True)
class Experiments:
    by_key: dict[str, ExperimentEntry]
    by_slot: dict[str, ExperimentEntry]  # the running (status) experiment of each slot
    by_id: dict[int, ExperimentEntry]


def experiments_load() -> Experiments:
    by_key = {}
    for experiment in (
        Experiment.objects.select_related("slot").prefetch_related("arms").order_by("id")
    ):
        arms = tuple(
            ArmEntry(arm.pk, arm.key, arm.name, arm.weight, arm.is_control, arm.variant_id)
            for arm in experiment.arms.all()
        )
        cumulative, total = [], 0
        for arm in arms:
            total += arm.weight
            cumulative.append(total)
        by_key[experiment.key] = ExperimentEntry(
            id=experiment.pk,
            key=experiment.key,
            name=experiment.name,
            kind=experiment.kind,
            status=experiment.status,
            slot_key=experiment.slot.key if experiment.slot is not None else "",
            segment_id=experiment.segment_id,
            salt=experiment.salt,
            traffic_percent=experiment.traffic_percent,
            starts_at=experiment.starts_at,
            ends_at=experiment.ends_at,
            arms=arms,
            cumulative=tuple(cumulative),
        )
    by_slot = {
        entry.slot_key: entry
        for entry in by_key.values()
        if entry.kind == ExperimentKind.SLOT
        and entry.slot_key
        and entry.status == ExperimentStatus.RUNNING
    }
    return Experiments(by_key=by_key, by_slot=by_slot, by_id={e.id: e for e in by_key.values()})


# Registered in ExperimentsConfig.ready(): every save or delete of an experiment or arm bumps it.
EXPERIMENTS: Snapshot[Experiments] = Snapshot(
    SNAPSHOT, load=experiments_load, depends_on=("experiments.Experiment", "experiments.Arm")
)


def experiments() -> Experiments:
    """Every experiment (any status) with its arms, from this process's snapshot."""
    return EXPERIMENTS.get()


def experiments_changed() -> None:
    EXPERIMENTS.bump()


def experiments_running(at: datetime.datetime) -> list[ExperimentEntry]:
    """The running experiments, the holdout's included (when it exists)."""
    return [entry for entry in experiments().by_key.values() if entry.is_running(at)]


# Hashing ---------------------------------------------------------------------------------------


def bucket(salt: str, visitor_id: str) -> float:
    """A number in [0, 1) that only the salt and the visitor id decide."""
    digest = hashlib.sha256(f"{salt}:{visitor_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_enrolled(experiment: ExperimentEntry, visitor_id: str) -> bool:
    """Whether the visitor falls inside the experiment's traffic share."""
    return bucket(experiment.salt, visitor_id) < experiment.traffic_percent / 100


def arm_pick(experiment: ExperimentEntry, visitor_id: str) -> ArmEntry:
    """The arm the visitor's second hash falls on, by the arms' weights."""
    point = bucket(f"{experiment.salt}:arm", visitor_id) * experiment.cumulative[-1]
    return experiment.arms[bisect.bisect_right(experiment.cumulative, point)]


def holdout_percent() -> float:
    """HOLDOUT_PERCENT as a number (0 when it is not one: the start-up check E005 says so)."""
    try:
        return float(app_settings.HOLDOUT_PERCENT or 0)
    except (TypeError, ValueError):
        return 0.0


def in_holdout(visitor_id: str) -> bool:
    """Whether the visitor is in the site-wide holdout that sees defaults everywhere."""
    percent = holdout_percent()
    return percent > 0 and bucket(HOLDOUT_SALT, visitor_id) < percent / 100


def visitor_hash(visitor_id: str) -> str:
    """What events store instead of the visitor id: keyed with the site's secret, so a stored
    row cannot be matched with a cookie without it."""
    return _visitor_hash(visitor_id, settings.SECRET_KEY)


# Every page of a visit hashes the same id: remembered per process (bounded), under the secret.
@lru_cache(maxsize=10_000)
def _visitor_hash(visitor_id: str, secret: str) -> str:
    return salted_hmac(
        "personalization.experiments.visitor", visitor_id, secret=secret
    ).hexdigest()[:32]
