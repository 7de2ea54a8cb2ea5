"""Reads of the TKDN-IK pipeline for the pages, the API, the export and other apps.

- ``target_progress``: the TkdnIkTarget facts of a Pemda-year per kecamatan and quarter against
  the certificates its candidates obtained there and then; ``pemda_progress`` and
  ``province_progress`` the same summed per Pemda and per province.
- ``precheck_outcome``: the share of pre-checked candidates later rejected.
- ``onboarding``: per producer its NIB status, KBLI, size, katalog lokal and Toko Daring status.
- ``expiring_certificates``: the certificates of a Pemda's producers ending within 60 days, for
  the Tim P3DN and for Monev.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda
from p3dn.audit.models import LogEntry
from p3dn.catalog import identity
from p3dn.catalog.listings import queries as listings
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.models import Certificate, Producer
from p3dn.procurement.models import TkdnIkTarget, TokoDaringOrder
from p3dn.regions.models import Region
from p3dn.rules.params import DEFAULT_PARAMS
from p3dn.tkdnik.models import Candidate

WARNING_DAYS = DEFAULT_PARAMS.cert_expiry_warning_days  # 60 (C12)
QUARTERS = (1, 2, 3, 4)
_FOUR = Decimal("0.0001")


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a fraction, None without a target (never an impossible figure)."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_FOUR)


# ------------------------------------------------------------------ targets and progress


@dataclass
class Progress:
    target_ikm: int = 0
    target_produk: int = 0
    ikm: int = 0  # distinct producers certified
    produk: int = 0  # candidates certified
    has_target: bool = False

    @property
    def share_ikm(self) -> Decimal | None:
        return share(self.ikm, self.target_ikm) if self.has_target else None

    @property
    def share_produk(self) -> Decimal | None:
        return share(self.produk, self.target_produk) if self.has_target else None


@dataclass
class KecamatanRow(Progress):
    kecamatan: str = ""
    name: str = ""
    triwulan: int = 0


@dataclass
class PemdaProgress(Progress):
    pemda: Pemda | None = None
    year: int = 0
    rows: list[KecamatanRow] = field(default_factory=list)
    quarters: dict[int, Progress] = field(default_factory=dict)


def available_years(pemdas: Iterable[Pemda | int]) -> list[int]:
    ids = [p if isinstance(p, int) else p.pk for p in pemdas]
    years = set(TkdnIkTarget.objects.filter(pemda_id__in=ids, valid_to__isnull=True)
                .values_list("tahun_anggaran", flat=True))
    years |= {d.year for d in Candidate.objects.filter(
        pemda_id__in=ids, status=Candidate.Status.CERTIFIED).values_list("decided_on", flat=True)
        if d}
    return sorted(years, reverse=True)


def pemda_with_data(pemdas: Iterable[Pemda], year: int) -> list[Pemda]:
    """Of ``pemdas``, those with a target in ``year`` or a candidate at all."""
    pemdas = list(pemdas)
    ids = [p.pk for p in pemdas]
    with_targets = set(TkdnIkTarget.objects.filter(
        pemda_id__in=ids, tahun_anggaran=year, valid_to__isnull=True).values_list("pemda_id",
                                                                                  flat=True))
    with_candidates = set(Candidate.objects.filter(pemda_id__in=ids).values_list("pemda_id",
                                                                                  flat=True))
    return [p for p in pemdas if p.pk in with_targets | with_candidates]


def certified(pemda: Pemda | int, year: int) -> QuerySet[Candidate]:
    return Candidate.objects.filter(pemda=pemda, status=Candidate.Status.CERTIFIED,
                                    decided_on__year=year)


def target_progress(pemda: Pemda, year: int) -> PemdaProgress:
    """Per kecamatan and quarter: the current targets against the products (candidates) and
    small industries (distinct producers) certified in that kecamatan and quarter; a
    kecamatan-quarter with certificates but no target is listed without a share."""
    targets = TkdnIkTarget.objects.filter(pemda=pemda, tahun_anggaran=year,
                                          valid_to__isnull=True)
    rows: dict[tuple[str, int], KecamatanRow] = {}
    for t in targets:
        row = rows.setdefault((t.kode_kecamatan, t.triwulan),
                              KecamatanRow(kecamatan=t.kode_kecamatan, triwulan=t.triwulan))
        row.target_ikm += t.target_ikm
        row.target_produk += t.target_produk
        row.has_target = True
    producers: dict[tuple[str, int], set[int]] = defaultdict(set)
    for kec, producer, day in certified(pemda, year).values_list(
            "kecamatan_id", "producer_id", "decided_on"):
        assert day is not None  # a certified candidate has its decision date
        key = (kec, quarter_of(day))
        row = rows.setdefault(key, KecamatanRow(kecamatan=kec, triwulan=key[1]))
        row.produk += 1
        producers[key].add(producer)
    names = dict(Region.objects.filter(code__in={k for k, _ in rows}).values_list("code", "name"))
    total = PemdaProgress(pemda=pemda, year=year)
    quarters = {q: Progress() for q in QUARTERS}
    all_producers: set[int] = set()
    quarter_producers: dict[int, set[int]] = defaultdict(set)
    for key, row in rows.items():
        row.name = names.get(row.kecamatan, row.kecamatan)
        row.ikm = len(producers[key])
        all_producers |= producers[key]
        quarter_producers[row.triwulan] |= producers[key]
        for sums in (total, quarters[row.triwulan]):
            sums.target_ikm += row.target_ikm
            sums.target_produk += row.target_produk
            sums.produk += row.produk
            sums.has_target = sums.has_target or row.has_target
    total.ikm = len(all_producers)
    for q, sums in quarters.items():
        sums.ikm = len(quarter_producers[q])
    total.rows = sorted(rows.values(), key=lambda r: (r.triwulan, r.kecamatan))
    total.quarters = quarters
    return total


def pemda_progress(pemdas: Iterable[Pemda], year: int) -> list[PemdaProgress]:
    return [target_progress(p, year) for p in pemdas]


@dataclass
class ProvinceProgress(Progress):
    province: Region | None = None
    pemdas: list[PemdaProgress] = field(default_factory=list)


def province_progress(pemdas: Iterable[Pemda], year: int) -> list[ProvinceProgress]:
    """The Pemda's progress summed per province (the province's own targets and those of its
    kabupaten/kota), the province's rows first."""
    groups: dict[str, ProvinceProgress] = {}
    for pemda in sorted(pemdas, key=lambda p: p.region_id):
        code = pemda.region_id.split(".")[0]
        group = groups.get(code)
        if group is None:
            group = groups[code] = ProvinceProgress(province=Region.objects.get(code=code))
        one = target_progress(pemda, year)
        group.pemdas.append(one)
        group.target_ikm += one.target_ikm
        group.target_produk += one.target_produk
        group.ikm += one.ikm
        group.produk += one.produk
        group.has_target = group.has_target or one.has_target
    return list(groups.values())


