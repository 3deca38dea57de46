"""Editor data (offers, segments, slots, region sets, questions, stores) loaded once per process.

Each kind of data has a version, kept in the database (a version row, the truth) and copied
to the shared cache (what workers read on every request). A change bumps the database row in
its own transaction and, once committed, the cache, so every worker notices on its next request
and reloads; in between, reading costs one cache read per request and no SQL query, however
many rows there are.

Within one request the versions are read once, for every snapshot at the same time (one
`get_many`, a single MGET on Redis), and the page is built from the data of that moment; a
change committed meanwhile is seen by the next request. With `KERNEL_SNAPSHOT_VERSIONS_SECONDS`
set, the next requests of the same process reuse the versions read for that many seconds: a
change made by another process is then seen up to that much later (one made by this process,
at once), and a busy process reads them a few times a second instead of once per request.
Outside a request (a Celery task, a command) each read asks the cache.

When the cache does not answer (Redis down, or its circuit breaker open) or has no version, the
process reads the version from the database instead: a change made during a Redis outage is seen
at once. When the cache disagrees with what a process holds, the database decides and the cache
is corrected, so a Redis that comes back with an old version cannot bring back old data. And
every `KERNEL_SNAPSHOT_MAX_AGE` seconds each process checks the database anyway, in case a bump
never reached the cache at all.

The version rows live in the model named by `KERNEL_SNAPSHOT_VERSION_MODEL` ("app_label.Model",
with a `name` primary key and a `version` field), looked up when used: the kernel owns no table
and imports none of our apps.

A snapshot is declared once, with its name, its loader and the models its data is built from
(`Snapshot("offers", load=..., depends_on=("offers.Offer", "personalization.RegionSet"))`), and
registered from its app's `AppConfig.ready()` (`snapshot_register`). The kernel then bumps it on
every save, delete and many-to-many change of those models, inside the change's transaction
(published to the shared cache once committed, nothing if rolled back): no app wires its own
invalidation, and a snapshot built from another app's rows is refreshed when they change.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from kernel.conf import setting

T = TypeVar("T")

# Seconds a process trusts the shared cache's versions before checking the database's: the
# longest a change whose bump never reached the cache stays unseen.
MAX_AGE_DEFAULT = 30
# Seconds the versions read at the start of a request are used: the request's length, up to
# this (a thread whose request never said it finished holds nothing older).
REQUEST_VERSIONS_LIFETIME = 1.0


class _Held(NamedTuple):
    version: str
    data: Any
    checked_at: float  # time.monotonic() when the version was last compared with the database


_local: dict[str, _Held] = {}
# Re-entrant: loading one snapshot may read another (segments read the question facts).
_lock = threading.RLock()


_thread = threading.local()


def _uncommitted() -> set[str]:
    """Versions this thread bumped in a transaction not committed yet (if it is rolled back,
    they are never seen again)."""
    if not hasattr(_thread, "versions"):
        _thread.versions = set()
    return cast(set[str], _thread.versions)


def _version_model() -> type[models.Model]:
    """The model holding the versions, named by the KERNEL_SNAPSHOT_VERSION_MODEL setting."""
    label = getattr(settings, "KERNEL_SNAPSHOT_VERSION_MODEL", "")
    if not label:
        raise ImproperlyConfigured(
            "Set KERNEL_SNAPSHOT_VERSION_MODEL to the model holding snapshot versions, "
            'e.g. "personalization.SnapshotVersion".'
        )
    return apps.get_model(label)


def _max_age() -> float:
    return cast(float, setting("KERNEL_SNAPSHOT_MAX_AGE", MAX_AGE_DEFAULT))


def _key(name: str) -> str:
    return f"personalization:snapshot:{name}"


def _version_stored(name: str) -> str:
    """The version in the database, created on first use."""
    row, _created = _version_model()._default_manager.get_or_create(
        name=name, defaults={"version": uuid.uuid4().hex}
    )
    # The model is named by a setting (checked at start-up to have a `version` field).
    return cast(str, row.version)  # type: ignore[attr-defined]


class _RequestVersions(NamedTuple):
    read_at: float
    versions: dict[str, str | None]


# The versions the last request of this process read, for the next ones to reuse (see above).
_process_versions: _RequestVersions | None = None


def _versions_reused_seconds() -> float:
    return float(setting("KERNEL_SNAPSHOT_VERSIONS_SECONDS", 0))


def request_versions_start(**_kwargs: Any) -> None:
    """A request begins (connected to request_started): its versions are read on first use,
    or are the ones a request of this process read less than the reuse time ago."""
    now = time.monotonic()
    held = _process_versions
    reused = held is not None and now - held.read_at < _versions_reused_seconds()
    _thread.request = _RequestVersions(now, dict(held.versions) if held and reused else {})


def request_versions_end(**_kwargs: Any) -> None:
    """A request ended (connected to request_finished): reads ask the cache again."""
    _thread.request = None


def _version_cached(name: str) -> str | None:
    """The cache's version of `name` (None when missing or when the cache did not answer); in
    a request, read once with every other snapshot's."""
    held: _RequestVersions | None = getattr(_thread, "request", None)
    if held is None or time.monotonic() - held.read_at > REQUEST_VERSIONS_LIFETIME:
        return cast("str | None", cache.get(_key(name)))
    if name not in held.versions:
        names = {name, *_declared}
        # {} when the cache did not answer: every version reads as missing.
        found = cache.get_many([_key(each) for each in names])
        held.versions.update({each: found.get(_key(each)) for each in names})
        if found:  # the cache answered: the next requests may reuse these
            global _process_versions
            _process_versions = _RequestVersions(time.monotonic(), dict(held.versions))
    return held.versions[name]


