"""Rebuild the indicator rollups: they now hold the APBD commitment of the template, the manual
realization channel and the TKDN, PDN or UMKK (a union) part of the realization (C20), which rollups built
before lack (read back, they would show 0 instead of the figure).

Runs the application's own ``rollups.refresh_all``, as 0003 does, with the same fallback.
"""

from django.db import DatabaseError, migrations, transaction

from p3dn.procurement import rollups


def build(apps, schema_editor):
    try:
        with transaction.atomic():
            rollups.refresh_all()
    except DatabaseError as exc:  # pragma: no cover - only on a future schema
        print(f"  indicator rollups not rebuilt ({exc}); they follow the next imports")


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0008_classify_v6_products_and_estimates"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=True)]
