"""Every change of the TKDN-IK pipeline: registration, the C11 self-assessment, the pre-check,
the submission and the decision (certificate or rejection with its cause), and the automatic
closing of candidates whose certificate a later Kemenperin import brought into the registry.
Keyword-only, atomic, audited. The figures come from the rules library (p3dn.rules.tkdn_ik).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.catalog import identity
from p3dn.catalog.models import CatalogProduct, Certificate, Producer
from p3dn.regions.models import Region
from p3dn.rules import tkdn_ik as rules
from p3dn.rules.errors import RuleInputError
from p3dn.tkdnik import access
from p3dn.tkdnik.models import Candidate
from p3dn.web.rule_errors import message_for

AUDIT_FIELDS = [
    "status", "producer", "product", "kecamatan", "product_name", "specification", "brand",
    "tipe", "product_kbli", "health_product", "nie", "raw_material_evidence", "registered_on",
    "modal_usaha", "hasil_penjualan", "nib_kbli",
    "assessed_on", "regulation", "tkdn_ik", "certifiable", "prechecked_on", "precheck_passed",
    "override_reason", "submitted_on", "decided_on", "certificate", "closed_by_import",
    "rejection_cause", "rejection_note",
]
SYSTEM = "impor Kemenperin"


def _audit(candidate: Candidate, action: str, actor: Any, before: dict[str, Any]) -> None:
    log(actor=actor, action=action, obj=candidate, pemda=candidate.pemda,
        changes=diff(before, snapshot(candidate, AUDIT_FIELDS)))


def _date(value: dt.date | None, field: str, *, not_before: dt.date | None = None) -> dt.date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: _("The date cannot be before the previous step.")})
    return day


def _require_status(candidate: Candidate, *allowed: str) -> None:
    if candidate.status not in allowed:
        raise ValidationError(
            _("This step is not possible while the candidate is %(status)s.")
            % {"status": candidate.get_status_display().lower()}
        )


def kecamatan_of(pemda: Pemda, code: str) -> Region:
    """A kecamatan of the Pemda's area by its Kemendagri code (a ValidationError otherwise)."""
    region = Region.objects.filter(code=code.strip(), level=Region.Level.KECAMATAN).first()
    area = pemda.region_id
    if region is None or not region.code.startswith(area + "."):
        raise ValidationError({"kecamatan": _("Choose a kecamatan of this Pemda.")})
    return region


@transaction.atomic
def register_candidate(
    *, actor: User, pemda: Pemda, kecamatan: Region, producer: Producer,
    product: CatalogProduct | None = None, product_name: str = "", specification: str = "",
    brand: str = "", tipe: str = "", product_kbli: str = "", health_product: bool = False,
    nie: str = "", raw_material_evidence: bool | None = None, raw_material_note: str = "",
    registered_on: dt.date | None = None, modal_usaha: Decimal | None = None,
    hasil_penjualan: Decimal | None = None, nib_kbli: str = "",
) -> Candidate:
    """A small-industry producer's product enters the pipeline (step 1: registration)."""
    access.require_manage(actor, pemda)
    kecamatan = kecamatan_of(pemda, kecamatan.code)
    if product is not None:
        if product.producer_id != producer.pk:
            raise ValidationError({"product": _("This product is not one of this producer's.")})
        product_name = product_name or product.name
        specification = specification or product.specification
        brand = brand or product.brand
        tipe = tipe or product.tipe
        product_kbli = product_kbli or product.kbli[:5]
    if not product_name.strip():
        raise ValidationError({"product_name": _("Name the product.")})
    kbli = product_kbli.strip()
    if kbli and not (len(kbli) == 5 and kbli.isdigit()):
        raise ValidationError({"product_kbli": _("A KBLI code has 5 digits.")})
    candidate = Candidate(
        pemda=pemda, kecamatan=kecamatan, producer=producer, product=product,
        product_name=" ".join(product_name.split())[:255],
        specification=specification.strip()[:5000], brand=brand.strip()[:255],
        tipe=tipe.strip()[:255], product_kbli=kbli, health_product=health_product,
        nie=nie.strip()[:60], raw_material_evidence=raw_material_evidence,
        raw_material_note=raw_material_note.strip()[:255],
        registered_on=_date(registered_on, "registered_on"), created_by=actor,
        modal_usaha=_amount(modal_usaha, "modal_usaha"),
        hasil_penjualan=_amount(hasil_penjualan, "hasil_penjualan"),
        nib_kbli=_kbli_codes(nib_kbli),
    )
    candidate.save()
    _audit(candidate, "tkdnik.candidate.registered", actor, {})
    return candidate


