"""Merge the perangkat daerah that an import split in two.

SPSE-TenderSelesaiNilai writes a unit's budget code (1.03.0.00.0.00.01.0000) as its kd_satker and
gives no kd_satker_str; imports before this change made a second unit of it, so a unit's tender
results sat apart from its RUP, contracts and e-purchasing (Prov. Kalimantan Barat 2023: 125 tender
results of its Dinas PU). Every row that names such a unit is moved to the unit whose budget code
it is, the copy is removed, the indicator rollups are rebuilt (as 0009 does) and the cached
data-quality warnings dropped. A unit known by its budget code alone keeps it, now also as its
budget code, so a later file finds it.
"""

import re

from django.core.cache import cache
from django.db import DatabaseError, migrations, transaction

from p3dn.procurement import rollups

# as p3dn.accounts.unit_codes says today, frozen here: a migration reads no other part
_BUDGET_CODE = re.compile(r"\d+(?:\.\d+){3,}")


def is_budget_code(code: str) -> bool:
    return bool(_BUDGET_CODE.fullmatch(code.strip()))


def merge(apps, schema_editor):
    unit_model = apps.get_model("accounts", "Unit")
    references = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete
        and field.related_model._meta.label == "accounts.Unit"
    ]
    merged = 0
    for unit in list(unit_model.objects.exclude(kd_satker=None).order_by("pk")):
        if not is_budget_code(unit.kd_satker):
            continue
        twins = [
            twin for twin in unit_model.objects.filter(
                pemda_id=unit.pemda_id, kd_satker_str=unit.kd_satker.strip()
            ).exclude(pk=unit.pk).order_by("pk")
            if twin.kd_satker and not is_budget_code(twin.kd_satker)
        ]
        if not twins:
            if not unit.kd_satker_str:
                unit_model.objects.filter(pk=unit.pk).update(kd_satker_str=unit.kd_satker[:60])
            continue
        for model, name in references:
            model._base_manager.filter(**{name: unit.pk}).update(**{name: twins[0].pk})
        unit_model.objects.filter(pk=unit.pk).delete()
        merged += 1
    if merged:
        print(f"  {merged} perangkat daerah named by their budget code merged")
        # the data-quality warnings kept in the cache named the split units (keyed by the
        # newest import, which this does not change): read them afresh
        cache.clear()
        try:
            with transaction.atomic():
                rollups.refresh_all()
        except DatabaseError as exc:  # pragma: no cover - only on a future schema
            print(f"  indicator rollups not rebuilt ({exc}); they follow the next imports")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sign_in_failures_and_locks"),
        ("procurement", "0009_rebuild_rollups_with_apbd_manual_and_c20"),
    ]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop, elidable=True)]
