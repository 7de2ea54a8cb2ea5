"""The claim verification: every TKDN claim checked against the registry on a date
(``verify_claims``), stored as findings that replace the previous run's in one transaction.

Claims (docs/catalog.md, "Claim verification"):

- each current e-Katalog listing (``procurement.Product`` fact taken into the registry) that
  names a certificate number (``nomor_tkdn``) or a TKDN value above 0 (``tkdn_produk``);
- each certificate entered by hand that no Kemenperin file lists (only a ``manual`` source):
  checked against the certificates imported from the Kemenperin files.

The certificates found for a claim are those with its number (spaces and case aside); a claim
without a number is compared with the certificates of its own registry item. The decision is
the rules library's (``p3dn.rules.claims.check_claim``). The certificates found for each
listing also decide whether its TKDN claim counts in the spending classification on a purchase
date (procurement TkdnClaimWindow, sums.tkdn_claim_stands): an expired certificate never
counts as TKDN. Who runs it: the top (core/worker.py
after a registry sync, ``p3dn demo``) and ``p3dn catalog verify``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from p3dn.audit.services import log
from p3dn.catalog.claims.models import Finding, Purchase, VerificationRun
from p3dn.catalog.identity import parse_name
from p3dn.catalog.models import (
    CatalogProduct,
    Certificate,
    CertificateSource,
    ProductSource,
    SyncState,
)
from p3dn.catalog.validity import validity
from p3dn.procurement import rollups
from p3dn.procurement.models import EPurchase, TkdnClaimWindow
from p3dn.rules.claims import OUTCOMES, Claim, KnownCertificate, check_claim, rule_for

IMPORTED = (CertificateSource.Kind.EXPORT, CertificateSource.Kind.SCRAPE)
BATCH = 1000


def number_key(number: str | None) -> str:
    """A certificate number as compared: without spaces, case-folded."""
    return "".join((number or "").split()).casefold()


def _name_key(name: str) -> str:
    return parse_name(name).key if name and name.strip() else ""


@dataclass
class _Claim:
    source: str
    claim: Claim
    product: CatalogProduct
    parties: set[str]  # name keys of the producer, provider and manufacturer
    values: dict[str, Any]  # the Finding fields that describe the claim


def _listing_claims() -> Iterator[_Claim]:
    """The current e-Katalog listings the registry took in, with a TKDN claim."""
    sources = (
        ProductSource.objects.filter(fact__valid_to__isnull=True)
        .filter(~Q(fact__nomor_tkdn="") | Q(fact__tkdn_produk__gt=0))
        .select_related("fact", "product__producer")
        .order_by("fact_id")
    )
    for source in sources.iterator(chunk_size=BATCH):
        fact = source.fact
        claim = Claim(" ".join((fact.nomor_tkdn or "").split()), fact.tkdn_produk)
        if not claim.is_claim:
            continue
        extra = fact.extra or {}
        holder = str(extra.get("nama_pemilik_sertifikat_tkdn") or "").strip()
        provider = source.product.producer
        parties = {provider.name_key, _name_key(fact.nama_manufaktur),
                   _name_key(str(extra.get("nama_penyedia") or ""))} - {""}
        yield _Claim(
            Finding.Source.EKATALOG,
            claim,
            source.product,
            parties,
            {
                "listing_id": fact.pk,
                "import_run_id": source.run_id,
                "kd_produk": fact.kd_produk,
                "claimed_number": claim.number[:120],
                "claimed_tkdn": fact.tkdn_produk,
                "claimed_bmp": fact.nilai_bmp,
                "claimed_holder": holder[:255],
                "manufacturer": (fact.nama_manufaktur or "")[:255],
            },
        )


def _manual_claims() -> Iterator[_Claim]:
    """Certificates entered by hand that no Kemenperin file lists."""
    imported = CertificateSource.objects.filter(kind__in=IMPORTED).values("certificate_id")
    certificates = (
        Certificate.objects.exclude(pk__in=imported)
        .filter(sources__kind=CertificateSource.Kind.MANUAL)
        .distinct()
        .select_related("product__producer", "holder")
        .order_by("pk")
    )
    for cert in certificates.iterator(chunk_size=BATCH):
        number = " ".join((cert.number or "").split())
        tkdn = None if cert.not_applicable else cert.tkdn
        claim = Claim(number, tkdn)
        if not claim.is_claim:
            continue
        producer = cert.product.producer
        yield _Claim(
            Finding.Source.MANUAL,
            claim,
            cert.product,
            {producer.name_key, cert.holder.name_key} - {""},
            {
                "claimed_certificate_id": cert.pk,
                "claimed_number": number[:120],
                "claimed_tkdn": tkdn,
                "claimed_bmp": cert.bmp,
                "claimed_holder": cert.holder.name[:255],
            },
        )


def _certificates(claims: list[_Claim]) -> tuple[dict[str, list[Certificate]],
                                                dict[int, list[Certificate]]]:
    """The registry certificates by number key, and by product, that the claims may name."""
    numbers = {number_key(c.claim.number) for c in claims if c.claim.number}
    products = {c.product.pk for c in claims if not c.claim.number}
    raw = {c.claim.number for c in claims if c.claim.number}
    variants = raw | {n.upper() for n in raw} | {n.lower() for n in raw}
    qs = Certificate.objects.select_related("holder").prefetch_related("sources__run")
    by_number: dict[str, list[Certificate]] = defaultdict(list)
    by_product: dict[int, list[Certificate]] = defaultdict(list)
    variant_list = sorted(variants)
    for start in range(0, len(variant_list), BATCH):
        for cert in qs.filter(number__in=variant_list[start:start + BATCH]):
            by_number[number_key(cert.number)].append(cert)
    product_list = sorted(products)
    for start in range(0, len(product_list), BATCH):
        for cert in qs.filter(product_id__in=product_list[start:start + BATCH]):
            by_product[cert.product_id].append(cert)
    # a number written with other spaces: compare the keys
    for key in list(by_number):
        if key not in numbers:
            del by_number[key]
    return by_number, by_product


def _imported(cert: Certificate) -> bool:
    return any(s.kind in IMPORTED for s in cert.sources.all())


def _evidence(cert: Certificate, as_of: dt.date, party: bool) -> dict[str, Any]:
    status = validity(as_of=as_of, issue=cert.issue_date, expiry=cert.valid_until)
    runs = sorted({s.run.file_name for s in cert.sources.all() if s.run_id and s.run})
    return {
        "id": cert.pk,
        "number": cert.number or "",
        "tkdn": None if cert.tkdn is None else str(cert.tkdn),
        "not_applicable": cert.not_applicable,
        "bmp": None if cert.effective_bmp is None else str(cert.effective_bmp),
        "holder": cert.holder.name,
        "holder_id": cert.holder_id,
        "holder_is_party": party,
        "issue_date": cert.issue_date,
        "expiry_date": cert.expiry_date,
        "valid_until": cert.valid_until,
        "valid_until_estimated": cert.valid_until_estimated,
        "status": status.status,
        "status_label": status.label,
        "valid": status.valid,
        "sources": [s.get_kind_display() for s in cert.sources.all()],
        "files": runs,
        "product_id": cert.product_id,
    }


def _purchases(kd_produk: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Per kd_produk, the Pemda whose current e-Katalog purchase lines name it."""
    codes = sorted(set(kd_produk) - {""})
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(codes), BATCH):
        rows = (
            EPurchase.objects.filter(valid_to__isnull=True,
                                     kd_produk__in=codes[start:start + BATCH])
            .values("kd_produk", "pemda_id")
            .annotate(lines=Count("id"), total=Sum("total_harga"), first=Min("tanggal"),
                      last=Max("tanggal"))
            .order_by("kd_produk", "pemda_id")
        )
        for row in rows:
            found[row["kd_produk"]].append(row)
    return found


