"""The data-quality warnings of a Pemda-year: which source rows make a figure of the Dasbor
impossible or doubtful, and why (docs/quality.md).

Every warning reads the very rows the indicators sum (``p3dn.procurement.sums.source_rows``)
and the very sums the Dasbor shows (``sums.collect``), so a row listed here is a row behind a
number there. The decisions (thresholds, the digit-slip test, when the RUP looks like a sample)
are pure rules in ``p3dn.rules.data_quality``. Messages are Indonesian sentences (English
msgids, translated in p3dn/locale).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p3dn.accounts.models import Pemda, Unit
from p3dn.lib.money import format_number, format_percent, format_rupiah
from p3dn.procurement.models import IndicatorRollup, RupPackage, RupSwakelola, TenderResult
from p3dn.procurement.queries import as_of as facts_as_of
from p3dn.procurement.sums import CHANNELS, ZERO, Figures, collect, manual_evidence, source_rows
from p3dn.rules import data_quality as rule

# The channels whose rows name a RUP package (kd_rup): directly, or a tender through its
# SPSE-TenderSelesaiNilai row. Non-tender e-contracts and Toko Daring orders name none.
NAMING_CHANNELS = ("tender", "pencatatan_non_tender", "swakelola", "e_purchasing")
# The channels whose rows declare their own PDN and UMK parts beside their value.
DECLARING_CHANNELS = ("tender", "non_tender", "pencatatan_non_tender", "swakelola")

CODES = (
    "rup_sampel",
    "capaian_di_atas_100",
    "realisasi_tanpa_rup",
    "unit_tanpa_komitmen",
    "umk_sama_dengan_nilai_kontrak",
    "selisih_digit",
    "nama_unit_ganda",
    "realisasi_manual_ganda",
    "komitmen_pdn_nol",
    "realisasi_total_nol",
    "belanja_pengadaan_nol",
)


@dataclass(frozen=True)
class SourceRow:
    """One suspicious source row: where it is (``sumber``: "rup", "unit", "pemda" or a
    channel), who owns it, how LKPP identifies it, its values and why it is listed."""

    code: str
    sumber: str
    unit_id: int | None
    unit_name: str
    ident: str  # kd_rup, kd_paket (tender / non-tender / e-Katalog), kd_pct or order id
    kd_rup: str
    no_kontrak: str
    nama: str
    nilai: Decimal
    pdn: Decimal | None
    umk: Decimal | None
    alasan: str


@dataclass(frozen=True)
class DataWarning:
    """A warning of a Pemda-year: ``count`` source rows worth ``nilai`` rupiah, a sentence for
    the Tim P3DN, and the rows themselves. ``blocking``: the Pemda's own capaian cannot be
    reported as it stands (see ``is_incomplete``)."""

    code: str
    count: int
    nilai: Decimal
    message: str
    rows: tuple[SourceRow, ...] = field(default=(), repr=False)
    blocking: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "count": self.count,
            "nilai": str(self.nilai.quantize(Decimal("0.01"))),
            "message": self.message,
        }


def is_incomplete(warnings: Iterable[DataWarning]) -> bool:
    """Whether the Pemda-year must be marked "data belum lengkap" (the ranking, the Dasbor)."""
    return rule.is_incomplete({w.code for w in warnings if w.blocking})


# ------------------------------------------------------------------ reading the rows


class _Context:
    """What several warnings of one Pemda-year read: units, the RUP codes, the sums."""

    def __init__(self, pemda: Pemda, tahun: int, day: dt.date | None) -> None:
        self.pemda, self.tahun, self.day = pemda, tahun, day
        self.units = {u.pk: u for u in Unit.objects.filter(pemda=pemda)}
        self.whole: Figures = collect(pemda, tahun, day)[""]
        self.parts = collect(pemda, tahun, day, "satker")
        rup = facts_as_of(RupPackage.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)
        swa = facts_as_of(RupSwakelola.objects.filter(pemda=pemda, tahun_anggaran=tahun), day)
        self.rup_codes = {str(c) for c in rup.values_list("kd_rup", flat=True)} | {
            str(c) for c in swa.values_list("kd_rup", flat=True)
        }
        self.rup_count = len(self.rup_codes)

    def unit_name(self, unit_id: int | None) -> str:
        unit = self.units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    def rows(self, channel: str) -> Any:
        return source_rows(channel, self.pemda, self.tahun, self.day)


def _codes(reference: str | int | None) -> list[str]:
    if reference is None:
        return []
    return [c.strip() for c in str(reference).split(";") if c.strip()]


def _ident(channel: str, row: Any) -> str:
    if channel in ("tender", "non_tender", "e_purchasing"):
        return str(row.kd_paket)
    if channel in ("pencatatan_non_tender", "swakelola"):
        return str(row.kd_pct)
    if channel == "manual":
        return str(row.nomor_bukti)
    return str(row.order_id)


def _row(
    ctx: _Context, code: str, channel: str, row: Any, alasan: str, kd_rup: str = ""
) -> SourceRow:
    return SourceRow(
        code=code,
        sumber=channel,
        unit_id=row.unit_id,
        unit_name=ctx.unit_name(row.unit_id),
        ident=_ident(channel, row),
        kd_rup=kd_rup or str(getattr(row, "kd_rup", "") or ""),
        no_kontrak=getattr(row, "no_kontrak", "") or "",
        nama=(
            getattr(row, "nama_paket", "")
            or getattr(row, "merchant_name", "")
            or getattr(row, "uraian", "")
            or ""
        ),
        nilai=row.d_nilai,
        pdn=row.d_pdn,
        umk=row.d_umk,
        alasan=alasan,
    )


def _naming_rows(ctx: _Context) -> Iterator[tuple[str, Any, list[str]]]:
    """Every realization row that can name a RUP package, with the codes it names."""
    tender = list(ctx.rows("tender").order_by("pk"))
    results = facts_as_of(TenderResult.objects.filter(pemda=ctx.pemda), ctx.day).filter(
        kd_tender__in=[c.kd_paket for c in tender]
    )
    named = dict(results.values_list("kd_tender", "kd_rup"))
    for contract in tender:
        yield "tender", contract, _codes(named.get(contract.kd_paket))
    for channel in NAMING_CHANNELS[1:]:
        for row in ctx.rows(channel).order_by("pk"):
            yield channel, row, _codes(row.kd_rup)


# ------------------------------------------------------------------ the warnings


def _warning(
    code: str,
    rows: list[SourceRow],
    message: str,
    nilai: Decimal | None = None,
    count: int | None = None,
    blocking: bool = False,
) -> DataWarning:
    return DataWarning(
        code=code,
        count=len(rows) if count is None else count,
        nilai=sum((r.nilai for r in rows), ZERO) if nilai is None else nilai,
        message=message,
        rows=tuple(rows),
        blocking=blocking,
    )


def _without_rup(ctx: _Context) -> tuple[list[SourceRow], set[str], set[str]]:
    """Rows whose package is not in the imported RUP, every code named, the codes missing."""
    rows: list[SourceRow] = []
    named: set[str] = set()
    missing: set[str] = set()
    for channel, row, codes in _naming_rows(ctx):
        named.update(codes)
        absent = [c for c in codes if c not in ctx.rup_codes]
        missing.update(absent)
        if codes and len(absent) < len(codes):
            continue
        if not codes:
            alasan = _("The row names no RUP package (kd_rup).")
        else:
            alasan = _("RUP code %(codes)s is not in the imported RUP.") % {
                "codes": ", ".join(codes)
            }
        rows.append(_row(ctx, "realisasi_tanpa_rup", channel, row, alasan, ";".join(codes)))
    return rows, named, missing


def _unit_rows(ctx: _Context, unit_keys: set[str], code: str, alasan: str) -> list[SourceRow]:
    out = []
    ids = [int(k) for k in unit_keys if k]
    for channel in CHANNELS:
        rows = ctx.rows(channel)
        where = Q(unit_id__in=ids)
        if "" in unit_keys:
            where |= Q(unit__isnull=True)
        for row in rows.filter(where).exclude(d_nilai=0).order_by("unit_id", "pk"):
            out.append(_row(ctx, code, channel, row, alasan))
    return out


def _without_commitment(ctx: _Context) -> DataWarning | None:
    keys = {
        key for key, part in ctx.parts.items() if part.total.nilai != 0 and part.pagu_penyedia == 0
    }
    if not keys:
        return None
    rows = _unit_rows(
        ctx,
        keys,
        "unit_tanpa_komitmen",
        _("The perangkat daerah has realization but no package in the imported RUP."),
    )
    units = len(keys)
    message = ngettext(
        "%(units)s perangkat daerah has realization (%(rows)s rows, %(nilai)s) but no "
        "commitment in the imported RUP.",
        "%(units)s perangkat daerah have realization (%(rows)s rows, %(nilai)s) but no "
        "commitment in the imported RUP.",
        units,
    ) % {
        "units": format_number(units),
        "rows": format_number(len(rows)),
        "nilai": format_rupiah(sum(r.nilai for r in rows)),
    }
    return _warning("unit_tanpa_komitmen", rows, message)


def _coverage(ctx: _Context, named: set[str], missing: set[str]) -> rule.RupCoverage:
    return rule.RupCoverage(
        rup_packages=ctx.rup_count,
        rup_pagu=ctx.whole.pagu_penyedia,
        named=len(named),
        named_missing=len(missing),
        realisasi=ctx.whole.total.nilai,
    )


def _sample(ctx: _Context, coverage: rule.RupCoverage) -> DataWarning | None:
    reasons = rule.sample_reasons(coverage)
    if not reasons:
        return None
    why = []
    if "paket" in reasons:
        why.append(
            _(
                "the realization names %(named)s RUP packages, %(missing)s of them (%(share)s) "
                "not in it"
            )
            % {
                "named": format_number(coverage.named),
                "missing": format_number(coverage.named_missing),
                "share": format_percent(coverage.missing_share),
            }
        )
    if "pagu" in reasons:
        why.append(
            _("its pagu (%(pagu)s) is less than half of the realization (%(realisasi)s)")
            % {
                "pagu": format_rupiah(coverage.rup_pagu),
                "realisasi": format_rupiah(coverage.realisasi),
            }
        )
    message = _(
        "The imported RUP looks like a sample, not the whole plan: it holds %(count)s "
        "packages; %(why)s. Capaian PDN cannot be read until the complete RUP is imported."
    ) % {"count": format_number(coverage.rup_packages), "why": "; ".join(why)}
    alasan = _("Package of an incomplete RUP.")
    rows = []
    sources: tuple[tuple[Any, str], ...] = ((RupPackage, "rup"), (RupSwakelola, "rup_swakelola"))
    for model, sumber in sources:
        packages = facts_as_of(
            model.objects.filter(pemda=ctx.pemda, tahun_anggaran=ctx.tahun), ctx.day
        )
        for p in packages.order_by("unit_id", "kd_rup"):
            rows.append(
                SourceRow(
                    code="rup_sampel",
                    sumber=sumber,
                    unit_id=p.unit_id,
                    unit_name=ctx.unit_name(p.unit_id),
                    ident=str(p.kd_rup),
                    kd_rup=str(p.kd_rup),
                    no_kontrak="",
                    nama=p.nama_paket,
                    nilai=p.pagu,
                    pdn=p.pagu if getattr(p, "status_pdn", "") == "PDN" else None,
                    umk=p.pagu if getattr(p, "status_ukm", "") == "UKM" else None,
                    alasan=alasan,
                )
            )
    return _warning("rup_sampel", rows, message, nilai=coverage.rup_pagu, blocking=True)


def _above_full(
    ctx: _Context, sample: DataWarning | None, without_rup: DataWarning | None
) -> DataWarning | None:
    rows: list[SourceRow] = []

    def add(unit_id: int | None, sumber: str, f: Figures) -> None:
        share = f.total.pdn / f.komitmen_pdn
        rows.append(
            SourceRow(
                code="capaian_di_atas_100",
                sumber=sumber,
                unit_id=unit_id,
                unit_name=ctx.unit_name(unit_id) if unit_id else ctx.pemda.name,
                ident="",
                kd_rup="",
                no_kontrak="",
                nama="",
                nilai=f.total.pdn - f.komitmen_pdn,
                pdn=f.total.pdn,
                umk=None,
                alasan=_(
                    "Capaian PDN %(capaian)s: PDN realization %(realisasi)s against a PDN "
                    "commitment of %(komitmen)s."
                )
                % {
                    "capaian": format_percent(share),
                    "realisasi": format_rupiah(f.total.pdn),
                    "komitmen": format_rupiah(f.komitmen_pdn),
                },
            )
        )

    whole = ctx.whole
    pemda_above = rule.capaian_above_full(whole.total.pdn, whole.komitmen_pdn)
    if pemda_above:
        add(None, "pemda", whole)
    for key in sorted(ctx.parts, key=lambda k: (ctx.unit_name(int(k)) if k else "~", k)):
        part = ctx.parts[key]
        if key and rule.capaian_above_full(part.total.pdn, part.komitmen_pdn):
            add(int(key), "unit", part)
    if not rows:
        return None
    reasons = []
    if sample is not None:
        reasons.append(_("the imported RUP looks like a sample"))
    if without_rup is not None:
        reasons.append(
            _("%(count)s realization rows (%(nilai)s) name no package of the imported RUP")
            % {"count": format_number(without_rup.count), "nilai": format_rupiah(without_rup.nilai)}
        )
    if not reasons:
        reasons.append(_("PDN realization is larger than the PDN packages planned for it"))
    units = len(rows) - (1 if pemda_above else 0)
    if pemda_above:
        head = _("Capaian PDN of the Pemda is %(capaian)s, above 100%%") % {
            "capaian": format_percent(whole.total.pdn / whole.komitmen_pdn)
        }
        if units:
            head += ngettext(
                ", and of %(units)s perangkat daerah", ", and of %(units)s perangkat daerah", units
            ) % {"units": format_number(units)}
    else:
        head = ngettext(
            "Capaian PDN of %(units)s perangkat daerah is above 100%%",
            "Capaian PDN of %(units)s perangkat daerah is above 100%%",
            units,
        ) % {"units": format_number(units)}
    message = _("%(head)s: data incomplete, not an achievement (%(why)s).") % {
        "head": head,
        "why": "; ".join(reasons),
    }
    nilai = rows[0].nilai if pemda_above else sum((r.nilai for r in rows), ZERO)
    return _warning("capaian_di_atas_100", rows, message, nilai=nilai, blocking=pemda_above)


def _declared_rows(ctx: _Context) -> tuple[list[SourceRow], list[SourceRow]]:
    """Contracts above Rp15 miliar all UMK, and PDN/UMK parts off by a digit."""
    umk_rows: list[SourceRow] = []
    slip_rows: list[SourceRow] = []
    for channel in DECLARING_CHANNELS:
        rows = ctx.rows(channel)
        for row in rows.filter(d_nilai__gt=rule.UMK_RESERVED_CEILING).order_by("pk"):
            if rule.umk_equals_contract(row.d_nilai, row.d_umk):
                umk_rows.append(
                    _row(
                        ctx,
                        "umk_sama_dengan_nilai_kontrak",
                        channel,
                        row,
                        _(
                            "The whole value above Rp15 miliar is declared UMK; packages above "
                            "Rp15 miliar are not reserved for small enterprises."
                        ),
                    )
                )
        suspects = rows.filter(Q(d_pdn__gt=F("d_nilai")) | Q(d_umk__gt=F("d_nilai")))
        for row in suspects.order_by("pk"):
            parts = [
                name
                for name, value in (("PDN", row.d_pdn), ("UMK", row.d_umk))
                if rule.digit_slip(row.d_nilai, value)
            ]
            if parts:
                slip_rows.append(
                    _row(
                        ctx,
                        "selisih_digit",
                        channel,
                        row,
                        _("%(parts)s more than %(factor)s times the value: a digit typed too many.")
                        % {"parts": " & ".join(parts), "factor": int(rule.DIGIT_SLIP_FACTOR)},
                    )
                )
    return umk_rows, slip_rows


def _double_names(ctx: _Context) -> DataWarning | None:
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in ctx.units.values():
        groups[rule.unit_name_key(unit.name)].append(unit)
    rows = []
    for units in sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0].name):
        for unit in sorted(units, key=lambda u: (u.kd_satker or "", u.pk)):
            part = ctx.parts.get(str(unit.pk))
            rows.append(
                SourceRow(
                    code="nama_unit_ganda",
                    sumber="unit",
                    unit_id=unit.pk,
                    unit_name=unit.name,
                    ident=unit.kd_satker or "",
                    kd_rup="",
                    no_kontrak="",
                    nama=unit.kd_satker_str,
                    nilai=part.total.nilai if part else ZERO,
                    pdn=part.total.pdn if part else None,
                    umk=part.total.umk if part else None,
                    alasan=_("%(count)s perangkat daerah of this Pemda carry this name.")
                    % {"count": format_number(len(units))},
                )
            )
    if not rows:
        return None
    message = _(
        "%(count)s perangkat daerah share a name with another one (realization "
        "%(nilai)s): their figures are split; merge them or rename them."
    ) % {"count": format_number(len(rows)), "nilai": format_rupiah(sum(r.nilai for r in rows))}
    return _warning("nama_unit_ganda", rows, message)


def _manual_repeats(ctx: _Context) -> DataWarning | None:
    """Manual realization lines whose evidence number is an SPSE contract or pencatatan number
    of the same unit and year: the same purchase, counted in its SPSE channel and not again
    (``sums.manual_rows``). Listed so the Tim P3DN can remove them from the template."""
    lines = manual_evidence(ctx.pemda, ctx.tahun, ctx.day).filter(duplicate=True)
    rows = [
        SourceRow(
            code="realisasi_manual_ganda",
            sumber="manual",
            unit_id=line.unit_id,
            unit_name=ctx.unit_name(line.unit_id),
            ident=line.nomor_bukti,
            kd_rup="",
            no_kontrak=line.nomor_bukti,
            nama=line.uraian,
            nilai=line.nilai,
            pdn=line.nilai if line.pdn else ZERO,
            umk=line.nilai if line.umk else ZERO,
            alasan=_(
                "Evidence number %(nomor)s is an SPSE contract or pencatatan number of this "
                "perangkat daerah: counted in SPSE, not again."
            )
            % {"nomor": line.nomor_bukti},
        )
        for line in lines.order_by("unit_id", "pk")
    ]
    if not rows:
        return None
    return _warning(
        "realisasi_manual_ganda",
        rows,
        ngettext(
            "%(count)s manual realization line (%(nilai)s) repeats an SPSE contract or "
            "pencatatan and is not counted again.",
            "%(count)s manual realization lines (%(nilai)s) repeat an SPSE contract or "
            "pencatatan and are not counted again.",
            len(rows),
        )
        % {
            "count": format_number(len(rows)),
            "nilai": format_rupiah(sum(r.nilai for r in rows)),
        },
    )


# The codes a set of figures alone decides (cheap: no source row is read). Every indicator JSON
# (the whole year and each of its rows) carries them, from its own figures.
FIGURE_CODES = (
    "capaian_di_atas_100",
    "komitmen_pdn_nol",
    "realisasi_total_nol",
    "belanja_pengadaan_nol",
)


def figure_warnings(f: Figures) -> list[DataWarning]:
    """The warnings one set of figures (a Pemda-year, a perangkat daerah, a month) says by
    itself: capaian above 100% and the zero denominators, in the order of ``CODES``. ``count``
    is 1 for a capaian above 100% (this part), 0 for a zero denominator (no row behind it)."""
    total = f.total
    out = []
    if rule.capaian_above_full(total.pdn, f.komitmen_pdn):
        out.append(
            DataWarning(
                "capaian_di_atas_100",
                1,
                total.pdn - f.komitmen_pdn,
                _(
                    "Capaian PDN is %(capaian)s, above 100%%: data incomplete, not an "
                    "achievement (PDN realization %(realisasi)s against a PDN commitment of "
                    "%(komitmen)s)."
                )
                % {
                    "capaian": format_percent(total.pdn / f.komitmen_pdn),
                    "realisasi": format_rupiah(total.pdn),
                    "komitmen": format_rupiah(f.komitmen_pdn),
                },
                blocking=True,
            )
        )
    if f.komitmen_pdn == 0:
        out.append(
            DataWarning(
                "komitmen_pdn_nol",
                0,
                total.pdn,
                _("The PDN commitment is 0: capaian PDN cannot be computed."),
            )
        )
    if total.nilai == 0:
        out.append(
            DataWarning(
                "realisasi_total_nol",
                0,
                ZERO,
                _("There is no realization: komposisi PDN cannot be computed."),
            )
        )
    if f.belanja_pengadaan == 0:
        out.append(
            DataWarning(
                "belanja_pengadaan_nol",
                0,
                ZERO,
                _("Belanja pengadaan is 0: the UMK shares cannot be computed."),
            )
        )
    return out


def warnings_for(*, pemda: Pemda, tahun: int, as_of: dt.date | None = None) -> list[DataWarning]:
    """The data-quality warnings of a Pemda-year on the data as it stood on ``as_of`` (the
    current data when None), in the order of ``CODES``; a code with nothing to say is absent."""
    ctx = _Context(pemda, tahun, as_of)
    found: dict[str, DataWarning] = {}
    without, named, missing = _without_rup(ctx)
    if without:
        found["realisasi_tanpa_rup"] = _warning(
            "realisasi_tanpa_rup",
            without,
            ngettext(
                "%(count)s realization row (%(nilai)s) names no package of the imported RUP.",
                "%(count)s realization rows (%(nilai)s) name no package of the imported RUP.",
                len(without),
            )
            % {
                "count": format_number(len(without)),
                "nilai": format_rupiah(sum(r.nilai for r in without)),
            },
        )
    sample = _sample(ctx, _coverage(ctx, named, missing))
    if sample:
        found["rup_sampel"] = sample
    above = _above_full(ctx, sample, found.get("realisasi_tanpa_rup"))
    if above:
        found["capaian_di_atas_100"] = above
    no_commitment = _without_commitment(ctx)
    if no_commitment:
        found["unit_tanpa_komitmen"] = no_commitment
    umk_rows, slip_rows = _declared_rows(ctx)
    if umk_rows:
        found["umk_sama_dengan_nilai_kontrak"] = _warning(
            "umk_sama_dengan_nilai_kontrak",
            umk_rows,
            ngettext(
                "%(count)s contract above Rp15 miliar (%(nilai)s) declares its whole value UMK.",
                "%(count)s contracts above Rp15 miliar (%(nilai)s) declare their whole value UMK.",
                len(umk_rows),
            )
            % {
                "count": format_number(len(umk_rows)),
                "nilai": format_rupiah(sum(r.nilai for r in umk_rows)),
            },
        )
    if slip_rows:
        found["selisih_digit"] = _warning(
            "selisih_digit",
            slip_rows,
            ngettext(
                "%(count)s row (%(nilai)s) declares a PDN or UMK value more than %(factor)s "
                "times its own value: a digit slip.",
                "%(count)s rows (%(nilai)s) declare a PDN or UMK value more than %(factor)s "
                "times their own value: a digit slip.",
                len(slip_rows),
            )
            % {
                "count": format_number(len(slip_rows)),
                "nilai": format_rupiah(sum(r.nilai for r in slip_rows)),
                "factor": int(rule.DIGIT_SLIP_FACTOR),
            },
        )
    double = _double_names(ctx)
    if double:
        found["nama_unit_ganda"] = double
    for warning in figure_warnings(ctx.whole):
        found.setdefault(warning.code, warning)  # capaian above 100% with its reasons first
    repeats = _manual_repeats(ctx)
    if repeats:
        found["realisasi_manual_ganda"] = repeats
    return [found[code] for code in CODES if code in found]


def for_unit(warnings: list[DataWarning], unit_id: int) -> list[DataWarning]:
    """The warnings narrowed to the rows of one perangkat daerah (an operator's view): counts
    and rupiah of its own rows, the code's sentence unchanged."""
    out = []
    for w in warnings:
        rows = [r for r in w.rows if r.unit_id == unit_id]
        if rows:
            out.append(
                DataWarning(
                    w.code,
                    len(rows),
                    sum((r.nilai for r in rows), ZERO),
                    w.message,
                    tuple(rows),
                    w.blocking,
                )
            )
    return out


def latest_year(pemda: Pemda) -> int | None:
    """The latest fiscal year of the Pemda that has figures (its import rollups), or None."""
    years = IndicatorRollup.objects.filter(pemda=pemda).order_by("-tahun")
    return years.values_list("tahun", flat=True).first()


def visible_rows(
    warnings: list[DataWarning], *, code: str = "", unit_id: int | None = None
) -> list[SourceRow]:
    """Every row of ``warnings``, narrowed to one code and one perangkat daerah when given."""
    return [
        r
        for w in warnings
        if not code or w.code == code
        for r in w.rows
        if unit_id is None or r.unit_id == unit_id
    ]
