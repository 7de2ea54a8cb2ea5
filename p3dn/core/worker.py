"""The background work of the top: process a queued import, then what depends on its facts.

The imports app does not know who reads its facts; the worker loops (``p3dn worker`` and the
thread of ``p3dn serve``) call the readers after each applied import: the registry of domestic
products takes in the new TKDN lists and e-Katalog data (catalog.sync), then the TKDN claims
are verified against it (catalog.claims; the purchases an import brings change who bought a
product), the TKDN-IK candidates whose certificate arrived are closed (tkdnik) and the product
search index is rebuilt from it (catalog.search); the data-quality warnings of the refreshed
Pemda-year are computed into the shared cache (quality). When idle, the
loops also bring the registry up to date with imports that did not pass through them (``p3dn
import`` on the command line, an import run inline by the web), at most once a minute, verify
the claims again when the registry changed or the day did (certificates expire), and rebuild
the search index when the registry changed (a hand entry).
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.utils import timezone, translation

from p3dn.catalog.claims.queries import last_run
from p3dn.catalog.claims.services import verify_claims
from p3dn.catalog.search.services import index_is_stale, refresh_index
from p3dn.catalog.sync import sync_registry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.monitoring.monev import services as monev
from p3dn.quality.cached import year_warnings
from p3dn.tkdnik import services as tkdnik

logger = logging.getLogger(__name__)

REGISTRY_CHECK_SECONDS = 60


def process(run: ImportRun) -> ImportRun:
    """Run a claimed import; after an applied one, sync the registry."""
    with contextlib.suppress(services.ImportBusy):  # recorded on the run
        services.run_import(run, progress=services.progress_writer(run))
    if run.status == ImportRun.Status.APPLIED:
        sync_registry_safely(verify=True)
        warm_quality_safely(run)
    return run


def warm_quality_safely(run: ImportRun) -> None:
    """Compute the data-quality warnings of the Pemda-year an import refreshed, into the cache
    the server's processes share (quality/cached.py, keyed by the newest refresh): the first
    Dasbor, ranking or API read after an import then finds them. A failure is logged; the
    first reader computes them instead."""
    if run.pemda is None or run.tahun is None:
        return
    try:
        with translation.override(settings.LANGUAGE_CODE):
            year_warnings(pemda=run.pemda, tahun=run.tahun)
    except Exception:
        logger.exception("computing the data-quality warnings after import %s failed", run.pk)


def sync_registry_safely(*, verify: bool = False) -> None:
    """For the background loops: sync the registry, then verify the claims when asked, when the
    sync changed something or when the last verification is of an earlier day. A failure is
    logged, never stops the loop (the next run does what this one did not; nothing is
    half-written, the sync and the verification are one transaction each)."""
    try:
        result = sync_registry(actor="worker")
    except Exception:  # the worker must keep running whatever happens here
        logger.exception("syncing the product registry failed")
        result = None
    if result is not None:
        try:
            previous = last_run()
            if verify or result.changed or previous is None or (
                previous.as_of < timezone.localdate()
            ):
                verify_claims(actor="worker")
        except Exception:  # as above
            logger.exception("verifying the TKDN claims failed")
        if verify or result.changed:
            close_tkdnik_candidates_safely()
    refresh_search_safely()


def close_tkdnik_candidates_safely() -> None:
    """Close the TKDN-IK candidates whose certificate the registry now holds (one
    transaction); a failure is logged, the next sync tries again."""
    try:
        tkdnik.match_certificates(actor="worker")
    except Exception:  # the worker must keep running whatever happens here
        logger.exception("closing TKDN-IK candidates from the registry failed")


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
