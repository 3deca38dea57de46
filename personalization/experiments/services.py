"""Experiment use cases: starting and stopping, the batch writer, clean-up, sign-in."""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import app_settings
from ..identity import visitor_id
from .assignment import HOLDOUT_ARM, HOLDOUT_KEY, PERSONALIZED_ARM
from .buffer import EventBuffer, MemoryBuffer, event_buffer
from .models import (
    Arm,
    Enrollment,
    EventKind,
    Experiment,
    ExperimentEvent,
    ExperimentKind,
    ExperimentStatus,
    VisitorAccount,
)
from .sticky import SESSION_KEY, sticky_keep, sticky_read

logger = logging.getLogger(__name__)


# Editing -------------------------------------------------------------------------------------


def arms_problems(
    *, kind: str, slot_id: int | None, arms: Sequence[tuple[Any, Any, bool, Any]]
) -> list[str]:
    """What is wrong with a set of arms (key, weight, is control, variant): at least two, one
    control, positive weights, variants of the experiment's slot."""
    problems = []
    if len(arms) < 2:
        problems.append(_("An experiment needs at least two arms."))
    controls = sum(1 for _key, _weight, is_control, _variant in arms if is_control)
    if controls != 1:
        problems.append(_("Exactly one arm must be the control."))
    if any(not weight or weight < 1 for _key, weight, _control, _variant in arms):
        problems.append(_("Every arm needs a weight of at least 1."))
    keys = [key for key, _weight, _control, _variant in arms]
    if len(set(keys)) != len(keys):
        problems.append(_("Each arm needs its own key."))
    for key, _weight, is_control, variant in arms:
        if kind == ExperimentKind.OFFER and variant is not None:
            problems.append(_("Arms of an offer experiment have no variant (arm %s).") % key)
        elif kind == ExperimentKind.SLOT and variant is not None and variant.slot_id != slot_id:
            problems.append(_("The variant of arm %s belongs to another slot.") % key)
        elif kind == ExperimentKind.SLOT and variant is None and not is_control:
            problems.append(_("Arm %s needs a variant: only the control may have none.") % key)
    return problems


def experiment_start(*, experiment: Experiment, at: datetime.datetime | None = None) -> None:
    """Start enrolling visitors (within its start and end), once its arms are sound."""
    arms = [(a.key, a.weight, a.is_control, a.variant) for a in experiment.arms.all()]
    problems = arms_problems(kind=experiment.kind, slot_id=experiment.slot_id, arms=arms)
    if problems:
        raise ValidationError(problems)
    experiment.status = ExperimentStatus.RUNNING
    experiment.started_at = experiment.started_at or at or timezone.now()
    experiment.stopped_at = None
    try:
        with transaction.atomic():
            experiment.save(update_fields=["status", "started_at", "stopped_at", "updated_at"])
    except IntegrityError:
        raise ValidationError(_("Another experiment is already running on this slot.")) from None


def experiment_stop(
    *, experiment: Experiment, winner: Arm | None = None, at: datetime.datetime | None = None
) -> None:
    """Stop enrolling: every visitor sees what the rules show again."""
    experiment.status = ExperimentStatus.STOPPED
    experiment.stopped_at = at or timezone.now()
    fields = ["status", "stopped_at", "updated_at"]
    if winner is not None:
        experiment.winner = winner
        fields.append("winner")
    experiment.save(update_fields=fields)


def holdout_experiment_ensure(*, at: datetime.datetime | None = None) -> Experiment:
    """The built-in experiment that measures the holdout, created (running, with its arms
    `holdout`, the control, and `personalized`) if it does not exist yet. Idempotent; the
    resolver calls it only while the experiments snapshot lacks it, so once per process."""
    with transaction.atomic():
        experiment, _created = Experiment.objects.get_or_create(
            key=HOLDOUT_KEY,
            defaults={
                "name": "Personalization holdout",
                "kind": ExperimentKind.HOLDOUT,
                "status": ExperimentStatus.RUNNING,
                "started_at": at or timezone.now(),
                "traffic_percent": 100,
                "guardrail_metrics": ["revenue"],
            },
        )
        for key, name, is_control in (
            (HOLDOUT_ARM, "Holdout (defaults)", True),
            (PERSONALIZED_ARM, "Personalized", False),
        ):
            Arm.objects.get_or_create(
                experiment=experiment, key=key, defaults={"name": name, "is_control": is_control}
            )
    return experiment


# Signing in ----------------------------------------------------------------------------------


