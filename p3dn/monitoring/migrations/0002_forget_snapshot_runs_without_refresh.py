"""A snapshot's ``last_import`` becomes the facts' refresh of the same number (the run's id,
procurement.0005): a number with no refresh (a run that was not an applied import of one
Pemda, which ``take_snapshot`` never chose) is forgotten before the key changes table. A
migration of its own, so that PostgreSQL changes the rows and the table in two transactions."""

from django.db import migrations


def forget_runs_without_refresh(apps, schema_editor):
    Snapshot = apps.get_model("monitoring", "Snapshot")
    Refresh = apps.get_model("procurement", "Refresh")
    known = Refresh.objects.values("run_id")
    Snapshot.objects.filter(last_import_id__isnull=False).exclude(
        last_import_id__in=known
    ).update(last_import=None)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("procurement", "0006_record_fact_refreshes"),
    ]

    operations = [
        migrations.RunPython(forget_runs_without_refresh, migrations.RunPython.noop),
    ]
