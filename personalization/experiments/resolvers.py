"""The experiment facts of a visitor: `holdout`, `experiment.<key>`, `experiment_visitor`."""

from __future__ import annotations

import logging
from types import MappingProxyType

from django.http import HttpRequest

from ..identity import visitor_id
from ..visitor import Builder, Source, Visitor
from .assignment import (
    HOLDOUT_ARM,
    HOLDOUT_KEY,
    PERSONALIZED_ARM,
    ExperimentEntry,
    arm_pick,
    experiments,
    experiments_running,
    holdout_percent,
    in_holdout,
    is_enrolled,
    visitor_hash,
)
from .models import ExperimentKind
from .sticky import SESSION_KEY, offers_assigned, sticky_keep, sticky_read

logger = logging.getLogger(__name__)


def assignment_visitor_id(request: HttpRequest, *, issue: bool = True) -> str:
    """The id a visitor is assigned by: their account's (carried over from the browser they
    first signed in on), else this browser's, issued now if it has none (unless `issue` is
    false: then "" when it has none)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(request, "session"):
        account_id = request.session.get(SESSION_KEY)
        if isinstance(account_id, str) and account_id:
            return account_id
    return visitor_id(request, issue=issue)


def takes_part(builder: Builder) -> bool:
    """Whether this visitor may be counted: a real page request, analytics consent (Sec-GPC
    removes it), not a search engine, not a staff preview."""
    return (
        builder.request is not None
        and not builder.overrides
        and "analytics" in (builder.get("consent") or ())
        and builder.get("device") != "bot"
    )


class ExperimentResolver:
    """Place the visitor in the holdout or in the arms of running experiments.

    Runs last: an experiment limited to a segment tests the facts the others have found.
    Visitors who cannot be counted take part in nothing and see the control (empty facts)."""

    def resolve(self, builder: Builder) -> None:
        measured = holdout_percent() > 0
        holdout_entry = _holdout_entry(builder) if measured else None
        running = [
            entry
            for entry in experiments_running(builder.now)
            if entry.kind != ExperimentKind.HOLDOUT
        ]
        # An id is issued only when something needs one: a running experiment or the holdout.
        needed = bool(running) or measured
        request = builder.request
        vid = ""
        if request is not None and takes_part(builder):
            vid = assignment_visitor_id(request, issue=needed)
        holdout = bool(vid) and in_holdout(vid)
        builder.add("holdout", holdout, Source.EXPERIMENT if vid else Source.DEFAULT)
        if vid:
            builder.add("experiment_visitor", visitor_hash(vid), Source.EXPERIMENT)
        if holdout_entry is not None:
            # Every counted visitor is in the holdout's experiment: its arm is the holdout hash.
            arm_key = (HOLDOUT_ARM if holdout else PERSONALIZED_ARM) if vid else ""
            builder.add(
                holdout_entry.fact, arm_key, Source.EXPERIMENT if arm_key else Source.DEFAULT
            )
        if not running:
            return
        given = sticky_read(request) if vid else {}
        kept = {key: arm for key, arm in given.items() if any(e.key == key for e in running)}
        provisional = None
        for entry in running:
            arm_key = ""
            if request is not None and vid and not holdout:
                sticky = entry.arm(kept.get(entry.key, ""))
                if sticky is not None:
                    arm_key = sticky.key
                elif is_enrolled(entry, vid):
                    if entry.segment_id is not None:
                        if provisional is None:
                            provisional = Visitor(
                                facts=MappingProxyType(dict(builder.facts)), now=builder.now
                            )
                        if not _in_segment(entry.segment_id, provisional):
                            builder.add(entry.fact, "", Source.DEFAULT)
                            continue
                    arm_key = arm_pick(entry, vid).key
                    kept[entry.key] = arm_key
                    if entry.kind == ExperimentKind.OFFER:
                        # An offer test shows itself wherever prices are: being assigned is
                        # the exposure (recorded once the visitor exists, see sticky.py).
                        offers_assigned(request).append(entry.key)
            builder.add(entry.fact, arm_key, Source.EXPERIMENT if arm_key else Source.DEFAULT)
        if request is not None and vid and kept != given:
            sticky_keep(request, kept)


def _holdout_entry(builder: Builder) -> ExperimentEntry | None:
    """The running experiment that measures the holdout, created on first use (one process
    creates it once; afterwards it is in the snapshot and costs no query)."""
    entry = experiments().by_key.get(HOLDOUT_KEY)
    if entry is None and builder.request is not None:
        from .services import holdout_experiment_ensure

        try:
            holdout_experiment_ensure(at=builder.now)
        except Exception:  # the page goes on; the holdout is measured from a later request
            logger.warning("The holdout experiment could not be created", exc_info=True)
            return None
        entry = experiments().by_key.get(HOLDOUT_KEY)
    if entry is None or not entry.is_running(builder.now):
        return None
    return entry


def _in_segment(segment_id: int, visitor: Visitor) -> bool:
    from ..slots import content, segment_result

    segment = content().segments.get(segment_id)
    return segment is not None and segment_result(segment, visitor) is not None
