"""Loading the shipped region reference data and editing the code mappings."""

from __future__ import annotations

import csv
import gzip
import io
import json
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from p3dn.audit.services import diff, log, snapshot
from p3dn.regions.access import require_code_editor
from p3dn.regions.models import ExternalCode, Region
from p3dn.rules.errors import RuleInputError
from p3dn.rules.regions import parse_region_code
from p3dn.web.rule_errors import message_for

DATA = resources.files("p3dn.regions") / "data"


def _read_csv(name: str) -> list[dict[str, str]]:
    plain, packed = DATA / name, DATA / (name + ".gz")
    if plain.is_file():
        text = plain.read_text(encoding="utf-8")
    else:
        text = gzip.decompress(packed.read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def decree() -> dict[str, Any]:
    """The Kepmendagri decree the shipped regions follow: name, date and source."""
    result: dict[str, Any] = json.loads((DATA / "decree.json").read_text(encoding="utf-8"))
    return result


@transaction.atomic
def sync_reference_data() -> dict[str, int]:
    """Create what is missing of the shipped regions and code mappings; idempotent.

    Rows an admin entered by hand are never touched; shipped rows are added, not overwritten.
    The Pemda of each region and their KLPD codes are accounts' to create
    (``accounts.services.sync_reference_data``, which calls this first).
    """
    counts = {"regions": 0, "codes": 0}
    rows = _read_csv("wilayah.csv")
    existing = set(Region.objects.values_list("code", flat=True))
    missing = [r for r in rows if r["code"] not in existing]
    # Parents come first in code order, so one bulk insert keeps foreign keys valid.
    Region.objects.bulk_create(
        [
            Region(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"] or None)
            for r in missing
        ],
        batch_size=2000,
    )
    counts["regions"] = len(missing)

    have = set(ExternalCode.objects.values_list("system", "code"))
    taken = set(ExternalCode.objects.values_list("system", "region_id"))
    new_codes = []
    for row in _read_csv("external_codes.csv"):
        if row["system"] == "klpd":
            continue
        if (row["system"], row["code"]) in have or (row["system"], row["region_code"]) in taken:
            continue
        new_codes.append(
            ExternalCode(
                system=row["system"],
                code=row["code"],
                region_id=row["region_code"],
                name_in_source=row["name_in_source"],
                shipped=True,
            )
        )
    ExternalCode.objects.bulk_create(new_codes)
    counts["codes"] = len(new_codes)
    return counts


def shipped_klpd_codes() -> list[tuple[str, str]]:
    """(LKPP KLPD code, Kemendagri region code) of every shipped Pemda code, in file order."""
    return [
        (row["code"], row["region_code"])
        for row in _read_csv("external_codes.csv")
        if row["system"] == "klpd"
    ]


def pemda_name(region: Region) -> str:
    """LKPP-style name of the government of a region: 'Kab. Bandung', 'Prov. Jawa Barat'."""
    name = region.name.strip()
    for prefix in ("KABUPATEN ", "Kabupaten ", "KAB. ", "Kab. ", "KOTA ", "Kota "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name.isupper():
        name = name.title()
    if region.level == Region.Level.PROVINSI:
        return f"Prov. {name}"
    return f"Kab. {name}" if region.level == Region.Level.KABUPATEN else f"Kota {name}"


def region_for_code(system: str, code: str) -> Region | None:
    """The region another system's code stands for, or None when the mapping lacks it."""
    found = ExternalCode.objects.select_related("region").filter(system=system, code=code).first()
    return found.region if found else None


CODE_FIELDS = ["system", "code", "region", "name_in_source"]


@transaction.atomic
def add_external_code(
    *, actor: Any, system: str, code: str, region_code: str, name_in_source: str = ""
) -> ExternalCode:
    """Map one more external code to a Kemendagri region (admin only)."""
    require_code_editor(actor)
    errors: dict[str, str] = {}
    if system not in ExternalCode.System.values:
        errors["system"] = _("Unknown code system “%(system)s”.") % {"system": system}
    region = None
    try:
        parsed = parse_region_code(region_code, field="region_code")
    except RuleInputError as exc:
        errors["region_code"] = message_for(exc.errors[0])
    else:
        region = Region.objects.filter(code=parsed.kode).first()
        if region is None:
            errors["region_code"] = _("Region code %(code)s is not in the Kemendagri list.") % {
                "code": region_code
            }
    code = code.strip()
    if not code:
        errors["code"] = _("The code is empty.")
    elif ExternalCode.objects.filter(system=system, code=code).exists():
        errors["code"] = _("Code %(code)s is already mapped in this system.") % {"code": code}
    if region and ExternalCode.objects.filter(system=system, region=region).exists():
        errors["region_code"] = _("%(region)s already has a code in this system.") % {
            "region": region
        }
    if errors:
        raise ValidationError(errors)
    assert region is not None
    mapping = ExternalCode.objects.create(
        system=system, code=code, region=region, name_in_source=name_in_source.strip()
    )
    log(
        actor=actor,
        action="regions.external_code.created",
        obj=mapping,
        changes=diff({}, snapshot(mapping, CODE_FIELDS)),
    )
    return mapping


@transaction.atomic
def delete_external_code(*, actor: Any, mapping: ExternalCode) -> None:
    require_code_editor(actor)
    log(
        actor=actor,
        action="regions.external_code.deleted",
        obj=mapping,
        changes=diff(snapshot(mapping, CODE_FIELDS), {}),
    )
    mapping.delete()
