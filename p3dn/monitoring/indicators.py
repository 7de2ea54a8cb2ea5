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

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth, Upper

from p3dn.accounts.models import Pemda, Unit
from p3dn.procurement.models import (
    BudgetStructure,
    Contract,
    EPurchase,
    Pencatatan,
    Product,
    Provider,
    RupBudgetLine,
    RupPackage,
    TenderResult,
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


MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)
PACKAGE_SOURCES = ("rup", "belanja")
SOURCES = (*PACKAGE_SOURCES, *CHANNELS)


@dataclass(frozen=True)
class Filters:
    """What the Dasbor narrows to. ``channels`` limits the realization channels; jenis, metode
    and sumber dana are attributes of the RUP package, so they narrow the commitment directly and
    a realization row through the package it names (kd_rup); rows that name no package (non-tender
    e-contracts, Toko Daring orders) drop out while such a filter is on."""

    channels: tuple[str, ...] = ()
    jenis_pengadaan: str = ""
    metode_pengadaan: str = ""
    sumber_dana: str = ""

    @property
    def on_package(self) -> bool:
        return bool(self.jenis_pengadaan or self.metode_pengadaan or self.sumber_dana)

    @property
    def active(self) -> bool:
        return bool(self.channels) or self.on_package

    def allows(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        channels = tuple(c for c in query.getlist("saluran") if c in CHANNELS)
        return cls(
            channels=channels,
            jenis_pengadaan=(query.get("jenis") or "").strip(),
            metode_pengadaan=(query.get("metode") or "").strip(),
            sumber_dana=(query.get("sumber_dana") or "").strip(),
        )

    def query(self) -> list[tuple[str, str]]:
        pairs = [("saluran", c) for c in self.channels]
        for name, value in (
            ("jenis", self.jenis_pengadaan),
            ("metode", self.metode_pengadaan),
            ("sumber_dana", self.sumber_dana),
        ):
            if value:
                pairs.append((name, value))
        return pairs


NO_FILTERS = Filters()


def _scoped(model: Any, pemda: Pemda, tahun: int, day: dt.date | None) -> QuerySet[Any]:
    return facts_as_of(model.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)


def _packages(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """The RUP packages matching the package filters (jenis, metode, sumber dana)."""
    packages = facts_as_of(RupPackage.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)
    if filters.jenis_pengadaan:
        packages = packages.filter(jenis_pengadaan=filters.jenis_pengadaan)
    if filters.metode_pengadaan:
        packages = packages.filter(metode_pengadaan=filters.metode_pengadaan)
    if filters.sumber_dana:
        lines = facts_as_of(
            RupBudgetLine.objects.filter(pemda=pemda, jenis=RupBudgetLine.Jenis.PENYEDIA), day
        ).filter(sumber_dana=filters.sumber_dana)
        packages = packages.filter(kd_rup__in=lines.values("kd_rup"))
    return packages


def _linked(qs: QuerySet[Any], packages: QuerySet[Any], column: str, text: bool) -> QuerySet[Any]:
    """``qs`` narrowed to rows whose package reference ``column`` (kd_rup) names one of
    ``packages``. A text reference may name several packages, ';'-separated: those few rows are
    matched here, the others by one uncorrelated IN (SELECT ...) the database evaluates once."""
    if not text:
        return qs.filter(**{f"{column}__in": packages.values("kd_rup")})
    codes = packages.annotate(code=Cast("kd_rup", CharField())).values("code")
    several = list(qs.filter(**{f"{column}__contains": ";"}).values_list("pk", column))
    matched: list[int] = []
    if several:
        known = {str(code) for code in packages.values_list("kd_rup", flat=True)}
        matched = [pk for pk, ref in several if known & set(ref.split(";"))]
    return qs.filter(Q(**{f"{column}__in": codes}) | Q(pk__in=matched))


def _values(
    qs: QuerySet[Any], nilai: Any, pdn: Any, umk: Any, unknown: Any = None, date: str | None = None
) -> QuerySet[Any]:
    """Every source row carries the same names: d_nilai, d_pdn, d_umk, d_unknown, d_date."""
    return qs.annotate(
        d_nilai=ExpressionWrapper(nilai, output_field=MONEY),
        d_pdn=ExpressionWrapper(pdn, output_field=MONEY),
        d_umk=ExpressionWrapper(umk, output_field=MONEY),
        d_unknown=ExpressionWrapper(
            unknown if unknown is not None else Value(ZERO), output_field=MONEY
        ),
        d_date=F(date) if date else Value(None, output_field=DateField()),
    )


def _when(condition: Q, column: str) -> Case:
    return Case(When(condition, then=F(column)), default=Value(ZERO), output_field=MONEY)


def _or_zero(column: str) -> Coalesce:
    return Coalesce(F(column), Value(ZERO), output_field=MONEY)


def _source_rows(
    source: str,
    pemda: Pemda,
    tahun: int,
    day: dt.date | None = None,
    filters: Filters = NO_FILTERS,
) -> QuerySet[Any]:
    packages = _packages(pemda, tahun, day, filters)
    if source == "rup":
        rup = packages.filter(status_umumkan_rup="Terumumkan", status_aktif_rup=True).exclude(
            status_delete_rup=True
        )
        return _values(
            rup,
            F("pagu"),
            _when(Q(status_pdn="PDN"), "pagu"),
            _when(Q(status_ukm="UKM"), "pagu"),
            date="tgl_awal_pemilihan",
        )
    if source == "belanja":
        return _values(
            _scoped(BudgetStructure, pemda, tahun, day),
            F("belanja_pengadaan"),
            Value(ZERO),
            Value(ZERO),
        )
    if source in ("tender", "non_tender"):
        contracts = latest_contract_versions(
            _scoped(Contract, pemda, tahun, day).filter(channel=source)
        )
        if filters.on_package:
            if source == "non_tender":
                contracts = contracts.none()  # SPSE non-tender e-contracts name no RUP package
            else:
                results = facts_as_of(TenderResult.objects.filter(pemda=pemda), day)
                linked = _linked(results, packages, "kd_rup", text=True)
                contracts = contracts.filter(kd_paket__in=linked.values("kd_tender"))
        return _values(
            contracts,
            F("nilai_kontrak"),
            _or_zero("nilai_pdn_kontrak"),
            _or_zero("nilai_umk_kontrak"),
            date="tgl_kontrak",
        )
    if source in ("pencatatan_non_tender", "swakelola"):
        channel = "non_tender" if source == "pencatatan_non_tender" else "swakelola"
        recorded = (
            _scoped(Pencatatan, pemda, tahun, day)
            .filter(channel=channel)
            .exclude(status_ket=CANCELLED)
        )
        if filters.on_package:
            recorded = _linked(recorded, packages, "kd_rup", text=True)
        return _values(
            recorded,
            F("total_realisasi"),
            _or_zero("nilai_pdn_pct"),
            _or_zero("nilai_umk_pct"),
            date="tgl_mulai_paket",
        )
    if source == "e_purchasing":
        products = facts_as_of(Product.objects.all(), day).filter(kd_produk=OuterRef("kd_produk"))
        domestic = products.filter(
            Q(jenis_produk__in=DOMESTIC_PRODUCT_TYPES) | Q(tkdn_produk__gt=0)
        )
        ukm = facts_as_of(Provider.objects.all(), day).filter(
            penyedia_ukm=True, kd_penyedia=OuterRef("kd_penyedia")
        )
        lines = (
            _scoped(EPurchase, pemda, tahun, day)
            .filter(completed=True)
            .annotate(known=Exists(products), domestic=Exists(domestic), ukm=Exists(ukm))
        )
        if filters.on_package:
            lines = _linked(lines, packages, "kd_rup", text=False)
        return _values(
            lines,
            F("total_harga"),
            _when(Q(domestic=True), "total_harga"),
            _when(Q(ukm=True), "total_harga"),
            _when(Q(known=False), "total_harga"),
            date="tanggal",
        )
    if source == "toko_daring":
        # The merchant is UMK when a UKM provider has its name, case aside. One uncorrelated
        # IN (SELECT ...) the database builds once: a correlated case-insensitive match
        # scanned every provider for each order.
        ukm_names = (
            facts_as_of(Provider.objects.all(), day)
            .filter(penyedia_ukm=True)
            .annotate(name_key=Upper("nama_penyedia"))
            .values("name_key")
        )
        orders = (
            _scoped(TokoDaringOrder, pemda, tahun, day)
            .filter(failed=False)
            .annotate(merchant_key=Upper("merchant_name"))
            .annotate(
                ukm=ExpressionWrapper(Q(merchant_key__in=ukm_names), output_field=BooleanField())
            )
        )
        if filters.on_package:
            orders = orders.none()  # Toko Daring orders name no RUP package
        return _values(
            orders,
            F("valuasi"),
            Value(ZERO),
            _when(Q(ukm=True), "valuasi"),
            F("valuasi"),
            date="tanggal_transaksi",
        )
    raise ValueError(f"unknown source {source!r}")


def source_rows(
    source: str,
    pemda: Pemda,
    tahun: int,
    day: dt.date | None = None,
    filters: Filters = NO_FILTERS,
) -> QuerySet[Any]:
    """The rows behind one part of the indicators, each annotated with its contribution
    (d_nilai, d_pdn, d_umk, d_unknown) and its date (d_date). ``rup`` gives pagu_penyedia /
    komitmen_pdn / komitmen_umk as nilai / pdn / umk; ``belanja`` gives belanja_pengadaan as
    nilai; each channel gives its realization. The indicators are the sums of these rows."""
    rows = _source_rows(source, pemda, tahun, day, filters)
    if source in CHANNELS and not filters.allows(source):
        return rows.none()
    return rows


def _group(qs: QuerySet[Any], by: str | None) -> QuerySet[Any]:
    if by == "satker":  # by perangkat daerah: SiRUP and SPSE give one unit different codes
        return qs.values("unit_id")
    if by == "month":
        return qs.annotate(bulan=TruncMonth("d_date")).values("bulan")
    return qs.values("pemda_id")


def _key(row: dict[str, Any], by: str | None) -> str:
    if by == "satker":
        return str(row["unit_id"] or "")
    if by == "month":
        return row["bulan"].strftime("%Y-%m") if row.get("bulan") else ""
    return ""


def collect(
    pemda: Pemda,
    tahun: int,
    day: dt.date | None = None,
    by: str | None = None,
    filters: Filters = NO_FILTERS,
) -> dict[str, Figures]:
    """Figures keyed by '' (the whole Pemda-year), by unit id or by 'YYYY-MM'."""
    if day is None and not filters.active:  # the current data, unfiltered: the import's rollup
        from p3dn.monitoring import rollups

        stored = rollups.stored(pemda, tahun, by)
        if stored is not None:
            return stored
    figures: dict[str, Figures] = defaultdict(Figures)
    for source in SOURCES:
        if source == "belanja" and by == "month":
            continue  # the budget structure has no month
        rows = source_rows(source, pemda, tahun, day, filters)
        for row in _group(rows, by).annotate(
            a_nilai=_sum("d_nilai"),
            a_pdn=_sum("d_pdn"),
            a_umk=_sum("d_umk"),
            a_unknown=_sum("d_unknown"),
        ):
            f = figures[_key(row, by)]
            if source == "rup":
                f.pagu_penyedia, f.komitmen_pdn, f.komitmen_umk = (
                    row["a_nilai"],
                    row["a_pdn"],
                    row["a_umk"],
                )
            elif source == "belanja":
                f.belanja_pengadaan = row["a_nilai"]
            else:
                f.realisasi[source] = Money(
                    row["a_nilai"], row["a_pdn"], row["a_umk"], row["a_unknown"]
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
    *,
    pemda: Pemda,
    tahun: int,
    as_of: dt.date | None = None,
    by: str | None = None,
    filters: Filters = NO_FILTERS,
) -> dict[str, Any]:
    """The indicator JSON of a Pemda-year (with ``rows`` per satker, channel or month)."""
    result: dict[str, Any] = {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "tahun": tahun,
        "as_of": as_of.isoformat() if as_of else None,
    }
    if filters.active:
        result["filters"] = {
            "channels": list(filters.channels),
            "jenis_pengadaan": filters.jenis_pengadaan or None,
            "metode_pengadaan": filters.metode_pengadaan or None,
            "sumber_dana": filters.sumber_dana or None,
        }
    whole = collect(pemda, tahun, as_of, filters=filters)[""]
    result.update(figures_json(whole))
    if by == "channel":
        result["rows"] = [{"channel": c, **result["realisasi"][c]} for c in CHANNELS]
    elif by in ("satker", "month"):
        parts = collect(pemda, tahun, as_of, by, filters)
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