# ------------------------------------------------------------------ candidates and pre-check


def list_candidates(qs: QuerySet[Candidate], *, status: str | None = None,
                    kecamatan: str | None = None, q: str | None = None) -> QuerySet[Candidate]:
    if status:
        qs = qs.filter(status=status)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    if q:
        qs = qs.filter(Q(producer__name__icontains=q) | Q(product_name__icontains=q))
    return qs.order_by("-registered_on", "-id")


def status_counts(qs: QuerySet[Candidate]) -> dict[str, int]:
    counts = {s: 0 for s in Candidate.Status.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class PrecheckOutcome:
    """Of the candidates pre-checked before submission and since decided, how many Kemenperin
    rejected (and for which cause); ``share`` None while none is decided."""

    prechecked: int
    decided: int
    rejected: int
    certified: int
    by_cause: dict[str, int]

    @property
    def share(self) -> Decimal | None:
        return share(self.rejected, self.decided)


def precheck_outcome(qs: QuerySet[Candidate]) -> PrecheckOutcome:
    checked = qs.filter(prechecked_on__isnull=False)
    decided = checked.filter(status__in=(Candidate.Status.CERTIFIED, Candidate.Status.REJECTED))
    rejected = decided.filter(status=Candidate.Status.REJECTED)
    by_cause = {c: 0 for c in Candidate.RejectionCause.values}
    for row in rejected.values("rejection_cause").annotate(n=Count("id")):
        by_cause[row["rejection_cause"]] = row["n"]
    n_decided, n_rejected = decided.count(), rejected.count()
    return PrecheckOutcome(checked.count(), n_decided, n_rejected, n_decided - n_rejected,
                           by_cause)


STEP_LABELS = {
    "tkdnik.candidate.registered": _("Registered"),
    "tkdnik.candidate.evidence": _("Evidence corrected"),
    "tkdnik.candidate.assessed": _("Self-assessed"),
    "tkdnik.candidate.prechecked": _("Pre-checked"),
    "tkdnik.candidate.submitted": _("Submitted"),
    "tkdnik.candidate.certified": _("Certified"),
    "tkdnik.candidate.certified_by_import": _("Certified (found in a Kemenperin import)"),
    "tkdnik.candidate.rejected": _("Rejected"),
}


def history(candidate: Candidate) -> list[LogEntry]:
    """Every step of the candidate, oldest first (the audit trail), each with its label."""
    entries = list(LogEntry.objects.filter(
        object_type=Candidate._meta.label_lower, object_id=str(candidate.pk)
    ).select_related("actor").order_by("created_at", "id"))
    for entry in entries:
        entry.label = STEP_LABELS.get(entry.action, _("Changed"))  # type: ignore[attr-defined]
    return entries


# ------------------------------------------------------------------ onboarding


def _area(pemda: Pemda) -> Q:
    code = pemda.region_id
    if pemda.region.level == Region.Level.PROVINSI:
        return Q(province_id=code)
    return Q(region_id=code) | Q(region__code__startswith=code + ".")


def onboarding_producers(pemda: Pemda) -> QuerySet[Producer]:
    """The producers of the Pemda: located in its area, or named by one of its candidates or
    katalog lokal entries."""
    candidates = Candidate.objects.filter(pemda=pemda).values("producer_id")
    listed = Listing.objects.filter(pemda=pemda, producer__isnull=False).values("producer_id")
    return (Producer.objects.filter(_area(pemda) | Q(pk__in=candidates) | Q(pk__in=listed))
            .select_related("region").order_by("name_key", "id"))


@dataclass(frozen=True)
class OnboardingRow:
    producer: Producer
    listing_status: str  # a Listing.Status value, '' when not in the katalog lokal
    listing_label: str
    toko_daring_orders: int | None  # None: the Pemda's Toko Daring data names no merchant
    candidates: int


def _listing_status(pemda: Pemda, ids: list[int]) -> dict[int, Listing]:
    rank = {Listing.Status.APPROVED: 0, Listing.Status.PENDING: 1,
            Listing.Status.REJECTED: 2, Listing.Status.REMOVED: 3}
    best: dict[int, Listing] = {}
    for entry in Listing.objects.filter(pemda=pemda, producer_id__in=ids):
        assert entry.producer_id is not None
        current = best.get(entry.producer_id)
        if current is None or rank[entry.status] < rank[current.status]:  # type: ignore[index]
            best[entry.producer_id] = entry
    return best


def toko_daring_counts(pemda: Pemda, producers: list[Producer]) -> dict[int, int] | None:
    """Per producer, the current Toko Daring order lines of the Pemda whose merchant is that
    producer by the registry's identity (legal-form family and name key). None when no order
    line of the Pemda names its merchant (LKPP's file often leaves it empty): then nobody's
    Toko Daring status is known, and none is shown as zero."""
    orders = TokoDaringOrder.objects.filter(pemda=pemda, valid_to__isnull=True).exclude(
        merchant_name="")
    if not orders.exists():
        return None
    wanted: dict[str, list[int]] = defaultdict(list)
    for p in producers:
        wanted[f"{p.family}:{p.name_key}"].append(p.pk)
    counts: dict[int, int] = defaultdict(int)
    for row in orders.values("merchant_name").annotate(n=Count("id")):
        for pk in wanted.get(identity.identity_key(row["merchant_name"]), ()):
            counts[pk] += row["n"]
    return {p.pk: counts.get(p.pk, 0) for p in producers}


def onboarding_rows(pemda: Pemda, producers: list[Producer]) -> list[OnboardingRow]:
    ids = [p.pk for p in producers]
    listed = _listing_status(pemda, ids)
    toko = toko_daring_counts(pemda, producers)
    tracked = dict(Candidate.objects.filter(pemda=pemda, producer_id__in=ids)
                   .values("producer_id").annotate(n=Count("id")).values_list("producer_id", "n"))
    return [
        OnboardingRow(
            producer=p,
            listing_status=listed[p.pk].status if p.pk in listed else "",
            listing_label=listed[p.pk].get_status_display() if p.pk in listed else "",
            toko_daring_orders=None if toko is None else toko[p.pk],
            candidates=tracked.get(p.pk, 0),
        )
        for p in producers
    ]


def onboarding_progress(pemda: Pemda) -> listings.Progress:
    """The Pemda's approved UMK producers in its katalog lokal against its onboarding target
    (listings.OnboardingTarget, default 1.000)."""
    return listings.progress(pemda)


# ------------------------------------------------------------------ expiring certificates


@dataclass(frozen=True)
class ExpiringCertificate:
    certificate: Certificate
    days_left: int
    candidate_id: int | None


def expiring_certificates(pemda: Pemda, *, as_of: dt.date,
                          days: int = WARNING_DAYS) -> list[ExpiringCertificate]:
    """The certificates of the Pemda's producers (its area, candidates and katalog lokal) still
    valid on ``as_of`` and ending within ``days`` days (C12: 60), soonest first. What Monev reads
    for its reminders."""
    producers = onboarding_producers(pemda).values("pk")
    end = as_of + dt.timedelta(days=days)
    certs = (Certificate.objects.applicable()
             .filter(Q(holder_id__in=producers) | Q(product__producer_id__in=producers),
                     valid_until__gte=as_of, valid_until__lte=end)
             .filter(Q(issue_date__isnull=True) | Q(issue_date__lte=as_of))
             .select_related("product", "holder").order_by("valid_until", "id").distinct())
    tracked = dict(Candidate.objects.filter(pemda=pemda, certificate__in=certs)
                   .values_list("certificate_id", "id"))
    result = []
    for cert in certs:
        assert cert.valid_until is not None
        result.append(ExpiringCertificate(cert, (cert.valid_until - as_of).days,
                                          tracked.get(cert.pk)))
    return result