@transaction.atomic
def update_evidence(
    *, actor: User, candidate: Candidate, product_kbli: str, health_product: bool, nie: str,
    raw_material_evidence: bool | None, raw_material_note: str = "",
    modal_usaha: Decimal | None = None, hasil_penjualan: Decimal | None = None,
    nib_kbli: str = "",
) -> Candidate:
    """Correct what the pre-check reads (KBLI, NIE, raw-material proof, and the business data
    the producer declares where the registry has none) before submission."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.REGISTERED, Candidate.Status.ASSESSED)
    before = snapshot(candidate, AUDIT_FIELDS)
    kbli = product_kbli.strip()
    if kbli and not (len(kbli) == 5 and kbli.isdigit()):
        raise ValidationError({"product_kbli": _("A KBLI code has 5 digits.")})
    candidate.product_kbli = kbli
    candidate.health_product = health_product
    candidate.nie = nie.strip()[:60]
    candidate.raw_material_evidence = raw_material_evidence
    candidate.raw_material_note = raw_material_note.strip()[:255]
    candidate.modal_usaha = _amount(modal_usaha, "modal_usaha")
    candidate.hasil_penjualan = _amount(hasil_penjualan, "hasil_penjualan")
    candidate.nib_kbli = _kbli_codes(nib_kbli)
    candidate.save()
    _audit(candidate, "tkdnik.candidate.evidence", actor, before)
    return candidate


@transaction.atomic
def record_self_assessment(
    *, actor: User, candidate: Candidate, regulation: str, material: Decimal,
    tenaga_kerja: Decimal, overhead: Decimal, pengembangan: Decimal,
    assessed_on: dt.date | None = None,
) -> Candidate:
    """Step 2: the C11 self-assessment, computed by the rules library and stored with its
    explanation (scores are fractions of the product value)."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.REGISTERED, Candidate.Status.ASSESSED)
    day = _date(assessed_on, "assessed_on", not_before=candidate.registered_on)
    try:
        result = rules.tkdn_ik(
            regulation=regulation, material=material, tenaga_kerja=tenaga_kerja,
            overhead=overhead, pengembangan=pengembangan,
            modal_usaha=business_data(candidate).modal_usaha,
        )
    except RuleInputError as exc:
        raise ValidationError({e["field"]: message_for(e) for e in exc.errors}) from None
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.regulation = regulation
    candidate.score_material, candidate.score_labour = material, tenaga_kerja
    candidate.score_overhead, candidate.score_development = overhead, pengembangan
    candidate.tkdn_ik = result.tkdn_ik
    candidate.certifiable = result.dapat_disertifikasi
    candidate.assessment = {
        "minimum": str(result.minimum), "legal_basis": result.legal_basis,
        "explanation": list(result.explanation), "industri_kecil": result.industri_kecil,
        "masa_berlaku_tahun": result.masa_berlaku_tahun,
    }
    candidate.assessed_on = day
    candidate.status = Candidate.Status.ASSESSED
    candidate.save()
    _audit(candidate, "tkdnik.candidate.assessed", actor, before)
    return candidate


@dataclass(frozen=True)
class BusinessData:
    """The producer's size and NIB data as the pre-check reads them: the registry's where it
    has them, else what the producer declared in this application (``declared`` names those
    fields)."""

    modal_usaha: Decimal | None
    hasil_penjualan: Decimal | None
    ukuran: str
    kbli_nib: tuple[str, ...]
    declared: tuple[str, ...]