def _check(item: _Claim, candidates: list[Certificate], as_of: dt.date) -> Finding:
    known = []
    evidence = []
    for cert in candidates:
        party = cert.holder_id == item.product.producer_id or cert.holder.name_key in item.parties
        known.append(KnownCertificate(cert.pk, cert.tkdn, cert.not_applicable, cert.issue_date,
                                      cert.valid_until, party))
        evidence.append(_evidence(cert, as_of, party))
    check = check_claim(claim=item.claim, certificates=known, as_of=as_of)
    producer = item.product.producer
    return Finding(
        source=item.source,
        outcome=check.outcome.value,
        product=item.product,
        producer=producer,
        producer_region_id=producer.region_id,
        producer_province_id=producer.province_id,
        certificate_id=check.certificate,
        difference=check.difference,
        evidence=evidence,
        **item.values,
    )


Window = tuple[str, int, dt.date | None, dt.date | None]


def _windows(item: _Claim, candidates: list[Certificate]) -> set[Window]:
    """When the listing's TKDN claim is backed: each certificate found for it, from its issue
    date to the end of its validity; none (never valid) when it has no date or says 999,99
    (no TKDN value), as rules.claims.claim_counts_as_tkdn."""
    code = item.values.get("kd_produk") or ""
    return {
        (code, c.pk, c.issue_date,
         c.valid_until if (c.issue_date or c.expiry_date) and not c.not_applicable else None)
        for c in candidates
    }


