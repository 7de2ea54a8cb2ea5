"""Keep the product ids of e-Katalog v6 packages on the fact and the estimated classification
in the rollups (issue 11, point 2).

The product ids of the v6 packages imported before were kept in the fact's ``extra``: they are
moved to ``product_ids`` / ``product_count`` here (a re-import of the same file finds the rows
unchanged and would not). Then the rollups are rebuilt by the application's own
``rollups.refresh_all``, as in 0003; should that code not fit the schema of an old database,
the rollups are skipped and follow the next imports.
"""

from django.db import DatabaseError, migrations, models, transaction

from p3dn.procurement import rollups


def _ids(value):
    ids = []
    for part in str(value or "").split(","):
        part = part.strip()
        if part and part not in ids:
            ids.append(part)
    return ids


def move_product_ids(apps, schema_editor):
    EPurchase = apps.get_model("procurement", "EPurchase")
    rows = EPurchase.objects.filter(source="v6", product_ids="").only("pk", "extra")
    changed = []
    for row in rows.iterator(chunk_size=2000):
        ids = _ids((row.extra or {}).get("product_ids"))
        if ids:
            row.product_ids = ",".join(ids)
            row.product_count = len(ids)
            changed.append(row)
    EPurchase.objects.bulk_update(changed, ["product_ids", "product_count"], batch_size=1000)


def build(apps, schema_editor):
    try:
        with transaction.atomic():
            rollups.refresh_all()
    except DatabaseError as exc:  # pragma: no cover - only on a future schema
        print(f"  indicator rollups not built ({exc}); they follow the next imports")


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0007_tkdn_claim_window'),
    ]

    operations = [
        migrations.AddField(
            model_name='epurchase',
            name='product_count',
            field=models.PositiveIntegerField(default=0, help_text='v6: how many distinct product ids product_ids names'),
        ),
        migrations.AddField(
            model_name='epurchase',
            name='product_ids',
            field=models.TextField(blank=True, help_text="v6: the package's product ids (kd_produk), comma-separated"),
        ),
        migrations.AddField(
            model_name='indicatorrollup',
            name='nilai_estimasi',
            field=models.DecimalField(decimal_places=10, default=0, max_digits=30),
        ),
        migrations.AddField(
            model_name='indicatorrollup',
            name='pdn_estimasi',
            field=models.DecimalField(decimal_places=10, default=0, max_digits=30),
        ),
        migrations.AddField(
            model_name='indicatorrollup',
            name='umk_estimasi',
            field=models.DecimalField(decimal_places=10, default=0, max_digits=30),
        ),
        migrations.RunPython(move_product_ids, migrations.RunPython.noop),
        migrations.RunPython(build, migrations.RunPython.noop, elidable=True),
    ]
