"""The P3DN indicators of one Pemda and fiscal year, computed on the data as it stood on a date.

The definitions are the issue's, word for word, and are written out in docs/indicators.md.
Every number on the dashboard, in the API, in reports and on the CLI comes from ``compute``.
Money stays exact (Decimal, cents kept); ratios are rounded half-up to 6 decimals only when
written out (``to_json``). A zero denominator gives null and a warning, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from p3dn.accounts.models import Pemda, Unit
from p3dn.procurement.models import (
    BudgetStructure,
    Contract,
    EPurchase,
    Pencatatan,
    Product,
    Provider,
    RupPackage,
    TokoDaringOrder,
)
from p3dn.procurement.queries import as_of as facts_as_of
from p3dn.procurement.queries import latest_contract_versions
from p3dn.rules.indicators import capaian, umk_share

ZERO = Decimal("0.00")
CHANNELS = (
    "tender",
    "non_tender",
    "pencatatan_non_tender",
    "swakelola",
    "e_purchasing",
    "toko_daring",
)
CANCELLED = "Paket Dibatalkan"
DOMESTIC_PRODUCT_TYPES = ("lokal", "local", "pdn", "PDN", "Lokal")


@dataclass
class Money:
    nilai: Decimal = ZERO
    pdn: Decimal = ZERO
    umk: Decimal = ZERO
    belum_terklasifikasi: Decimal = ZERO

    def add(self, other: Money) -> None:
        self.nilai += other.nilai
        self.pdn += other.pdn
        self.umk += other.umk
        self.belum_terklasifikasi += other.belum_terklasifikasi


@dataclass
class Figures:
    """The indicator set of a Pemda-year, or of one unit or one month of it."""

    pagu_penyedia: Decimal = ZERO
    komitmen_pdn: Decimal = ZERO
    komitmen_umk: Decimal = ZERO
    belanja_pengadaan: Decimal = ZERO
    realisasi: dict[str, Money] = field(default_factory=lambda: {c: Money() for c in CHANNELS})

    @property
    def total(self) -> Money:
        total = Money()
        for money in self.realisasi.values():
            total.add(money)
        return total


def _sum(column: str) -> Any:
    return Coalesce(Sum(column), Value(ZERO))


def _group(qs: QuerySet[Any], by: str | None, date_field: str | None) -> QuerySet[Any]:
    if by == "satker":  # by perangkat daerah: SiRUP and SPSE give one unit different codes
        return qs.values("unit_id")
    if by == "month" and date_field:
        return qs.annotate(bulan=TruncMonth(date_field)).values("bulan")
    return qs.values("pemda_id")


def _key(row: dict[str, Any], by: str | None) -> str:
    if by == "satker":
        return str(row["unit_id"] or "")
    if by == "month":
        return row["bulan"].strftime("%Y-%m") if row.get("bulan") else ""
    return ""


def _scoped(model: Any, pemda: Pemda, tahun: int, day: dt.date | None) -> QuerySet[Any]:
    return facts_as_of(model.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)


def collect(
    pemda: Pemda, tahun: int, day: dt.date | None = None, by: str | None = None
) -> dict[str, Figures]:
    """Figures keyed by '' (the whole Pemda-year), by kd_satker or by 'YYYY-MM'."""
    figures: dict[str, Figures] = defaultdict(Figures)

    rup = (
        _scoped(RupPackage, pemda, tahun, day)
        .filter(status_umumkan_rup="Terumumkan", status_aktif_rup=True)
        .exclude(status_delete_rup=True)
    )
    for row in _group(rup, by, "tgl_awal_pemilihan").annotate(
        a_pagu=_sum("pagu"),
        a_pdn=Coalesce(Sum("pagu", filter=Q(status_pdn="PDN")), Value(ZERO)),
        a_umk=Coalesce(Sum("pagu", filter=Q(status_ukm="UKM")), Value(ZERO)),
    ):
        f = figures[_key(row, by)]
        f.pagu_penyedia, f.komitmen_pdn, f.komitmen_umk = row["a_pagu"], row["a_pdn"], row["a_umk"]

    if by != "month":
        budget = _scoped(BudgetStructure, pemda, tahun, day)
        for row in _group(budget, by, None).annotate(a_total=_sum("belanja_pengadaan")):
            figures[_key(row, by)].belanja_pengadaan = row["a_total"]

    current = _scoped(Contract, pemda, tahun, day)
    for channel in ("tender", "non_tender"):
        contracts = latest_contract_versions(current.filter(channel=channel))
        for row in _group(contracts, by, "tgl_kontrak").annotate(
            a_nilai=_sum("nilai_kontrak"),
            a_pdn=_sum("nilai_pdn_kontrak"),
            a_umk=_sum("nilai_umk_kontrak"),
        ):
            figures[_key(row, by)].realisasi[channel] = Money(
                row["a_nilai"], row["a_pdn"], row["a_umk"]
            )

    for channel, name in (("non_tender", "pencatatan_non_tender"), ("swakelola", "swakelola")):
        recorded = (
            _scoped(Pencatatan, pemda, tahun, day)
            .filter(channel=channel)
            .exclude(status_ket=CANCELLED)
        )
        for row in _group(recorded, by, "tgl_mulai_paket").annotate(
            a_nilai=_sum("total_realisasi"),
            a_pdn=_sum("nilai_pdn_pct"),
            a_umk=_sum("nilai_umk_pct"),
        ):
            figures[_key(row, by)].realisasi[name] = Money(
                row["a_nilai"], row["a_pdn"], row["a_umk"]
            )

    products = facts_as_of(Product.objects.all(), day).filter(kd_produk=OuterRef("kd_produk"))
    domestic = products.filter(Q(jenis_produk__in=DOMESTIC_PRODUCT_TYPES) | Q(tkdn_produk__gt=0))
    ukm = facts_as_of(Provider.objects.all(), day).filter(penyedia_ukm=True)
    lines = (
        _scoped(EPurchase, pemda, tahun, day)
        .filter(completed=True)
        .annotate(
            known=Exists(products),
            domestic=Exists(domestic),
            ukm=Exists(ukm.filter(kd_penyedia=OuterRef("kd_penyedia"))),
        )
    )
    for row in _group(lines, by, "tanggal").annotate(
        a_nilai=_sum("total_harga"),
        a_pdn=Coalesce(Sum("total_harga", filter=Q(domestic=True)), Value(ZERO)),
        a_umk=Coalesce(Sum("total_harga", filter=Q(ukm=True)), Value(ZERO)),
        a_unknown=Coalesce(Sum("total_harga", filter=Q(known=False)), Value(ZERO)),
    ):
        figures[_key(row, by)].realisasi["e_purchasing"] = Money(
            row["a_nilai"], row["a_pdn"], row["a_umk"], row["a_unknown"]
        )

    orders = (
        _scoped(TokoDaringOrder, pemda, tahun, day)
        .filter(failed=False)
        .annotate(ukm=Exists(ukm.filter(nama_penyedia__iexact=OuterRef("merchant_name"))))
    )
    for row in _group(orders, by, "tanggal_transaksi").annotate(
        a_nilai=_sum("valuasi"), a_umk=Coalesce(Sum("valuasi", filter=Q(ukm=True)), Value(ZERO))
    ):
        figures[_key(row, by)].realisasi["toko_daring"] = Money(
            row["a_nilai"], ZERO, row["a_umk"], row["a_nilai"]
        )
    if by is None:
        figures.setdefault("", Figures())
    return dict(figures)


# ------------------------------------------------------------------ ratios and output


def ratio_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def money_text(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def ratios(f: Figures) -> tuple[dict[str, Decimal | None], list[str]]:
    """capaian and komposisi (C16) and the UMK shares (C17) from the rules library."""
    total = f.total
    warnings: list[str] = []
    out: dict[str, Decimal | None] = {}
    if f.komitmen_pdn == 0:
        out["capaian_pdn"] = None
        warnings.append("komitmen_pdn is 0: capaian_pdn is null")
    else:
        out["capaian_pdn"] = capaian(realisasi_pdn=total.pdn, komitmen_pdn=f.komitmen_pdn).capaian
    if total.nilai == 0:
        out["komposisi_pdn"] = None
        warnings.append("realisasi_total is 0: komposisi_pdn is null")
    else:
        out["komposisi_pdn"] = capaian(
            realisasi_pdn=total.pdn,
            komitmen_pdn=f.komitmen_pdn,
            realisasi_total_pengadaan=total.nilai,
        ).komposisi_pdn
    if f.belanja_pengadaan == 0:
        out["porsi_umk_rencana"] = out["porsi_umk_realisasi"] = None
        warnings.append(
            "belanja_pengadaan is 0: porsi_umk_rencana and porsi_umk_realisasi are null"
        )
    else:
        for key, tahap, value in (
            ("porsi_umk_rencana", "rencana", f.komitmen_umk),
            ("porsi_umk_realisasi", "realisasi", total.umk),
        ):
            out[key] = umk_share(
                tahap=tahap,
                bagian=[("nilai", value)],
                belanja_pengadaan=f.belanja_pengadaan,
                penyebut="belanja_pengadaan",
            ).pangsa
    return out, warnings


def figures_json(f: Figures) -> dict[str, Any]:
    total = f.total
    values, warnings = ratios(f)
    realisasi = {}
    for channel, money in f.realisasi.items():
        item = {
            "nilai": money_text(money.nilai),
            "pdn": money_text(money.pdn),
            "umk": money_text(money.umk),
        }
        if channel in ("e_purchasing", "toko_daring"):
            item["belum_terklasifikasi"] = money_text(money.belum_terklasifikasi)
        realisasi[channel] = item
    return {
        "pagu_penyedia": money_text(f.pagu_penyedia),
        "komitmen_pdn": money_text(f.komitmen_pdn),
        "komitmen_umk": money_text(f.komitmen_umk),
        "belanja_pengadaan": money_text(f.belanja_pengadaan),
        "realisasi": realisasi,
        "realisasi_total": money_text(total.nilai),
        "realisasi_pdn": money_text(total.pdn),
        "realisasi_umk": money_text(total.umk),
        **{k: ratio_text(v) for k, v in values.items()},
        "warnings": warnings,
    }


def compute(
    *, pemda: Pemda, tahun: int, as_of: dt.date | None = None, by: str | None = None
) -> dict[str, Any]:
    """The indicator JSON of a Pemda-year (with ``rows`` per satker, channel or month)."""
    result: dict[str, Any] = {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "tahun": tahun,
        "as_of": as_of.isoformat() if as_of else None,
    }
    whole = collect(pemda, tahun, as_of)[""]
    result.update(figures_json(whole))
    if by == "channel":
        result["rows"] = [{"channel": c, **result["realisasi"][c]} for c in CHANNELS]
    elif by in ("satker", "month"):
        parts = collect(pemda, tahun, as_of, by)
        units = {str(u.pk): u for u in Unit.objects.filter(pemda=pemda)}
        rows = []
        for key in sorted(parts, key=lambda k: (units[k].name if k in units else "~", k)):
            row: dict[str, str | None]
            if by == "satker":
                unit = units.get(key)
                row = {
                    "kd_satker": unit.kd_satker if unit else None,
                    "kd_satker_str": unit.kd_satker_str if unit else None,
                    "nama_satker": unit.name if unit else None,
                }
            else:
                row = {"bulan": key or None}
            rows.append({**row, **figures_json(parts[key])})
        result["rows"] = rows
    return result