def _request_versions_forget() -> None:
    """This thread changed a version: the rest of its request, and the process's next
    requests, read them again."""
    global _process_versions
    _process_versions = None
    held: _RequestVersions | None = getattr(_thread, "request", None)
    if held is not None:
        held.versions.clear()


def _request_version_note(name: str, version: str) -> None:
    """This thread put `version` in the cache: the rest of its request reads it from here."""
    held: _RequestVersions | None = getattr(_thread, "request", None)
    if held is not None and name in held.versions:
        held.versions[name] = version
    reused = _process_versions
    if reused is not None and name in reused.versions:
        reused.versions[name] = version


def snapshot(name: str, load: Callable[[], Any]) -> Any:
    """The loaded data for `name`, reloaded only when its version changed."""
    cached = _version_cached(name)
    held = _local.get(name)
    now = time.monotonic()
    if held is not None and cached == held.version and now - held.checked_at < _max_age():
        return held.data
    version = _version_stored(name)
    if held is not None and held.version == version:
        _local[name] = held._replace(checked_at=now)
        data = held.data
    else:
        with _lock:
            data = load()
            _local[name] = _Held(version, data, now)
    if version in _uncommitted():
        pass  # read inside the transaction that bumped it: told to everyone once committed
    elif cached is None:
        # Missing (or the cache did not answer: then this fails fast and changes nothing). Only
        # if still missing: a bump committed meanwhile has put its newer version there.
        cache.add(_key(name), version, timeout=None)
        _request_version_note(name, version)
    elif cached != version:
        # Left behind by a bump that could not reach the cache: put the truth back.
        cache.set(_key(name), version, timeout=None)
        _request_version_note(name, version)
    return data


def snapshot_bump(name: str) -> str:
    """Mark `name`'s data as changed for every process.

    Call it when the data changes, inside the same transaction: the database's version changes
    with the data. The cache's copy is removed now (until the commit, workers read the version
    from the database, where they see the old one with the old rows) and the new version is
    put there once the transaction is committed."""
    version = uuid.uuid4().hex
    _version_model()._default_manager.update_or_create(name=name, defaults={"version": version})
    cache.delete(_key(name))
    _request_versions_forget()
    uncommitted = _uncommitted()
    uncommitted.add(version)

    def publish() -> None:
        uncommitted.discard(version)
        cache.set(_key(name), version, timeout=None)
        _request_versions_forget()

    transaction.on_commit(publish)
    return version


def snapshot_recheck(name: str) -> None:
    """Compare `name`'s version with the database on its next use: the database has just shown
    this process's data to be out of date (its bump never reached the shared cache)."""
    held = _local.get(name)
    if held is not None:
        _local[name] = held._replace(checked_at=float("-inf"))


def snapshot_forget_all() -> None:
    """Drop every snapshot this process holds, as a newly started worker has none."""
    global _process_versions
    with _lock:
        _local.clear()
        _process_versions = None


class Snapshot(Generic[T]):
    """One kind of per-process data: its name (its version's key), how it is loaded, and the
    models ("app_label.ModelName", many-to-many tables too: "offers.Offer_categories") whose
    changes make it out of date."""

    def __init__(self, name: str, *, load: Callable[[], T], depends_on: Iterable[str] = ()) -> None:
        self.name = name
        self.load = load
        self.depends_on = tuple(depends_on)

    def __repr__(self) -> str:
        return f"<Snapshot {self.name}>"

    def get(self) -> T:
        """The data, reloaded only when its version changed."""
        return cast(T, snapshot(self.name, self.load))

    def version(self) -> str:
        """The version of the data `get()` gives now: caches built from the data put it in
        their keys, so a change leaves their old entries behind."""
        self.get()
        return _local[self.name].version

    def bump(self) -> str:
        """Mark the data as changed for every process (see snapshot_bump)."""
        return snapshot_bump(self.name)

    def recheck(self) -> None:
        snapshot_recheck(self.name)

    def changed(self, sender: type[models.Model], **kwargs: Any) -> None:
        """A row it depends on changed: bump, in the change's transaction. Many-to-many changes
        are counted once they are made (post_add, post_remove, post_clear)."""
        action = kwargs.get("action")
        if action is None or action.startswith("post_"):
            self.bump()


_declared: dict[str, Snapshot[Any]] = {}


def snapshot_register(declared: Snapshot[T]) -> Snapshot[T]:
    """Register a declared snapshot from its app's ready(): every save, delete or many-to-many
    change of the models it depends on bumps it."""
    existing = _declared.get(declared.name)
    if existing is not None and existing is not declared:
        raise ImproperlyConfigured(f"The snapshot {declared.name!r} is declared twice.")
    for label in declared.depends_on:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as error:
            raise ImproperlyConfigured(
                f"The snapshot {declared.name!r} depends on {label!r}, which is not an "
                'installed model: name it "app_label.ModelName".'
            ) from error
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(
                declared.changed,
                sender=model,
                weak=False,
                dispatch_uid=f"snapshot:{declared.name}:{label}",
            )
    _declared[declared.name] = declared
    return declared


def snapshots_declared() -> tuple[Snapshot[Any], ...]:
    """Every registered snapshot."""
    return tuple(_declared.values())