def store_windows(windows: set[Window]) -> int:
    """Replace the claim windows the spending classification reads (procurement
    TkdnClaimWindow) when they changed, and recompute the indicator rollups of the Pemda-years
    that bought a product whose windows changed. Returns the number of products changed."""
    current = set(TkdnClaimWindow.objects.values_list(
        "kd_produk", "certificate_key", "valid_from", "valid_until"))
    changed = {w[0] for w in current ^ windows}
    if not changed:
        return 0
    TkdnClaimWindow.objects.all().delete()
    TkdnClaimWindow.objects.bulk_create(
        [TkdnClaimWindow(kd_produk=k, certificate_key=c, valid_from=f, valid_until=u)
         for k, c, f, u in sorted(windows, key=lambda w: (w[0], w[1]))],
        batch_size=BATCH,
    )
    rollups.refresh_products(changed)
    return len(changed)


@transaction.atomic
def verify_claims(*, as_of: dt.date | None = None, actor: Any = None) -> VerificationRun:
    """Check every claim on ``as_of`` (default today) and replace the stored findings with the
    result, in one transaction (a reader sees the old findings or the new, never a mix). Holds
    the registry's sync lock, so a sync and a verification never interleave."""
    started = timezone.now()
    day = as_of or timezone.localdate()
    SyncState.objects.get_or_create(pk=SyncState.SINGLETON)
    list(SyncState.objects.select_for_update().filter(pk=SyncState.SINGLETON).values("pk"))
    listing = list(_listing_claims())
    manual = list(_manual_claims())
    by_number, by_product = _certificates(listing + manual)
    findings: list[Finding] = []
    windows: set[Window] = set()
    for item in listing + manual:
        if item.claim.number:
            candidates = by_number.get(number_key(item.claim.number), [])
        else:
            candidates = by_product.get(item.product.pk, [])
        if item.source == Finding.Source.MANUAL:
            mine = item.values["claimed_certificate_id"]
            candidates = [c for c in candidates if c.pk != mine and _imported(c)]
        else:
            windows |= _windows(item, candidates)
        findings.append(_check(item, candidates, day))
    rule = rule_for(day)
    counts = Counter(f.outcome for f in findings)
    Finding.objects.all().delete()
    VerificationRun.objects.all().delete()
    user = actor if getattr(actor, "pk", None) else None
    run = VerificationRun.objects.create(
        as_of=day,
        started_at=started,
        finished_at=timezone.now(),
        actor=user,
        actor_name=(user.get_username() if user else str(actor or "system"))[:150],
        rule_version=rule.version,
        legal_basis=rule.legal_basis,
        tolerance=rule.tolerance,
        claims=len(findings),
        counts={o.value: counts.get(o.value, 0) for o in OUTCOMES},
    )
    for finding in findings:
        finding.run = run
    Finding.objects.bulk_create(findings, batch_size=BATCH)
    bought = _purchases(f.kd_produk for f in findings)
    purchases = [
        Purchase(finding=finding, pemda_id=row["pemda_id"], lines=row["lines"],
                 total=row["total"] or Decimal(0), first_date=row["first"],
                 last_date=row["last"])
        for finding in findings
        for row in bought.get(finding.kd_produk, [])
    ]
    Purchase.objects.bulk_create(purchases, batch_size=BATCH)
    store_windows(windows)
    log(actor=actor or "system", action="claims.verification.ran", obj=run,
        changes={"as_of": [None, day.isoformat()], "claims": [None, len(findings)],
                 **{k: [None, v] for k, v in run.counts.items() if v}})
    return run