def business_data(candidate: Candidate) -> BusinessData:
    producer = candidate.producer
    declared: list[str] = []

    def pick(name: str, registry: Any, own: Any) -> Any:
        if registry not in (None, "", ()) or own in (None, "", ()):
            return registry
        declared.append(name)
        return own

    modal = pick("modal_usaha", producer.modal_usaha, candidate.modal_usaha)
    sales = pick("hasil_penjualan", producer.hasil_penjualan, candidate.hasil_penjualan)
    kbli = pick("nib_kbli", tuple(producer.kbli_list), tuple(candidate.nib_kbli.split()))
    return BusinessData(modal, sales, producer.size or "", kbli, tuple(declared))


def _amount(value: Decimal | None, field: str) -> Decimal | None:
    if value is not None and (value < 0 or value >= Decimal(10) ** 18):
        raise ValidationError({field: _("Enter an amount from 0 up to 18 digits.")})
    return None if value is None else value.quantize(Decimal("0.01"))


def _kbli_codes(text: str) -> str:
    codes, bad = identity.kbli_codes(text)
    if bad:
        raise ValidationError({"nib_kbli": _("A KBLI code has 5 digits.")})
    return " ".join(dict.fromkeys(codes))[:200]


def precheck_of(candidate: Candidate) -> rules.PrecheckResult:
    """The four rejection causes on what the candidate and its producer say now."""
    data = business_data(candidate)
    return rules.precheck(
        modal_usaha=data.modal_usaha, hasil_penjualan=data.hasil_penjualan,
        ukuran_tercatat=data.ukuran, kbli_nib=data.kbli_nib,
        kbli_produk=candidate.product_kbli, bukti_bahan_baku=candidate.raw_material_evidence,
        produk_kesehatan=candidate.health_product, nie=candidate.nie,
    )


def _findings(result: rules.PrecheckResult) -> list[dict[str, str]]:
    return [{"cause": f.cause, "status": f.status, "message": f.message,
             "legal_basis": f.legal_basis} for f in result.findings]


@transaction.atomic
def run_precheck(*, actor: User, candidate: Candidate,
                 checked_on: dt.date | None = None) -> Candidate:
    """Step 3: the pre-check of the four main rejection causes, stored with its date."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.REGISTERED, Candidate.Status.ASSESSED)
    result = precheck_of(candidate)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.findings = _findings(result)
    candidate.precheck_passed = result.lolos
    candidate.prechecked_on = _date(checked_on, "prechecked_on",
                                    not_before=candidate.registered_on)
    candidate.save()
    _audit(candidate, "tkdnik.candidate.prechecked", actor, before)
    return candidate


@transaction.atomic
def submit_candidate(*, actor: User, candidate: Candidate, submitted_on: dt.date | None = None,
                     override_reason: str = "") -> Candidate:
    """Step 4: the application goes to Kemenperin (SIINas). Needs a certifiable
    self-assessment; the pre-check runs again and a cause it finds blocks the submission
    unless ``override_reason`` says why it goes anyway."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.ASSESSED)
    if not candidate.certifiable:
        raise ValidationError(_("The self-assessment does not reach the minimum for a "
                                "certificate."))
    day = _date(submitted_on, "submitted_on", not_before=candidate.assessed_on)
    result = precheck_of(candidate)
    reason = override_reason.strip()[:5000]
    if result.ada_gagal and not reason:
        raise ValidationError({"override_reason": _(
            "The pre-check found a rejection cause: fix it, or say why it is submitted anyway.")})
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.findings = _findings(result)
    candidate.precheck_passed = result.lolos
    candidate.prechecked_on = day
    candidate.override_reason = reason if result.ada_gagal else ""
    candidate.submitted_on = day
    candidate.status = Candidate.Status.SUBMITTED
    candidate.save()
    _audit(candidate, "tkdnik.candidate.submitted", actor, before)
    return candidate


def _certify(candidate: Candidate, certificate: Certificate, day: dt.date) -> None:
    candidate.certificate = certificate
    candidate.decided_on = day
    candidate.status = Candidate.Status.CERTIFIED
    candidate.rejection_cause = candidate.rejection_note = ""


