"""After an import that changed many rows, PostgreSQL's planner sees the table as it now is."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from django.db import connection

from conftest import KALBAR_2023_DIR
from p3dn.imports import services
from p3dn.procurement.models import RupPackage

RUP = KALBAR_2023_DIR / "RUP-PaketPenyedia-Terumumkan.parquet"


def planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_large_import_leaves_the_planner_statistics_current():
    rows = pq.read_metadata(RUP).num_rows
    run = services.import_now(actor=None, path=RUP)
    assert run.status == "applied" and run.rows_inserted == rows
    if connection.vendor == "postgresql":
        # ANALYZE ran: the planner counts the rows just written, not an empty table
        assert planner_rows(RupPackage._meta.db_table) == rows
    else:
        assert RupPackage.objects.filter(valid_to__isnull=True).count() == rows
