"""Care guides by category, held per process (no query on the pages that suggest them), and
the version of reviews."""

from __future__ import annotations

from kernel.snapshot import Snapshot

from .models import CareGuide

CARE_GUIDES: Snapshot[dict[int, CareGuide]] = Snapshot(
    "care-guides",
    load=lambda: {g.category_id: g for g in CareGuide.objects.filter(is_active=True)},
    depends_on=("lifecycle.CareGuide",),
)


# Nothing held: the version alone counts. Product pages show reviews, and shared caches of
# pages put every snapshot's version in their keys, so a new review is seen at once.
REVIEWS: Snapshot[None] = Snapshot("reviews", load=lambda: None, depends_on=("lifecycle.Review",))


def guide_for_category(category_id: int | None) -> CareGuide | None:
    return CARE_GUIDES.get().get(category_id) if category_id is not None else None
