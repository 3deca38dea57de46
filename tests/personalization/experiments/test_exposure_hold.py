"""Pages' exposures held in the worker for a moment and pushed together: one round trip to the
buffer per period instead of one per page, and nothing lost when the period ends or when the
process exits normally."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from personalization.experiments.buffer import HeldBuffer, MemoryBuffer, exposure_buffer
from personalization.experiments.models import Enrollment

from .conftest import HERO_B, buffered, drain, slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db


class Counting(MemoryBuffer):
    """A buffer that counts the calls it gets (each a round trip, were it Redis)."""

    def __init__(self) -> None:
        super().__init__(maxlen=1000)
        self.pushes = 0

    def push(self, items: list[str]) -> bool:
        self.pushes += 1
        return super().push(items)


def waited_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_first_events_go_at_once_and_the_periods_others_together_at_its_end():
    inner = Counting()
    held = HeldBuffer(inner, 0.2)
    held.push(["a"])
    assert (inner.pop(10), inner.pushes) == (["a"], 1)
    held.push(["b"])
    held.push(["c", "d"])
    assert inner.size() == 0  # held until the period ends
    assert waited_for(lambda: inner.size() == 3)
    assert (inner.pop(10), inner.pushes) == (["b", "c", "d"], 2)


def test_a_push_after_a_quiet_spell_goes_at_once():
    inner = Counting()
    held = HeldBuffer(inner, 0.05)
    held.push(["a"])
    time.sleep(0.1)
    held.push(["b"])
    assert inner.pop(10) == ["a", "b"]


def pushed_by_a_process(tmp_path, body: str) -> list[str]:
    """Run `body` in a new Python process where `File()` is a buffer writing what it is pushed
    to a file, each item with whether the process that pushed it is the first one
    (`parent`); returns those lines."""
    out = tmp_path / "pushed.txt"
    script = textwrap.dedent(
        f"""
            import os, sys
            sys.path.insert(0, {str(sys.path[0])!r})
            from personalization.experiments import buffer

            parent = os.getpid()

            class File:
                def push(self, items):
                    with open({str(out)!r}, "a") as f:
                        f.write("".join(f"{{os.getpid() == parent}}:{{i}}\\n" for i in items))
                    return True
            """
    ) + textwrap.dedent(body)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=sys.path[0], timeout=60)
    return out.read_text().split()


def test_a_process_that_exits_normally_pushes_what_it_held(tmp_path):
    """A worker told to stop (gunicorn's TERM, its request limit) leaves nothing behind."""
    body = """
        held = buffer.HeldBuffer(File(), 3600)
        held.push(["first"])
        held.push(["second"])
        held.push(["third"])
        """
    assert pushed_by_a_process(tmp_path, body) == ["True:first", "True:second", "True:third"]


def test_pages_exposures_reach_the_buffer_together_and_count_once_each(as_visitor, settings):
    settings.PERSONALIZATION_EXPERIMENT_EXPOSURE_HOLD_SECONDS = 3600
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    assert HERO_B in client.get("/").content.decode()
    assert len(buffered()) == 1  # the first page's, at once
    for _ in range(3):
        assert HERO_B in client.get("/").content.decode()
    assert buffered() == []  # held in the worker
    exposure_buffer().flush()  # the period's end
    assert drain() == 3
    assert Enrollment.objects.get().exposures == 3


def test_a_forked_worker_does_not_push_what_its_parent_held(tmp_path):
    """gunicorn forks its workers from a master that may have loaded the shop: what the master
    held is pushed once, by the master, never again by each worker on its way out."""
    body = """
        inner = File()
        held = buffer._held[(inner, 3600.0)] = buffer.HeldBuffer(inner, 3600)
        held.push(["first"])
        held.push(["held"])
        child = os.fork()
        if child == 0:
            sys.exit(0)  # a worker's normal exit
        os.waitpid(child, 0)
        """
    assert pushed_by_a_process(tmp_path, body) == ["True:first", "True:held"]
