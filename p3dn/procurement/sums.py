"""The sums of the procurement facts that the P3DN indicators are made of, per Pemda and year.

Every part of the indicators is the sum of one *row source*: the RUP set (the commitment), the
budget structure (belanja pengadaan) and the six realization channels. ``ROW_SOURCES`` names the
one function that selects each source's rows, on the data as it stood on a date, and annotates
each row with the same names: its contribution (d_nilai, d_pdn, d_umk, d_unknown) and its date
(d_date). The definitions in words are docs/indicators.md.

``collect_from_facts`` sums those rows for the whole Pemda-year, per perangkat daerah or per
month. ``collect`` gives the same figures: for the current, unfiltered data it reads the rollup
the last import stored (p3dn/procurement/rollups.py, which builds it with
``collect_from_facts``), and it sums the facts when asked for a date or a filter, or when the
Pemda-year has no rollup yet. Money stays exact (Decimal, cents kept). What is made of these
sums, the ratios (capaian, komposisi, UMK shares), targets, snapshots and dashboards, is
p3dn/monitoring's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Greatest,
    StrIndex,
    Trim,
    TruncMonth,
    Upper,
)

from p3dn.accounts.models import Pemda
from p3dn.procurement.models import (
    BudgetStructure,
    Commitment,
    Contract,
    EPurchase,
    IndicatorRollup,
    ManualRealization,
    Pencatatan,
    PencatatanRealisasi,
    Product,
    Provider,
    RupBudgetLine,
    RupPackage,
    TenderResult,
    TkdnClaimWindow,
    TokoDaringOrder,
)
from p3dn.procurement.queries import as_of as facts_as_of
from p3dn.procurement.queries import latest_contract_versions, names
from p3dn.rules.common import jenis_set

ZERO = Decimal("0.00")
CHANNELS = (
    "tender",
    "non_tender",
    "pencatatan_non_tender",
    "swakelola",
    "e_purchasing",
    "toko_daring",
    "manual",
)
# "apbd": the commitment per perangkat daerah the Pemda reports to Kemendagri (the template)
PACKAGE_SOURCES = ("rup", "belanja", "apbd")
SOURCES = (*PACKAGE_SOURCES, *CHANNELS)
CANCELLED = "Paket Dibatalkan"
DOMESTIC_PRODUCT_TYPES = ("lokal", "local", "pdn", "PDN", "Lokal")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)

Grain = IndicatorRollup.Grain
# grain → the ``by`` of collect
GRAINS = ((Grain.PEMDA, None), (Grain.UNIT, "satker"), (Grain.MONTH, "month"))
BY_GRAIN = {by: grain for grain, by in GRAINS}


@dataclass
class Money:
    """The realization of a channel. ``nilai`` splits three ways by how its PDN status is
    known: exactly (``pasti``: the contract's or record's own PDN value, or the product), by an
    estimate (``nilai_estimasi``: the declared status of the RUP package the line names) or not
    at all (``belum_terklasifikasi``). ``pdn`` and ``umk`` are exact; ``pdn_estimasi`` and
    ``umk_estimasi`` the estimated PDN and UMK, never part of them."""

    nilai: Decimal = ZERO
    pdn: Decimal = ZERO
    umk: Decimal = ZERO
    belum_terklasifikasi: Decimal = ZERO
    nilai_estimasi: Decimal = ZERO
    pdn_estimasi: Decimal = ZERO
    umk_estimasi: Decimal = ZERO

    @property
    def pasti(self) -> Decimal:
        """The value whose PDN status is known exactly."""
        return self.nilai - self.nilai_estimasi - self.belum_terklasifikasi

    def add(self, other: Money) -> None:
        self.nilai += other.nilai
        self.pdn += other.pdn
        self.umk += other.umk
        self.belum_terklasifikasi += other.belum_terklasifikasi
        self.nilai_estimasi += other.nilai_estimasi
        self.pdn_estimasi += other.pdn_estimasi
        self.umk_estimasi += other.umk_estimasi


@dataclass
class Figures:
    """The sums of a Pemda-year, or of one unit or one month of it."""

    pagu_penyedia: Decimal = ZERO
    komitmen_pdn: Decimal = ZERO
    komitmen_umk: Decimal = ZERO
    belanja_pengadaan: Decimal = ZERO
    realisasi: dict[str, Money] = field(default_factory=lambda: {c: Money() for c in CHANNELS})
    # The commitment template (Rencana APBD per perangkat daerah, as reported to Kemendagri)
    komitmen_pdn_apbd: Decimal = ZERO
    komitmen_umk_apbd: Decimal = ZERO
    # C20: realization that is TKDN, PDN or UMKK, each rupiah once (``union_of``), all channels
    tkdn_pdn_umkk: Decimal = ZERO

    @property
    def total(self) -> Money:
        total = Money()
        for money in self.realisasi.values():
            total.add(money)
        return total


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


# ------------------------------------------------------------------ the row sources


def _scoped(model: Any, pemda: Pemda, tahun: int, day: dt.date | None) -> QuerySet[Any]:
    return facts_as_of(model.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)


def _packages(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """The RUP packages matching the package filters (jenis, metode, sumber dana)."""
    packages = facts_as_of(RupPackage.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)
    if filters.jenis_pengadaan:
        # a consolidated package of several types matches each of them, once; a filter that
        # names no type (";") matches nothing
        wanted = jenis_set(filters.jenis_pengadaan)
        packages = packages.filter(names("jenis_pengadaan", wanted)) if wanted else packages.none()
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
    qs: QuerySet[Any],
    nilai: Any,
    pdn: Any,
    umk: Any,
    unknown: Any = None,
    date: str | None = None,
    estimate: Estimate | None = None,
    union: Any = None,
) -> QuerySet[Any]:
    """Every source row carries the same names: d_nilai, d_pdn, d_umk, d_unknown, d_date, the
    estimate's d_nilai_estimasi, d_pdn_estimasi, d_umk_estimasi (0 without one) and d_union
    (its TKDN, PDN or UMKK (a union) part for C20, ``union_of``)."""
    estimate = estimate or Estimate()
    return qs.annotate(
        d_union=ExpressionWrapper(
            union if union is not None else union_of(pdn, umk), output_field=MONEY
        ),
        d_nilai=ExpressionWrapper(nilai, output_field=MONEY),
        d_pdn=ExpressionWrapper(pdn, output_field=MONEY),
        d_umk=ExpressionWrapper(umk, output_field=MONEY),
        d_unknown=ExpressionWrapper(
            unknown if unknown is not None else Value(ZERO), output_field=MONEY
        ),
        d_date=F(date) if date else Value(None, output_field=DateField()),
        d_nilai_estimasi=ExpressionWrapper(estimate.nilai, output_field=MONEY),
        d_pdn_estimasi=ExpressionWrapper(estimate.pdn, output_field=MONEY),
        d_umk_estimasi=ExpressionWrapper(estimate.umk, output_field=MONEY),
    )


@dataclass(frozen=True)
class Estimate:
    """The estimated part of a row: its value classified by estimate, and the estimated PDN and
    UMK (expressions; 0 by default)."""

    nilai: Any = field(default_factory=lambda: Value(ZERO))
    pdn: Any = field(default_factory=lambda: Value(ZERO))
    umk: Any = field(default_factory=lambda: Value(ZERO))


def union_of(pdn: Any, umk: Any) -> Any:
    """The part of a row that is PDN or UMKK, each rupiah once (C20): the larger of its PDN and
    UMK values. Exact when one of them is 0 or the whole value (a UMK provider's contract, a
    catalogue line or an order: all or nothing); when a row reports two partial values the
    sources do not say how far they overlap, and the larger one is what is surely counted (a
    lower bound, never a rupiah twice). TKDN-certified goods are domestic (C13): in the PDN
    value wherever the sources record it."""
    return Greatest(
        ExpressionWrapper(pdn, output_field=MONEY), ExpressionWrapper(umk, output_field=MONEY)
    )


def _when(condition: Q, column: str) -> Case:
    return Case(When(condition, then=F(column)), default=Value(ZERO), output_field=MONEY)


def _or_zero(column: str) -> Coalesce:
    return Coalesce(F(column), Value(ZERO), output_field=MONEY)


def rup_rows(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """The commitment: the RUP set, RUP-PaketPenyedia packages announced ("Terumumkan"), active
    and not deleted, narrowed by the package filters. nilai is the pagu (pagu_penyedia), pdn the
    pagu of a package whose status_pdn is PDN (komitmen_pdn), umk the pagu of a package whose
    status_ukm is UKM (komitmen_umk); dated by tgl_awal_pemilihan."""
    rup = (
        _packages(pemda, tahun, day, filters)
        .filter(status_umumkan_rup="Terumumkan", status_aktif_rup=True)
        .exclude(status_delete_rup=True)
    )
    return _values(
        rup,
        F("pagu"),
        _when(Q(status_pdn="PDN"), "pagu"),
        _when(Q(status_ukm="UKM"), "pagu"),
        date="tgl_awal_pemilihan",
    )


def belanja_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """belanja_pengadaan of RUP-StrukturAnggaranPD per perangkat daerah, as nilai; never
    filtered, and without a month (the budget structure has none)."""
    return _values(
        _scoped(BudgetStructure, pemda, tahun, day),
        F("belanja_pengadaan"),
        Value(ZERO),
        Value(ZERO),
    )


def _contracts(channel: str, pemda: Pemda, tahun: int, day: dt.date | None) -> QuerySet[Any]:
    return latest_contract_versions(_scoped(Contract, pemda, tahun, day).filter(channel=channel))


def _contract_values(contracts: QuerySet[Any]) -> QuerySet[Any]:
    return _values(
        contracts,
        F("nilai_kontrak"),
        _or_zero("nilai_pdn_kontrak"),
        _or_zero("nilai_umk_kontrak"),
        date="tgl_kontrak",
    )


def tender_rows(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """SPSE-TenderEkontrak-Kontrak, one current row per kd_tender (its highest versi_addendum):
    nilai_kontrak, nilai_pdn_kontrak and nilai_umk_kontrak as nilai / pdn / umk, dated by
    tgl_kontrak. A package filter reaches a contract through the kd_rup_paket of its
    SPSE-TenderSelesaiNilai row."""
    contracts = _contracts("tender", pemda, tahun, day)
    if filters.on_package:
        results = facts_as_of(TenderResult.objects.filter(pemda=pemda), day)
        packages = _packages(pemda, tahun, day, filters)
        linked = _linked(results, packages, "kd_rup", text=True)
        contracts = contracts.filter(kd_paket__in=linked.values("kd_tender"))
    return _contract_values(contracts)


def non_tender_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """The same over SPSE-NonTenderEkontrak-Kontrak per kd_nontender. These e-contracts name no
    RUP package: none is left while a package filter is on."""
    contracts = _contracts("non_tender", pemda, tahun, day)
    if filters.on_package:
        contracts = contracts.none()
    return _contract_values(contracts)


def _recorded(
    channel: str, pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    recorded = (
        _scoped(Pencatatan, pemda, tahun, day).filter(channel=channel).exclude(status_ket=CANCELLED)
    )
    if filters.on_package:
        recorded = _linked(recorded, _packages(pemda, tahun, day, filters), "kd_rup", text=True)
    return _values(
        recorded,
        F("total_realisasi"),
        _or_zero("nilai_pdn_pct"),
        _or_zero("nilai_umk_pct"),
        date="tgl_mulai_paket",
    )


def pencatatan_non_tender_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """SPSE-PencatatanNonTender not cancelled ("Paket Dibatalkan"): total_realisasi,
    nilai_pdn_pct and nilai_umk_pct as nilai / pdn / umk, dated by tgl_mulai_paket. A package
    filter reaches it through its own kd_rup (one or several, ';'-separated)."""
    return _recorded("non_tender", pemda, tahun, day, filters)


def swakelola_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """The same over SPSE-PencatatanSwakelola."""
    return _recorded("swakelola", pemda, tahun, day, filters)


def e_purchasing_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """Completed e-Katalog purchase lines: total_harga as nilai, dated by the order date; a
    package filter reaches a line through its kd_rup. PDN, then UMK, each known exactly when
    the data says, else estimated from the RUP package the line names, else unknown:

    - pdn: the product is known and domestic (jenis_produk lokal/PDN, or a TKDN claim that
      counts on the order date: ``tkdn_claim_stands``). A v6 package names its products only
      by id (product_ids): it is classified when every product it names is known, as PDN when
      all are domestic, as not PDN when none is; a package mixing both cannot be split (v6
      gives no value per product) and is not classified exactly.
    - umk: the provider (kd_penyedia) is known with its UKM status, and is UKM.
    - not classified exactly but naming a RUP package (kd_rup): its value is nilai_estimasi,
      and pdn_estimasi / umk_estimasi when the package declares status_pdn PDN / status_ukm
      UKM (the UMK estimate when the provider's status is unknown).
    - neither: unknown (belum terklasifikasi)."""
    products = facts_as_of(Product.objects.all(), day)
    product = products.filter(kd_produk=OuterRef("kd_produk"))
    domestic = Q(jenis_produk__in=DOMESTIC_PRODUCT_TYPES) | tkdn_claim_stands(day)
    # a v6 package's products: those whose kd_produk is one of its comma-separated ids, among
    # the few known products the Pemda-year's packages name (so no package scans them all)
    completed = _scoped(EPurchase, pemda, tahun, day).filter(completed=True)
    named = products.filter(kd_produk__in=_named_known(products, completed)).annotate(
        at=StrIndex(OuterRef("product_key"), Concat(Value(","), F("kd_produk"), Value(",")))
    ).filter(at__gt=0)
    providers = facts_as_of(Provider.objects.all(), day).filter(
        kd_penyedia=OuterRef("kd_penyedia"), penyedia_ukm__isnull=False
    )
    package = _scoped(RupPackage, pemda, tahun, day).filter(kd_rup=OuterRef("kd_rup"))
    v6 = Q(source=EPurchase.Source.V6)
    lines = (
        completed
        .annotate(
            product_key=Concat(Value(","), F("product_ids"), Value(","), output_field=TextField())
        )
        .annotate(
            known=Exists(product),
            domestic=Exists(product.filter(domestic)),
            v6_known=_v6_count(v6, named),
            v6_domestic=_v6_count(v6, named.filter(domestic)),
            provider_known=Exists(providers),
            ukm=Exists(providers.filter(penyedia_ukm=True)),
            rup_known=Exists(package),
            rup_pdn=Exists(package.filter(status_pdn="PDN")),
            rup_ukm=Exists(package.filter(status_ukm="UKM")),
        )
    )
    if filters.on_package:
        lines = _linked(lines, _packages(pemda, tahun, day, filters), "kd_rup", text=False)
    v6_all_known = v6 & Q(product_count__gt=0, v6_known=F("product_count"))
    pdn = (~v6 & Q(domestic=True)) | (v6_all_known & Q(v6_domestic=F("product_count")))
    exact = (~v6 & Q(known=True)) | (v6_all_known & (Q(v6_domestic=F("product_count"))
                                                     | Q(v6_domestic=0)))
    estimated = ~exact & Q(rup_known=True)
    return _values(
        lines,
        F("total_harga"),
        _when(pdn, "total_harga"),
        _when(Q(ukm=True), "total_harga"),
        _when(~exact & Q(rup_known=False), "total_harga"),
        date="tanggal",
        estimate=Estimate(
            nilai=_when(estimated, "total_harga"),
            pdn=_when(estimated & Q(rup_pdn=True), "total_harga"),
            umk=_when(Q(provider_known=False, rup_known=True, rup_ukm=True), "total_harga"),
        ),
    )


def _named_known(products: QuerySet[Any], lines: QuerySet[Any]) -> list[str]:
    """The kd_produk of ``products`` that the v6 packages among ``lines`` name."""
    ids: set[str] = set()
    v6 = lines.filter(source=EPurchase.Source.V6).exclude(product_ids="")
    for named in v6.values_list("product_ids", flat=True):
        ids.update(named.split(","))
    ordered = sorted(ids)
    known: list[str] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        known.extend(products.filter(kd_produk__in=chunk).values_list("kd_produk", flat=True))
    return sorted(set(known))


def _v6_count(v6: Q, products: QuerySet[Any]) -> Case:
    """How many of ``products`` (a v6 package's named products) there are; 0 off v6."""
    count = products.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Case(
        When(v6, then=Subquery(count, output_field=IntegerField())),
        default=Value(0),
        output_field=IntegerField(),
    )


def tkdn_claim_stands(day: dt.date | None) -> Q:
    """C13 on an e-Katalog product subquery of a purchase line: its TKDN claim (a value above
    0) counts unless certificates are known for it (TkdnClaimWindow) and none is valid on the
    line's date: an expired certificate never counts as TKDN (p3dn.rules.claims.
    claim_counts_as_tkdn; C12: issue date <= date <= end of validity). A claim without a known
    certificate stands as the data says (the claim verification reports it); a line without a
    date cannot show expiry and keeps its claim. The windows are the current ones, also for a
    past ``day``."""
    known = TkdnClaimWindow.objects.filter(kd_produk=OuterRef("kd_produk"))
    on = OuterRef(OuterRef("tanggal"))
    valid = known.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), valid_until__gte=on)
    undated = EPurchase.objects.filter(pk=OuterRef(OuterRef("pk")), tanggal__isnull=True)
    return Q(tkdn_produk__gt=0) & (~Exists(known) | Exists(valid) | Q(Exists(undated)))


