"""Assignment: the same arm for the same visitor anywhere, weights respected, sticky arms."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from personalization.experiments.assignment import (
    ArmEntry,
    ExperimentEntry,
    arm_pick,
    bucket,
    experiments,
    in_holdout,
    is_enrolled,
)
from personalization.experiments.models import Arm

from .conftest import HERO_B, HERO_DEFAULT, slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db

IDS = [f"id-{number:019d}" for number in range(10_000)]


def entry(weights: tuple[int, ...], *, traffic: int = 100, salt: str = "s4lt") -> ExperimentEntry:
    arms = tuple(
        ArmEntry(n, f"arm{n}", f"Arm {n}", weight, n == 0, None) for n, weight in enumerate(weights)
    )
    cumulative = tuple(sum(weights[: n + 1]) for n in range(len(weights)))
    return ExperimentEntry(
        id=1, key="t", name="T", kind="slot", status="running", slot_key="home-hero",
        segment_id=None, salt=salt, traffic_percent=traffic, starts_at=None, ends_at=None,
        arms=arms, cumulative=cumulative,
    )  # fmt: skip


def chi_square(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def test_the_bucket_is_the_first_8_bytes_of_the_sha256_of_salt_and_id():
    import hashlib

    digest = hashlib.sha256(b"abc:visitor").digest()
    assert bucket("abc", "visitor") == int.from_bytes(digest[:8], "big") / 2**64


def test_the_same_visitor_gets_the_same_arm_in_another_process():
    test = entry((1, 1, 1))
    here = [arm_pick(test, vid).key for vid in IDS[:200]]
    script = (
        "import sys, json; sys.path.insert(0, '.');"
        "from tests.personalization.experiments.test_assignment import entry, IDS;"
        "from personalization.experiments.assignment import arm_pick;"
        "print(json.dumps([arm_pick(entry((1, 1, 1)), v).key for v in IDS[:200]]))"
    )
    env_script = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings');"
        "django.setup();" + script
    )
    output = subprocess.run(
        [sys.executable, "-c", env_script], capture_output=True, text=True, check=True,
        env={"DEBUG": "1", "PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    import json

    assert json.loads(output.strip().splitlines()[-1]) == here


@pytest.mark.parametrize("weights", [(1, 1), (1, 3), (2, 1, 1), (5, 3, 2)])
def test_the_split_over_10000_visitors_matches_the_weights(weights):
    test = entry(weights)
    counts = Counter(arm_pick(test, vid).key for vid in IDS)
    total = sum(weights)
    observed = [counts[f"arm{n}"] for n in range(len(weights))]
    expected = [len(IDS) * weight / total for weight in weights]
    # Critical values of chi-square at p = 0.001 for 1, 2 degrees of freedom.
    assert chi_square(observed, expected) < {1: 10.83, 2: 13.82}[len(weights) - 1]


def test_the_traffic_share_enrols_that_share_of_visitors():
    enrolled = sum(is_enrolled(entry((1, 1), traffic=20), vid) for vid in IDS)
    assert 1800 < enrolled < 2200


def test_enrolment_and_arm_are_independent_hashes():
    test = entry((1, 1), traffic=50)
    inside = [vid for vid in IDS if is_enrolled(test, vid)]
    counts = Counter(arm_pick(test, vid).key for vid in inside)
    assert chi_square(list(counts.values()), [len(inside) / 2] * 2) < 10.83


def test_the_holdout_takes_its_share_by_its_own_salt(settings):
    settings.PERSONALIZATION_HOLDOUT_PERCENT = 5
    held = sum(in_holdout(vid) for vid in IDS)
    assert 400 < held < 600
    settings.PERSONALIZATION_HOLDOUT_PERCENT = 0
    assert not any(in_holdout(vid) for vid in IDS[:500])


def test_raising_one_arms_weight_moves_no_visitor_who_already_has_an_arm(as_visitor):
    experiment = slot_experiment()
    vid = visitor_with_arm("hero-test", "b")
    client = as_visitor(vid)
    assert HERO_B in client.get("/").content.decode()  # the arm is now kept on the device
    Arm.objects.filter(experiment=experiment, key="control").update(weight=1_000_000)
    from personalization.experiments.assignment import experiments_changed

    experiments_changed()
    assert arm_pick(experiments().by_key["hero-test"], vid).key == "control"  # by hash alone
    assert HERO_B in client.get("/").content.decode()


def test_a_new_visitor_after_the_weight_change_follows_the_new_weights(as_visitor):
    experiment = slot_experiment()
    Arm.objects.filter(experiment=experiment, key="control").update(weight=1_000_000)
    from personalization.experiments.assignment import experiments_changed

    experiments_changed()
    page = as_visitor(visitor_with_arm("hero-test", "control")).get("/").content.decode()
    assert HERO_DEFAULT in page
