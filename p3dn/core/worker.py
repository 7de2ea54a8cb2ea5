"""The background work of the top: process a queued import, then what depends on its facts.

The imports app does not know who reads its facts; the worker loops (``p3dn worker`` and the
thread of ``p3dn serve``) call the readers after each applied import: the registry of domestic
products takes in the new TKDN lists and e-Katalog data (catalog.sync), and the product
search index is rebuilt from it (catalog.search). When idle, the loops
also bring the registry up to date with imports that did not pass through them (``p3dn
import`` on the command line, an import run inline by the web), at most once a minute.
"""

from __future__ import annotations

import contextlib
import logging

from p3dn.catalog.search.services import index_is_stale, refresh_index
from p3dn.catalog.sync import sync_registry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.monitoring import monev

logger = logging.getLogger(__name__)

REGISTRY_CHECK_SECONDS = 60


def process(run: ImportRun) -> ImportRun:
    """Run a claimed import; after an applied one, sync the registry."""
    with contextlib.suppress(services.ImportBusy):  # recorded on the run
        services.run_import(run, progress=services.progress_writer(run))
    if run.status == ImportRun.Status.APPLIED:
        sync_registry_safely()
    return run


def sync_registry_safely() -> None:
    """For the background loops: a failure is logged, never stops the loop (the next sync
    takes in what this one did not; nothing is half-written, the sync is one transaction)."""
    try:
        sync_registry(actor="worker")
    except Exception:  # the worker must keep running whatever happens here
        logger.exception("syncing the product registry failed")
    refresh_search_safely()


def refresh_search_safely() -> None:
    """Rebuild the product search index when the registry changed since it was built (a sync,
    a hand entry); a failure is logged, the old index stays (the rebuild is one transaction)."""
    try:
        if index_is_stale():
            refresh_index(actor="worker")
    except Exception:  # the worker must keep running whatever happens here
        logger.exception("refreshing the product search index failed")


class Idle:
    """What the loops do when no import waits: due Monev snapshots (hourly), the registry
    (each minute; a sync with nothing new costs four small queries)."""

    def __init__(self) -> None:
        self.monev_due = monev.Every(monev.DUE_CHECK_SECONDS)
        self.registry_due = monev.Every(REGISTRY_CHECK_SECONDS)

    def __call__(self) -> None:
        if self.monev_due():
            monev.take_due_snapshots_safely()
        if self.registry_due():
            sync_registry_safely()
