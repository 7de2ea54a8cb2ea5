"""Store SiRUP's multi-valued fields as the sets they mean.

A consolidated package carries several procurement types, written ';'-separated
(``kd_jenis_pengadaan`` "3;3;4", ``jenis_pengadaan`` "Jasa Konsultansi;Jasa Konsultansi;Jasa
Lainnya"): the import now stores each type once ("3;4", "Jasa Konsultansi;Jasa Lainnya"), and
the jenis filter matches any of them. The fields grow to hold such sets, and the values stored
as they came ("1;1" / "Barang;Barang", every version) are rewritten the same way; so are the
sources of funds of a pencatatan ("APBDP;APBD" is "APBD;APBDP") and the kd_rup lists of
pencatatan and tender results (spaces and repeated codes dropped). The rules are restated here
as they stood, so that the migration means the same whatever the code becomes. A fact whose
stored value was rewritten keeps its content hash: the next import of its file records it once
as updated (a new version with the same values), then unchanged.
"""

from django.db import migrations, models

SEPARATOR = ";"
JENIS = ("Barang", "Pekerjaan Konstruksi", "Jasa Konsultansi", "Jasa Lainnya")


def _parts(value):
    seen: dict[str, None] = {}
    for part in value.split(SEPARATOR):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _jenis(value):
    spelled = {name.lower(): name for name in JENIS}
    names = _parts(SEPARATOR.join(spelled.get(v.lower(), v) for v in _parts(value)))
    order = {name: i for i, name in enumerate(JENIS)}
    return SEPARATOR.join(sorted(names, key=lambda v: order.get(v, len(order))))


def _codes(value):
    codes = _parts(value)
    numbers = sorted((c for c in codes if c.isdigit()), key=int)
    return SEPARATOR.join(numbers + [c for c in codes if not c.isdigit()])


def _rewrite(model, rules):
    """Rewrites the rows whose value of any field in ``rules`` holds a separator."""
    query = models.Q()
    for name in rules:
        query |= models.Q(**{f"{name}__contains": SEPARATOR})
    changed = []
    for row in model.objects.filter(query).only("pk", *rules).iterator(chunk_size=2000):
        dirty = False
        for name, rule in rules.items():
            value = getattr(row, name)
            new = rule(value)
            if new != value:
                setattr(row, name, new)
                dirty = True
        if dirty:
            changed.append(row)
    model.objects.bulk_update(changed, list(rules), batch_size=500)


def forwards(apps, schema_editor):
    _rewrite(
        apps.get_model("procurement", "RupPackage"),
        {"kd_jenis_pengadaan": _codes, "jenis_pengadaan": _jenis},
    )
    _rewrite(
        apps.get_model("procurement", "Pencatatan"),
        {
            "sumber_dana": lambda v: SEPARATOR.join(sorted(_parts(v))),
            "kd_rup": lambda v: SEPARATOR.join(_parts(v)),
        },
    )
    _rewrite(
        apps.get_model("procurement", "TenderResult"),
        {"kd_rup": lambda v: SEPARATOR.join(_parts(v))},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0004_record_sightings_of_unchanged_catalogue_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ruppackage",
            name="jenis_pengadaan",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AlterField(
            model_name="ruppackage",
            name="kd_jenis_pengadaan",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