def account_adopt(*, request: HttpRequest, user) -> None:
    """Carry the browser's visitor id and arms into the account on sign-in.

    The account keeps the visitor id of the first browser it signed in on, and the first arm it
    got in each experiment; on any browser the session then tests under that id. On a browser
    that was already given an arm, that arm stays (the shopper keeps what they were just
    shown); a browser without one gets the account's."""
    browser_id = visitor_id(request, issue=False)
    given = sticky_read(request)
    account = VisitorAccount.objects.filter(user=user).first()
    if account is None:
        if not browser_id:
            return
        account = VisitorAccount.objects.create(user=user, visitor_id=browser_id, assignments=given)
    else:
        merged = {**given, **account.assignments}
        if merged != account.assignments:
            account.assignments = merged
            account.save(update_fields=["assignments", "updated_at"])
    request.session[SESSION_KEY] = account.visitor_id
    if account.assignments != given:
        sticky_keep(request, {**account.assignments, **given})


# The batch writer ----------------------------------------------------------------------------


def events_drain(
    *, batch: int | None = None, max_batches: int = 50, buffer: EventBuffer | None = None
) -> int:
    """Move buffered events into ExperimentEvent and Enrollment, a batch at a time; returns
    how many events were written."""
    buffer = buffer or event_buffer()
    batch = batch or app_settings.EXPERIMENT_DRAIN_BATCH
    written = 0
    for _round in range(max_batches):
        items = buffer.pop(batch)
        if not items:
            break
        try:
            written += events_write(items)
        except Exception:  # a batch the database refused is lost, not retried forever
            logger.exception("A batch of %s experiment events could not be written", len(items))
        if len(items) < batch:
            break
    return written


_in_process_lock = threading.Lock()
_in_process_last = [0.0]  # time.monotonic() of the last in-process drain


def events_drain_in_process(*, now: float | None = None) -> int:
    """Drain a buffer held in this process's memory, where no worker can reach it (no Redis,
    tasks run in process): called once a response has been sent. At most one drain at a time
    (a request that finds one under way skips it) and one every
    EXPERIMENT_DRAIN_IN_PROCESS_SECONDS; returns how many events were written. Never raises."""
    try:
        interval = float(app_settings.EXPERIMENT_DRAIN_IN_PROCESS_SECONDS or 0)
        buffer = event_buffer()
        if interval <= 0 or not isinstance(buffer, MemoryBuffer) or not buffer.size():
            return 0
        if not _in_process_lock.acquire(blocking=False):
            return 0  # another thread is draining
        try:
            moment = time.monotonic() if now is None else now
            if _in_process_last[0] and moment - _in_process_last[0] < interval:
                return 0
            _in_process_last[0] = moment
            written = events_drain(buffer=buffer)
            # Django closed the request's connection before this ran: close the one the drain
            # opened, as the end of a request would (never inside a transaction, as in tests).
            if not connection.in_atomic_block:
                close_old_connections()
            return written
        finally:
            _in_process_lock.release()
    except Exception:
        logger.warning("Buffered experiment events were not drained", exc_info=True)
        return 0


def events_drain_in_process_reset() -> None:
    """Forget when this process last drained (tests: a fresh process)."""
    _in_process_last[0] = 0.0


def _parse(item: str) -> dict | None:
    """One buffered event as plain values, or None if it is not one of ours."""
    try:
        data = json.loads(item)
        if not isinstance(data, dict) or data.get("k") not in EventKind.values:
            return None
        event = {
            "k": data["k"],
            "at": datetime.datetime.fromisoformat(data["t"]),
            "x": None if data.get("x") is None else Decimal(str(data["x"])),
            "m": None if data.get("m") is None else Decimal(str(data["m"])),
            "o": str(data.get("o") or "")[:40],
            "d": str(data.get("d") or "")[:10],
            "r": str(data.get("r") or "")[:10],
            "s": [str(slug) for slug in data.get("s") or []][:20],
        }
        if event["at"].tzinfo is None:
            return None
        if event["k"] != EventKind.RETURN:
            event["e"], event["a"] = int(data["e"]), int(data["a"])
            event["v"] = str(data["v"])[:32]
            if not event["v"]:
                return None
        elif not event["o"]:
            return None
        return event
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None


def _returns_attributed(returns: list[dict], orders_in_batch: list[dict]) -> list[dict]:
    """Each return, as an event of every arm its order was placed under (within the window)."""
    window = datetime.timedelta(days=app_settings.EXPERIMENT_ATTRIBUTION_DAYS)
    order_ids = {r["o"] for r in returns if r.get("o")}
    if not order_ids:
        return []
    placed: dict[str, list[dict]] = defaultdict(list)
    for row in ExperimentEvent.objects.filter(kind=EventKind.ORDER, order_id__in=order_ids):
        placed[row.order_id].append(
            {"e": row.experiment_id, "a": row.arm_id, "v": row.visitor, "d": row.device,
             "r": row.region, "s": row.segments, "at": row.at}
        )  # fmt: skip
    for event in orders_in_batch:
        if event["o"] in order_ids:
            placed[event["o"]].append(event)
    already = set(
        ExperimentEvent.objects.filter(kind=EventKind.RETURN, order_id__in=order_ids).values_list(
            "experiment_id", "order_id"
        )
    )
    attributed = []
    for event in returns:
        for order in placed.get(event["o"], []):
            key = (order["e"], event["o"])
            since = event["at"] - order["at"]
            if key in already or since < datetime.timedelta(0) or since > window:
                continue
            already.add(key)
            attributed.append(
                {**order, "k": EventKind.RETURN, "x": event["x"], "m": None, "o": event["o"],
                 "at": event["at"]}
            )  # fmt: skip
    return attributed