@transaction.atomic
def record_certificate(*, actor: User, candidate: Candidate, certificate: Certificate,
                       decided_on: dt.date | None = None) -> Candidate:
    """Step 5: the certificate (a registry certificate of the candidate's producer)."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.SUBMITTED)
    if certificate.holder_id != candidate.producer_id and (
        certificate.product.producer_id != candidate.producer_id
    ):
        raise ValidationError({"certificate": _("This certificate is another producer's.")})
    before = snapshot(candidate, AUDIT_FIELDS)
    _certify(candidate, certificate,
             _date(decided_on or certificate.issue_date, "decided_on",
                   not_before=candidate.submitted_on))
    candidate.save()
    _audit(candidate, "tkdnik.candidate.certified", actor, before)
    return candidate


@transaction.atomic
def record_rejection(*, actor: User, candidate: Candidate, cause: str, note: str = "",
                     decided_on: dt.date | None = None) -> Candidate:
    """Step 5: Kemenperin rejected the application, for one of the causes (and a note)."""
    access.require_manage(actor, candidate.pemda)
    _require_status(candidate, Candidate.Status.SUBMITTED)
    if cause not in Candidate.RejectionCause.values:
        raise ValidationError({"cause": _("Choose the rejection cause.")})
    if cause == Candidate.RejectionCause.OTHER and not note.strip():
        raise ValidationError({"note": _("Say why it was rejected.")})
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.decided_on = _date(decided_on, "decided_on", not_before=candidate.submitted_on)
    candidate.status = Candidate.Status.REJECTED
    candidate.rejection_cause = cause
    candidate.rejection_note = note.strip()[:5000]
    candidate.save()
    _audit(candidate, "tkdnik.candidate.rejected", actor, before)
    return candidate


# ------------------------------------------------------------------ closing from the registry


def item_key_of(candidate: Candidate) -> str:
    """The registry's item identity of the candidate's product (catalog/identity.py)."""
    return identity.product_key(candidate.product_name, candidate.specification,
                                candidate.brand, candidate.tipe)


def matching_certificate(candidate: Candidate) -> Certificate | None:
    """A registry certificate of the candidate's producer and product (the registry's own
    identity: the same producer row, and the same item or the product chosen) that is newer
    than the candidate: issued on or after its registration, or, without an issue date, first
    seen in the registry after the candidate was registered. The latest such one."""
    qs = Certificate.objects.select_related("product").filter(
        Q(holder_id=candidate.producer_id) | Q(product__producer_id=candidate.producer_id),
        not_applicable=False,
    ).filter(
        Q(issue_date__gte=candidate.registered_on)
        | Q(issue_date__isnull=True, created_at__gte=candidate.created_at)
    ).order_by("-issue_date", "-id")
    wanted = item_key_of(candidate)
    for cert in qs:
        if candidate.product_id and cert.product_id == candidate.product_id:
            return cert
        product = cert.product
        key = identity.product_key(product.name, product.specification, product.brand,
                                   product.tipe)
        if key == wanted:
            return cert
    return None


@transaction.atomic
def match_certificates(*, actor: Any = None, pemda: Pemda | None = None) -> list[Candidate]:
    """Close every open candidate whose certificate the registry now holds (after a
    Kemenperin import and ``p3dn catalog sync``): certified on the certificate's issue date
    (else today), marked as closed by the import, audited. Returns the closed candidates."""
    qs = Candidate.objects.select_related("pemda", "producer").filter(
        status__in=Candidate.OPEN)
    if pemda is not None:
        qs = qs.filter(pemda=pemda)
    closed = []
    today = timezone.localdate()
    for candidate in qs.select_for_update(of=("self",)).order_by("id"):
        cert = matching_certificate(candidate)
        if cert is None:
            continue
        before = snapshot(candidate, AUDIT_FIELDS)
        _certify(candidate, cert, min(cert.issue_date or today, today))
        candidate.closed_by_import = True
        candidate.save()
        _audit(candidate, "tkdnik.candidate.certified_by_import", actor or SYSTEM, before)
        closed.append(candidate)
    return closed
