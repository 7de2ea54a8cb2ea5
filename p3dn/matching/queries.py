"""Reads of business matching: the demand of a Pemda-year (announced RUP packages nothing has
yet realized, plus the needs entered by hand), the interests' totals, and the conversion of
interests into the contracts, pencatatan and e-purchases that followed (docs/matching.md).

Everything is read from the current facts each time: an import that brings a contract is seen
by the next page, nothing is stored twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from p3dn.accounts.models import Pemda, Unit
from p3dn.catalog.identity import identity_key, npwp16
from p3dn.catalog.models import Producer
from p3dn.matching.models import Interest, Need
from p3dn.procurement.models import (
    Contract,
    EPurchase,
    Pencatatan,
    Provider,
    RupPackage,
    TenderResult,
)
from p3dn.procurement.queries import latest_contract_versions, names
from p3dn.rules.common import SET_SEPARATOR, jenis_set
from p3dn.rules.matching import Codes

ZERO = Decimal("0")
CANCELLED = "Paket Dibatalkan"  # a pencatatan cancelled at the source realizes nothing


# ------------------------------------------------------------------ demand


@dataclass(frozen=True)
class DemandFilters:
    unit_id: int | None = None
    jenis: str = ""
    pagu_min: Decimal | None = None
    pagu_max: Decimal | None = None
    selection_from: dt.date | None = None  # tgl_awal_pemilihan (or a need's planned date)
    selection_until: dt.date | None = None
    domestic: bool | None = None  # a domestic alternative: True with one, False without

    @property
    def needs_matching(self) -> bool:
        return self.domestic is not None


@dataclass(frozen=True)
class DemandLine:
    """One line of demand: an open RUP package or a need entered by hand."""

    kind: str  # "rup" or "need"
    kd_rup: int | None
    need_id: int | None
    unit_id: int | None
    unit_name: str
    name: str
    words: tuple[str, ...]  # what the package or need says it buys (uraian, specification)
    jenis: str
    metode: str
    pagu: Decimal
    selection_date: dt.date | None
    codes: Codes = field(default_factory=Codes)

    @property
    def key(self) -> str:
        return f"rup-{self.kd_rup}" if self.kind == "rup" else f"need-{self.need_id}"


def realized_rup_codes(pemda: Pemda) -> set[int]:
    """The RUP codes a current fact of the Pemda names as realized: a tender result (whose
    e-contract follows it), a pencatatan not cancelled, an e-purchasing line. SPSE's non-tender
    e-contracts name no RUP code and cannot close a package here (docs/matching.md)."""
    codes: set[int] = set()

    def add(text: str | int | None) -> None:
        for part in str(text or "").split(SET_SEPARATOR):
            part = part.strip()
            if part.isdigit():
                codes.add(int(part))

    for ref in TenderResult.objects.filter(pemda=pemda, valid_to__isnull=True).values_list(
            "kd_rup", flat=True):
        add(ref)
    for ref in (Pencatatan.objects.filter(pemda=pemda, valid_to__isnull=True)
                .exclude(status_ket=CANCELLED).values_list("kd_rup", flat=True)):
        add(ref)
    for code in (EPurchase.objects.filter(pemda=pemda, valid_to__isnull=True,
                                          kd_rup__isnull=False)
                 .values_list("kd_rup", flat=True).distinct()):
        add(code)
    return codes


def open_packages(pemda: Pemda, tahun: int) -> QuerySet[RupPackage]:
    """The Pemda-year's announced, active, not deleted and not excepted RUP packages that no
    current fact names as realized."""
    return (
        RupPackage.objects.filter(pemda=pemda, tahun_anggaran=tahun, valid_to__isnull=True,
                                  status_umumkan_rup="Terumumkan", status_aktif_rup=True,
                                  status_delete_rup=False, status_dikecualikan=False)
        .exclude(metode_pengadaan="Dikecualikan")
        .exclude(kd_rup__in=realized_rup_codes(pemda))
    )


def _split_words(*texts: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for part in str(text or "").replace("\n", ";").split(";"):
            part = " ".join(part.split()).strip(" ,.:-")
            if len(part) >= 3:
                seen.setdefault(part, None)
    return tuple(seen)


def _units(pemda: Pemda) -> dict[int, str]:
    return dict(Unit.objects.filter(pemda=pemda).values_list("pk", "name"))


def _package_line(p: RupPackage, units: dict[int, str]) -> DemandLine:
    return DemandLine(
        kind="rup", kd_rup=p.kd_rup, need_id=None, unit_id=p.unit_id,
        unit_name=units.get(p.unit_id or 0, p.kd_satker), name=p.nama_paket,
        words=_split_words(p.extra.get("urarian_pekerjaan"),
                           p.extra.get("spesifikasi_pekerjaan")),
        jenis=p.jenis_pengadaan, metode=p.metode_pengadaan, pagu=p.pagu,
        selection_date=p.tgl_awal_pemilihan,
    )


def demand(pemda: Pemda, tahun: int, filters: DemandFilters | None = None) -> list[DemandLine]:
    """The open packages and the needs of the Pemda-year, narrowed by the filters (all but
    ``domestic``, which asks the matching: suggestions.with_domestic_alternative). Largest
    pagu first."""
    filters = filters or DemandFilters()
    packages = open_packages(pemda, tahun)
    needs = Need.objects.filter(pemda=pemda, tahun=tahun)
    if filters.unit_id is not None:
        packages = packages.filter(unit_id=filters.unit_id)
        needs = needs.filter(unit_id=filters.unit_id)
    if filters.jenis:
        wanted = jenis_set(filters.jenis)
        packages = packages.filter(names("jenis_pengadaan", wanted))
        needs = needs.filter(jenis=wanted)
    if filters.pagu_min is not None:
        packages = packages.filter(pagu__gte=filters.pagu_min)
        needs = needs.filter(pagu__gte=filters.pagu_min)
    if filters.pagu_max is not None:
        packages = packages.filter(pagu__lte=filters.pagu_max)
        needs = needs.filter(pagu__lte=filters.pagu_max)
    if filters.selection_from is not None:
        packages = packages.filter(tgl_awal_pemilihan__gte=filters.selection_from)
        needs = needs.filter(planned_date__gte=filters.selection_from)
    if filters.selection_until is not None:
        packages = packages.filter(tgl_awal_pemilihan__lte=filters.selection_until)
        needs = needs.filter(planned_date__lte=filters.selection_until)
    units = _units(pemda)
    lines = [_package_line(p, units) for p in packages.order_by("-pagu", "kd_rup")]
    lines += [
        DemandLine(
            kind="need", kd_rup=n.kd_rup, need_id=n.pk, unit_id=n.unit_id,
            unit_name=units.get(n.unit_id, ""), name=n.name,
            words=_split_words(n.specification), jenis=n.jenis, metode="", pagu=n.pagu,
            selection_date=n.planned_date, codes=Codes(kbki=n.kbki, kbli=n.kbli, hs=n.kode_hs),
        )
        for n in needs.order_by("-pagu", "pk")
    ]
    lines.sort(key=lambda line: (-line.pagu, line.key))
    return lines


def package_line(pemda: Pemda, kd_rup: int) -> DemandLine | None:
    """The demand line of one open package of the Pemda (None when it is not open)."""
    package = (RupPackage.objects.filter(pemda=pemda, kd_rup=kd_rup, valid_to__isnull=True)
               .first())
    if package is None or not open_packages(pemda, package.tahun_anggaran).filter(
            pk=package.pk).exists():
        return None
    return _package_line(package, _units(pemda))


def need_line(need: Need) -> DemandLine:
    return DemandLine(
        kind="need", kd_rup=need.kd_rup, need_id=need.pk, unit_id=need.unit_id,
        unit_name=need.unit.name, name=need.name, words=_split_words(need.specification),
        jenis=need.jenis, metode="", pagu=need.pagu, selection_date=need.planned_date,
        codes=Codes(kbki=need.kbki, kbli=need.kbli, hs=need.kode_hs),
    )


def pemdas_with_packages(pemdas: QuerySet[Pemda]) -> QuerySet[Pemda]:
    """Those of ``pemdas`` with current RUP packages: the ones whose demand can be read."""
    return pemdas.filter(pk__in=RupPackage.objects.filter(valid_to__isnull=True)
                         .values("pemda_id")).order_by("name")


def package_years(pemda: Pemda) -> list[int]:
    return sorted(set(RupPackage.objects.filter(pemda=pemda, valid_to__isnull=True)
                      .values_list("tahun_anggaran", flat=True)), reverse=True)


# ------------------------------------------------------------------ conversion


class LinkStatus:
    CONVERTED = "converted"  # a fact names the package and its provider is the producer
    OTHER_PROVIDER = "other_provider"  # realized, by another provider
    PROVIDER_UNKNOWN = "provider_unknown"  # realized, the data names no provider
    OPEN = "open"  # nothing realized the package yet
    NO_CODE = "no_code"  # a need without a RUP code: nothing can name it


@dataclass(frozen=True)
class Followed:
    """A fact that names an interest's RUP package."""

    source: str  # "tender", "pencatatan", "epurchase"
    reference: str
    provider_name: str
    provider_npwp: str
    nilai: Decimal
    date: dt.date | None
    producer_agrees: bool | None  # None: the fact names no provider