@transaction.atomic
def events_write(items: Sequence[str]) -> int:
    """Write one batch: raw events, and each visitor's Enrollment upserted with the batch's
    totals (rows of the experiments involved are locked, so two writers add up)."""
    parsed = [event for item in items if (event := _parse(item)) is not None]
    events = [e for e in parsed if e["k"] != EventKind.RETURN]
    orders = [e for e in events if e["k"] == EventKind.ORDER]
    events += _returns_attributed([e for e in parsed if e["k"] == EventKind.RETURN], orders)
    if not events:
        return 0
    arms = dict(
        Arm.objects.filter(id__in={e["a"] for e in events}).values_list("id", "experiment_id")
    )
    events = [e for e in events if arms.get(e["a"]) == e["e"]]
    # An order counted once per experiment, however often it is reported.
    order_ids = {e["o"] for e in orders if e["o"]}
    seen = set(
        ExperimentEvent.objects.filter(kind=EventKind.ORDER, order_id__in=order_ids).values_list(
            "experiment_id", "order_id"
        )
    )
    kept = []
    for event in events:
        if event["k"] == EventKind.ORDER and event["o"]:
            if (event["e"], event["o"]) in seen:
                continue
            seen.add((event["e"], event["o"]))
        kept.append(event)
    events = kept
    if not events:
        return 0
    experiment_ids = sorted({e["e"] for e in events})
    # Serialize writers per experiment (PostgreSQL; SQLite writes one at a time anyway).
    list(Experiment.objects.select_for_update().filter(id__in=experiment_ids).values("id"))
    ExperimentEvent.objects.bulk_create(
        [
            ExperimentEvent(
                experiment_id=e["e"], arm_id=e["a"], visitor=e["v"], kind=e["k"], value=e["x"],
                margin=e["m"], order_id=e["o"], device=e["d"], region=e["r"], segments=e["s"],
                at=e["at"],
            )
            for e in events
        ],
        batch_size=1000,
    )  # fmt: skip
    _enrollments_update(events, experiment_ids)
    return len(events)


COUNTERS = {
    EventKind.EXPOSURE: "exposures",
    EventKind.CLICK: "clicks",
    EventKind.ADD_TO_BASKET: "add_to_basket",
    EventKind.CHECKOUT: "checkouts",
    EventKind.ORDER: "orders",
    EventKind.RETURN: "returned",
}
FIELDS = [
    "first_exposure_at", "first_exposure_on", "last_event_at", "exposures", "clicks",
    "add_to_basket", "checkouts", "orders", "converted", "revenue", "margin", "returned",
    "returned_value",
]  # fmt: skip


def _enrollments_update(events: list[dict], experiment_ids: list[int]) -> None:
    visitors = {e["v"] for e in events}
    rows = {
        (row.experiment_id, row.visitor): row
        for row in Enrollment.objects.filter(experiment_id__in=experiment_ids, visitor__in=visitors)
    }
    new: dict[tuple[int, str], Enrollment] = {}
    for event in sorted(events, key=lambda e: e["at"]):
        key = (event["e"], event["v"])
        row = rows.get(key) or new.get(key)
        if row is None:
            row = new[key] = Enrollment(
                experiment_id=event["e"], arm_id=event["a"], visitor=event["v"],
                last_event_at=event["at"], device=event["d"], region=event["r"],
                segments=event["s"],
            )  # fmt: skip
        kind = event["k"]
        setattr(row, COUNTERS[kind], getattr(row, COUNTERS[kind]) + 1)
        if kind == EventKind.EXPOSURE and (
            row.first_exposure_at is None or event["at"] < row.first_exposure_at
        ):
            row.first_exposure_at = event["at"]
            row.first_exposure_on = timezone.localdate(event["at"])
        elif kind == EventKind.ORDER:
            row.converted = True
            row.revenue += event["x"] or 0
            row.margin += event["m"] or 0
        elif kind == EventKind.RETURN:
            row.returned_value += event["x"] or 0
        row.last_event_at = max(row.last_event_at, event["at"])
    if rows:
        Enrollment.objects.bulk_update(rows.values(), FIELDS, batch_size=500)
    if new:
        Enrollment.objects.bulk_create(new.values(), batch_size=500)


def events_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete raw events older than the retention window (Enrollment keeps the totals)."""
    before = (now or timezone.now()) - datetime.timedelta(days=app_settings.EXPERIMENT_EVENT_DAYS)
    deleted, _kinds = ExperimentEvent.objects.filter(at__lt=before).delete()
    return deleted