def toko_daring_rows(
    pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters
) -> QuerySet[Any]:
    """Bela-TokoDaringRealisasi orders not failed or cancelled: valuasi as nilai and as unknown
    (the data does not say whether the goods are domestic: pdn is 0), as umk when a UKM
    provider bears the merchant's name; dated by tanggal_transaksi. The orders name no RUP
    package: none is left while a package filter is on."""
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
        orders = orders.none()
    return _values(
        orders,
        F("valuasi"),
        Value(ZERO),
        _when(Q(ukm=True), "valuasi"),
        F("valuasi"),
        date="tanggal_transaksi",
    )


def apbd_rows(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """The commitment template (P3DN-Komitmen: Rencana APBD per perangkat daerah, as reported to
    Kemendagri): komitmen_pdn and komitmen_umk as pdn / umk (nilai 0: the template has no
    pagu). Never filtered (it names no RUP package) and without a month."""
    return _values(
        _scoped(Commitment, pemda, tahun, day),
        Value(ZERO),
        F("komitmen_pdn"),
        F("komitmen_umk"),
        union=Value(ZERO),
    )


def _nomor_key(column: str) -> Upper:
    return Upper(Trim(column))


def spse_duplicate(day: dt.date | None) -> Q:
    """On ManualRealization rows annotated with ``nomor_key``: the evidence number is the number
    of an SPSE e-contract (no_kontrak, any addendum) or of a pencatatan realization
    (no_realisasi of a pencatatan that is not cancelled) of the same Pemda, fiscal year and
    perangkat daerah, case and spaces aside: the same purchase, already counted in its SPSE
    channel. Within the unit only: the real files reuse short receipt numbers ("12", "13")
    across units for different purchases."""
    contracts = (
        facts_as_of(Contract.objects.all(), day)
        .filter(
            pemda=OuterRef("pemda"),
            tahun_anggaran=OuterRef("tahun_anggaran"),
            unit=OuterRef("unit"),
        )
        .annotate(key=_nomor_key("no_kontrak"))
        .filter(key=OuterRef("nomor_key"))
    )
    live = facts_as_of(Pencatatan.objects.all(), day).exclude(status_ket=CANCELLED).filter(
        pemda=OuterRef("pemda"), channel=OuterRef("channel"), kd_pct=OuterRef("kd_pct")
    )
    recorded = (
        facts_as_of(PencatatanRealisasi.objects.all(), day)
        .filter(
            pemda=OuterRef("pemda"),
            tahun_anggaran=OuterRef("tahun_anggaran"),
            unit=OuterRef("unit"),
        )
        .annotate(key=_nomor_key("no_realisasi"))
        .filter(key=OuterRef("nomor_key"))
        .filter(Exists(live))
    )
    return Q(Exists(contracts)) | Q(Exists(recorded))


def manual_evidence(pemda: Pemda, tahun: int, day: dt.date | None) -> QuerySet[Any]:
    """The Pemda-year's manual realization lines (P3DN-RealisasiManual), each annotated with
    ``duplicate``: its evidence number is an SPSE one (``spse_duplicate``)."""
    rows = _scoped(ManualRealization, pemda, tahun, day).annotate(
        nomor_key=_nomor_key("nomor_bukti")
    )
    return rows.annotate(
        duplicate=ExpressionWrapper(spse_duplicate(day), output_field=BooleanField())
    )


def manual_rows(pemda: Pemda, tahun: int, day: dt.date | None, filters: Filters) -> QuerySet[Any]:
    """Manual realization with its evidence (contract, receipt, proof of purchase), from the
    template: nilai; pdn when marked PDN; umk when marked UMK; dated by tanggal_bukti. A line
    whose evidence number is an SPSE contract or pencatatan number of the same unit and year
    is that SPSE row's purchase and is left out (``manual_evidence``: listed as a duplicate).
    TKDN-certified lines count for C20. The lines name no RUP package: none is left while a
    package filter is on."""
    rows = manual_evidence(pemda, tahun, day).filter(duplicate=False)
    if filters.on_package:
        rows = rows.none()
    counted = Q(pdn=True) | Q(umk=True) | Q(tkdn__gt=0)
    return _values(
        rows,
        F("nilai"),
        _when(Q(pdn=True), "nilai"),
        _when(Q(umk=True), "nilai"),
        date="tanggal_bukti",
        union=_when(counted, "nilai"),
    )


RowSource = Callable[[Pemda, int, dt.date | None, Filters], QuerySet[Any]]
ROW_SOURCES: dict[str, RowSource] = {
    "rup": rup_rows,
    "belanja": belanja_rows,
    "apbd": apbd_rows,
    "tender": tender_rows,
    "non_tender": non_tender_rows,
    "pencatatan_non_tender": pencatatan_non_tender_rows,
    "swakelola": swakelola_rows,
    "e_purchasing": e_purchasing_rows,
    "toko_daring": toko_daring_rows,
    "manual": manual_rows,
}


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
    nilai; each channel gives its realization (none when the filters leave the channel out).
    The indicators are the sums of these rows."""
    if source not in ROW_SOURCES:
        raise ValueError(f"unknown source {source!r}")
    rows = ROW_SOURCES[source](pemda, tahun, day, filters)
    if source in CHANNELS and not filters.allows(source):
        return rows.none()
    return rows


# ------------------------------------------------------------------ summing


def _sum(column: str) -> Any:
    return Coalesce(Sum(column), Value(ZERO))


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


UNION = "tkdn_pdn_umkk"  # the rollup measure of Figures.tkdn_pdn_umkk (as nilai)


def _apply(
    figures: Figures, measure: str, nilai: Any, pdn: Any, umk: Any, unknown: Any, *estimate: Any
) -> None:
    """Set one part (``measure``: rup, belanja, apbd, tkdn_pdn_umkk or a channel) of
    ``figures``; ``estimate`` is a channel's nilai_estimasi, pdn_estimasi, umk_estimasi."""
    if measure == "rup":
        figures.pagu_penyedia, figures.komitmen_pdn, figures.komitmen_umk = nilai, pdn, umk
    elif measure == "belanja":
        figures.belanja_pengadaan = nilai
    elif measure == "apbd":
        figures.komitmen_pdn_apbd, figures.komitmen_umk_apbd = pdn, umk
    elif measure == UNION:
        figures.tkdn_pdn_umkk = nilai
    else:
        figures.realisasi[measure] = Money(nilai, pdn, umk, unknown, *estimate)


def collect_from_facts(
    pemda: Pemda,
    tahun: int,
    day: dt.date | None = None,
    by: str | None = None,
    filters: Filters = NO_FILTERS,
) -> dict[str, Figures]:
    """The sums of the facts as they stood on ``day`` (the current ones when None), keyed by ''
    (the whole Pemda-year), by unit id or by 'YYYY-MM'."""
    figures: dict[str, Figures] = defaultdict(Figures)
    for source in SOURCES:
        if source in ("belanja", "apbd") and by == "month":
            continue  # the budget structure and the commitment template have no month
        rows = source_rows(source, pemda, tahun, day, filters)
        for row in _group(rows, by).annotate(
            a_nilai=_sum("d_nilai"),
            a_pdn=_sum("d_pdn"),
            a_umk=_sum("d_umk"),
            a_unknown=_sum("d_unknown"),
            **{f"a_{name}": _sum(f"d_{name}") for name in ESTIMATE_FIELDS},
            a_union=_sum("d_union"),
        ):
            if source in CHANNELS:
                figures[_key(row, by)].tkdn_pdn_umkk += row["a_union"]
            _apply(
                figures[_key(row, by)],
                source,
                row["a_nilai"],
                row["a_pdn"],
                row["a_umk"],
                row["a_unknown"],
                *(row[f"a_{name}"] for name in ESTIMATE_FIELDS),
            )
    if by is None:
        figures.setdefault("", Figures())
    return dict(figures)


def collect(
    pemda: Pemda,
    tahun: int,
    day: dt.date | None = None,
    by: str | None = None,
    filters: Filters = NO_FILTERS,
) -> dict[str, Figures]:
    """``collect_from_facts``, read from the import's rollup when it is asked for the current
    data without filters and the Pemda-year has one."""
    if day is None and not filters.active:
        stored = rollup_figures(pemda, tahun, by)
        if stored is not None:
            return stored
    return collect_from_facts(pemda, tahun, day, by, filters)


# ------------------------------------------------------------------ reading the rollups


def _rollup_key(row: dict[str, Any], grain: str) -> str:
    if grain == Grain.UNIT:
        return str(row["unit_id"] or "")
    if grain == Grain.MONTH:
        return row["bulan"].strftime("%Y-%m") if row["bulan"] else ""
    return ""


# The estimate's money of a channel, in Money, in the row annotations (d_…) and the rollup.
ESTIMATE_FIELDS = ("nilai_estimasi", "pdn_estimasi", "umk_estimasi")
ROLLUP_FIELDS = ("pemda_id", "grain", "unit_id", "bulan", "measure", "nilai", "pdn", "umk",
                 "belum_terklasifikasi", *ESTIMATE_FIELDS)


def rollup_figures(pemda: Pemda, tahun: int, by: str | None) -> dict[str, Figures] | None:
    """``collect_from_facts(pemda, tahun, None, by)`` as the rollup stored it, or None when the
    Pemda-year has no rollup (or ``by`` is no grain of it)."""
    if by not in BY_GRAIN:
        return None
    grain = BY_GRAIN[by]
    wanted = {Grain.PEMDA, grain}
    rows = IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun, grain__in=wanted)
    figures: dict[str, Figures] = defaultdict(Figures)
    built = False
    for row in rows.values(*ROLLUP_FIELDS):
        if row["grain"] == Grain.PEMDA:
            built = True
            if grain != Grain.PEMDA:
                continue
        _apply(
            figures[_rollup_key(row, grain)],
            row["measure"],
            row["nilai"],
            row["pdn"],
            row["umk"],
            row["belum_terklasifikasi"],
            *(row[name] for name in ESTIMATE_FIELDS),
        )
    return dict(figures) if built else None


def rollup_wholes(pemda_ids: Iterable[int], tahun: int) -> dict[int, Figures]:
    """The whole-year figures of every Pemda of ``pemda_ids`` that has a rollup for ``tahun``,
    in one query: {pemda_id: Figures}."""
    ids = set(pemda_ids)
    figures: dict[int, Figures] = defaultdict(Figures)
    columns = ("pemda_id", "measure", "nilai", "pdn", "umk", "belum_terklasifikasi",
               *ESTIMATE_FIELDS)
    query = IndicatorRollup.objects.filter(tahun=tahun, grain=Grain.PEMDA).values_list(*columns)
    sql, params = query.query.sql_with_params()
    # Read raw: Django's SQLite converter quantizes each of these thousands of values, which
    # costs more than the query; the Decimal is the same number (the sum as the facts gave it).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pemda_id, measure, *money in cursor.fetchall():
            if pemda_id in ids:
                _apply(figures[pemda_id], measure, *map(_decimal, money))
    return dict(figures)


_FROM_FLOAT = Context(prec=15).create_decimal_from_float  # as Django's SQLite converter


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    return _FROM_FLOAT(value)