@dataclass(frozen=True)
class Link:
    interest: Interest
    status: str
    followed: tuple[Followed, ...]
    # Non-tender e-contracts of the same unit and year, signed on or after the event, whose
    # provider is the interested producer: they name no RUP code, so they may be what the
    # interest became but are never counted as its conversion.
    possible: tuple[Followed, ...] = ()

    @property
    def converted_value(self) -> Decimal:
        return sum((f.nilai for f in self.followed if f.producer_agrees), ZERO)


def _agrees(producer: Producer, name: str, npwp: str) -> bool | None:
    if not name and not npwp:
        return None
    mine, theirs = npwp16(producer.npwp), npwp16(npwp)
    if mine and theirs:
        return mine == theirs
    return bool(name) and identity_key(name) == identity_key(producer.name)


def _followed_by_code(pemda_ids: Iterable[int], codes: set[int]) -> dict[int, list[dict[str, Any]]]:
    """Per RUP code, the current facts that name it (without the producer's verdict)."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not codes:
        return out
    pemda_ids = list(pemda_ids)
    texts = {str(c) for c in codes}

    def named(ref: str) -> list[int]:
        return [int(p) for p in str(ref or "").split(SET_SEPARATOR) if p.strip() in texts]

    text_match = Q(kd_rup__in=texts) | Q(kd_rup__contains=SET_SEPARATOR)
    results = TenderResult.objects.filter(pemda_id__in=pemda_ids, valid_to__isnull=True).filter(
        text_match)
    contracts = {
        c.kd_paket: c for c in latest_contract_versions(Contract.objects.filter(
            pemda_id__in=pemda_ids, valid_to__isnull=True, channel=Contract.Channel.TENDER))
    }
    for r in results:
        for code in named(r.kd_rup):
            contract = contracts.get(r.kd_tender)
            nilai = (contract.nilai_kontrak if contract else r.nilai_kontrak) or ZERO
            name = (contract.nama_penyedia if contract else "") or r.nama_penyedia
            npwp = str((contract.extra if contract else {}).get("npwp_penyedia")
                       or r.extra.get("npwp_penyedia") or "")
            out[code].append({"source": "tender", "reference": str(r.kd_tender),
                              "name": name, "npwp": npwp, "nilai": nilai,
                              "date": contract.tgl_kontrak if contract else None})
    recorded = (Pencatatan.objects.filter(pemda_id__in=pemda_ids, valid_to__isnull=True)
                .exclude(status_ket=CANCELLED).filter(text_match))
    for p in recorded:
        for code in named(p.kd_rup):
            out[code].append({"source": "pencatatan", "reference": str(p.kd_pct), "name": "",
                              "npwp": "", "nilai": p.total_realisasi,
                              "date": p.tgl_mulai_paket})
    lines = EPurchase.objects.filter(pemda_id__in=pemda_ids, valid_to__isnull=True,
                                     completed=True, kd_rup__in=codes)
    providers = {
        p.kd_penyedia: p for p in Provider.objects.filter(
            valid_to__isnull=True, kd_penyedia__in=lines.values("kd_penyedia"))
    }
    for e in lines:
        provider = providers.get(e.kd_penyedia)
        out[int(e.kd_rup or 0)].append({
            "source": "epurchase", "reference": e.kd_paket,
            "name": provider.nama_penyedia if provider else "",
            "npwp": provider.npwp_penyedia if provider else "", "nilai": e.total_harga,
            "date": e.tanggal})
    return out


def _non_tender_contracts(interests: list[Interest]) -> dict[tuple[int, int], list[Contract]]:
    """The current non-tender e-contracts (latest versions) per (Pemda, year) of the events."""
    scopes = {(i.event.pemda_id, i.event.tahun) for i in interests}
    out: dict[tuple[int, int], list[Contract]] = {}
    for pemda_id, tahun in scopes:
        out[(pemda_id, tahun)] = list(latest_contract_versions(Contract.objects.filter(
            pemda_id=pemda_id, tahun_anggaran=tahun, valid_to__isnull=True,
            channel=Contract.Channel.NON_TENDER)))
    return out


def _possible(interest: Interest, contracts: list[Contract]) -> tuple[Followed, ...]:
    found = []
    for c in contracts:
        if interest.unit_id is not None and c.unit_id != interest.unit_id:
            continue
        if c.tgl_kontrak is not None and c.tgl_kontrak < interest.event.date:
            continue
        npwp = str(c.extra.get("npwp_penyedia") or "")
        if _agrees(interest.producer, c.nama_penyedia, npwp):
            found.append(Followed("non_tender", str(c.kd_paket), c.nama_penyedia, npwp,
                                  c.nilai_kontrak, c.tgl_kontrak, True))
    return tuple(found)


def _code_of(interest: Interest) -> int | None:
    if interest.kd_rup is not None:
        return interest.kd_rup
    return interest.need.kd_rup if interest.need_id and interest.need else None


def conversion(interests: Iterable[Interest]) -> list[Link]:
    """Each interest with what followed it: the facts naming its RUP package (a need's once
    announced), each marked by whether its provider is the interested producer (same NPWP,
    else the same name by catalog.identity); and, when it is not converted, the non-tender
    e-contracts that may be it (``Link.possible``, never counted)."""
    interests = list(interests)
    codes = {c for c in (_code_of(i) for i in interests) if c is not None}
    pemda_ids = {i.event.pemda_id for i in interests}
    facts = _followed_by_code(pemda_ids, codes)
    non_tender = _non_tender_contracts(interests)
    links = []
    for interest in interests:
        code = _code_of(interest)
        possible = _possible(interest, non_tender[(interest.event.pemda_id, interest.event.tahun)])
        if code is None:
            links.append(Link(interest, LinkStatus.NO_CODE, (), possible))
            continue
        followed = tuple(
            Followed(f["source"], f["reference"], f["name"], f["npwp"], f["nilai"], f["date"],
                     _agrees(interest.producer, f["name"], f["npwp"]))
            for f in facts.get(code, [])
        )
        if not followed:
            status = LinkStatus.OPEN
        elif any(f.producer_agrees for f in followed):
            status = LinkStatus.CONVERTED
        elif any(f.producer_agrees is False for f in followed):
            status = LinkStatus.OTHER_PROVIDER
        else:
            status = LinkStatus.PROVIDER_UNKNOWN
        if status == LinkStatus.CONVERTED:
            possible = ()
        links.append(Link(interest, status, followed, possible))
    return links


# ------------------------------------------------------------------ totals


@dataclass
class Totals:
    """Interest, commitment and conversion of a group of interests."""

    key: str
    label: str
    interests: int = 0
    ketertarikan: Decimal = ZERO
    commitments: int = 0
    komitmen: Decimal = ZERO
    converted: int = 0
    converted_value: Decimal = ZERO

    def add(self, link: Link) -> None:
        interest = link.interest
        self.interests += 1
        self.ketertarikan += interest.nilai_ketertarikan
        if interest.nilai_komitmen is not None:
            self.commitments += 1
            self.komitmen += interest.nilai_komitmen
        if link.status == LinkStatus.CONVERTED:
            self.converted += 1
            self.converted_value += link.converted_value

    @property
    def conversion_rate(self) -> Decimal | None:
        """Converted interests over interests (a fraction); None without interests."""
        if not self.interests:
            return None
        return Decimal(self.converted) / Decimal(self.interests)

    @property
    def conversion_value_rate(self) -> Decimal | None:
        """Rupiah realized by the producer over the rupiah of interest."""
        if not self.ketertarikan:
            return None
        return self.converted_value / self.ketertarikan


@dataclass(frozen=True)
class Report:
    total: Totals
    by_event: list[Totals]
    by_unit: list[Totals]
    by_producer: list[Totals]
    links: list[Link]

    @property
    def unmatched(self) -> list[Link]:
        """Interests no fact converted yet: for follow-up in Monev."""
        return [link for link in self.links if link.status != LinkStatus.CONVERTED]


def report(interests: QuerySet[Interest]) -> Report:
    """Totals over ``interests`` (a user's visible ones, an event's): per event, unit and
    producer, with the conversion of each."""
    links = conversion(interests.select_related("event", "producer", "unit", "need", "product")
                       .order_by("event_id", "pk"))
    total = Totals("", "")
    groups: dict[str, dict[str, Totals]] = {"event": {}, "unit": {}, "producer": {}}
    for link in links:
        i = link.interest
        total.add(link)
        for kind, key, label in (
            ("event", str(i.event_id), str(i.event)),
            ("unit", str(i.unit_id or ""), i.unit.name if i.unit else ""),
            ("producer", str(i.producer_id), i.producer.name),
        ):
            groups[kind].setdefault(key, Totals(key, label)).add(link)

    def ordered(kind: str) -> list[Totals]:
        return sorted(groups[kind].values(), key=lambda t: (-t.ketertarikan, t.label))

    return Report(total, ordered("event"), ordered("unit"), ordered("producer"), links)
