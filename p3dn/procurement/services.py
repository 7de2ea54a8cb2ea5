"""Writes on the procurement facts' own records. The facts themselves are written by the import
engine (p3dn/imports/writer.py) and their sums by ``rollups.refresh_after_import``; here is
what an applied import records about them beside: that it refreshed a Pemda's facts.
"""

from __future__ import annotations

from django.db import transaction

from p3dn.procurement.models import Refresh


@transaction.atomic
def record_refresh(*, run_id: int, pemda_id: int) -> Refresh:
    """Record that the applied import ``run_id`` refreshed the facts of ``pemda_id`` (once per
    run; a run applied again after its closing was confirmed keeps its one record).

    Not audited on its own: the run's own audit entry (``imports.run.applied``) is the record
    of this write, and the refresh holds nothing the run does not."""
    refresh, _created = Refresh.objects.get_or_create(
        run_id=run_id, defaults={"pemda_id": pemda_id}
    )
    return refresh
