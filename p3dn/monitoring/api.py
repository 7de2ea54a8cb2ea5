"""The indicators over the API: the same JSON as `p3dn indicators`, described field by field.

The schemas follow ``indicators.compute`` key for key and in its order; a key ``compute`` leaves
out (``filters`` without filters, ``rows`` without ``by``, ``belum_terklasifikasi`` outside the
catalogue channels, the other grain's keys of a row) stays out of the answer
(``exclude_unset``), so the JSON is exactly ``compute``'s. Monev's snapshot figures are the same
JSON per perangkat daerah (p3dn/monitoring/monev/api.py). Plain pydantic models: they
describe dicts, never model instances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel, Field

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.monitoring import queries
from p3dn.monitoring.indicators import PemdaYear
from p3dn.procurement.sums import CHANNELS, Filters
from p3dn.web.apikit import READ, ApiError, ShortText, Year, errors

MONEY = "exact decimal string, 2 decimals"
RATIO = "fraction with 6 decimals; null when its denominator is 0 (see warnings)"
ESTIMATE = (
    MONEY + ": estimated from the RUP package's declared status, beside the exact figure and "
    "never part of it (realisasi.*.klasifikasi)"
)


class KlasifikasiOut(BaseModel):
    """How a channel's nilai is classified as PDN: pasti + estimasi + belum_terklasifikasi =
    nilai. The estimate is never part of pdn / umk nor of realisasi_pdn."""

    pasti: str = Field(description=MONEY + ": value whose PDN status is known exactly")
    estimasi: str = Field(
        description=MONEY + ": value classified by the declared status of its RUP package"
    )
    belum_terklasifikasi: str = Field(description=MONEY + ": value neither known nor estimated")
    pdn_estimasi: str = Field(description=MONEY + ": PDN by estimate (RUP status_pdn PDN)")
    umk_estimasi: str = Field(description=MONEY + ": UMK by estimate (RUP status_ukm UKM)")
    metode: str = Field(description="how the channel is classified, in words")
    alasan: str | None = Field(description="why part is unknown; null when nothing is")


class IndicatorWarningOut(BaseModel):
    """A data-quality warning (docs/quality.md): what makes a figure impossible or doubtful."""

    code: str = Field(
        description="what is wrong, e.g. rup_sampel, capaian_di_atas_100, realisasi_tanpa_rup, "
        "komitmen_pdn_nol (the list: docs/quality.md)"
    )
    count: int | None = Field(
        description="source rows behind it (perangkat daerah or parts for nama_unit_ganda and "
        "capaian_di_atas_100; 0 for a zero denominator)"
    )
    nilai: str | None = Field(description=f"their rupiah value: {MONEY}")
    message: str = Field(description="a sentence in the language of the request (Indonesian)")


WARNINGS = (
    "data-quality warnings: of its own figures (capaian above 100%, a zero denominator); the "
    "whole year also every warning of the Pemda-year (GET /api/v1/quality), one per code"
)


class ChannelMoneyOut(BaseModel):
    nilai: str = Field(description=MONEY)
    pdn: str = Field(description=MONEY)
    umk: str = Field(description=MONEY)
    belum_terklasifikasi: str | None = Field(
        None,
        description="e-purchasing and Toko Daring only: value neither classified exactly nor "
        "estimated",
    )
    klasifikasi: KlasifikasiOut | None = None


class RealisasiOut(BaseModel):
    tender: ChannelMoneyOut
    non_tender: ChannelMoneyOut
    pencatatan_non_tender: ChannelMoneyOut
    swakelola: ChannelMoneyOut
    e_purchasing: ChannelMoneyOut
    toko_daring: ChannelMoneyOut
    manual: ChannelMoneyOut | None = Field(
        None, description="manual realization with evidence (the template), counted once"
    )


class PerformanceReasonOut(BaseModel):
    code: str
    message: str = Field(description="Indonesian sentence")


class PerformanceOut(BaseModel):
    """The Perjanjian Kinerja indicator (C20): TKDN, PDN or UMKK, each rupiah once, over the
    whole realization (docs/indicators.md)."""

    definisi: str
    tkdn_pdn: str = Field(description=MONEY + ": realization recorded as PDN (TKDN included)")
    umkk_selain_pdn: str = Field(description=MONEY + ": UMKK realization not already PDN")
    nilai_terhitung: str = Field(description=MONEY + ": tkdn_pdn + umkk_selain_pdn")
    total_realisasi: str = Field(description=MONEY)
    belum_terklasifikasi: str = Field(description=MONEY)
    indikator: str | None = Field(description=RATIO + "; null with alasan")
    triwulan: int = Field(description="the quarter of as_of (today without it)")
    target: str = Field(description="the quarter's target, a fraction")
    target_q4: str
    memenuhi_target: bool | None
    batas_bawah: bool = Field(description="part of the realization is not yet classified")
    alasan: list[PerformanceReasonOut]


class FiguresOut(BaseModel):
    """The indicators of a whole Pemda-year or of one of its parts."""

    pagu_penyedia: str | None = Field(None, description=MONEY)
    komitmen_pdn: str | None = Field(None, description=MONEY)
    komitmen_umk: str | None = Field(None, description=MONEY)
    belanja_pengadaan: str | None = Field(None, description=MONEY)
    realisasi: RealisasiOut | None = None
    realisasi_total: str | None = Field(None, description=MONEY)
    realisasi_pdn: str | None = Field(None, description=MONEY)
    realisasi_umk: str | None = Field(None, description=MONEY)
    realisasi_pdn_estimasi: str | None = Field(None, description=ESTIMATE)
    realisasi_umk_estimasi: str | None = Field(None, description=ESTIMATE)
    capaian_pdn: str | None = Field(None, description=RATIO)
    komposisi_pdn: str | None = Field(None, description=RATIO)
    porsi_umk_rencana: str | None = Field(None, description=RATIO)
    porsi_umk_realisasi: str | None = Field(None, description=RATIO)
    warnings: list[IndicatorWarningOut] | None = Field(None, description=WARNINGS)
    komitmen_pdn_apbd: str | None = Field(None, description=MONEY + ": commitment template")
    komitmen_umk_apbd: str | None = Field(None, description=MONEY + ": commitment template")
    capaian_pdn_apbd: str | None = Field(None, description=RATIO + ", over komitmen_pdn_apbd")
    indikator_pk: PerformanceOut | None = None


class IndicatorRowOut(BaseModel):
    """One row of ``by``: a perangkat daerah (kd_satker, kd_satker_str, nama_satker and its
    figures), a month (bulan and its figures) or a channel (channel, nilai, pdn, umk)."""

    kd_satker: str | None = None
    kd_satker_str: str | None = None
    nama_satker: str | None = None
    bulan: str | None = Field(None, description="YYYY-MM; null for realization without a date")
    channel: str | None = None
    pagu_penyedia: str | None = Field(None, description=MONEY)
    komitmen_pdn: str | None = Field(None, description=MONEY)
    komitmen_umk: str | None = Field(None, description=MONEY)
    belanja_pengadaan: str | None = Field(None, description=MONEY)
    realisasi: RealisasiOut | None = None
    realisasi_total: str | None = Field(None, description=MONEY)
    realisasi_pdn: str | None = Field(None, description=MONEY)
    realisasi_umk: str | None = Field(None, description=MONEY)
    realisasi_pdn_estimasi: str | None = Field(None, description=ESTIMATE)
    realisasi_umk_estimasi: str | None = Field(None, description=ESTIMATE)
    capaian_pdn: str | None = Field(None, description=RATIO)
    komposisi_pdn: str | None = Field(None, description=RATIO)
    porsi_umk_rencana: str | None = Field(None, description=RATIO)
    porsi_umk_realisasi: str | None = Field(None, description=RATIO)
    warnings: list[IndicatorWarningOut] | None = Field(None, description=WARNINGS)
    komitmen_pdn_apbd: str | None = Field(None, description=MONEY + ": commitment template")
    komitmen_umk_apbd: str | None = Field(None, description=MONEY + ": commitment template")
    capaian_pdn_apbd: str | None = Field(None, description=RATIO + ", over komitmen_pdn_apbd")
    indikator_pk: PerformanceOut | None = None
    nilai: str | None = Field(None, description=MONEY)
    pdn: str | None = Field(None, description=MONEY)
    umk: str | None = Field(None, description=MONEY)
    belum_terklasifikasi: str | None = Field(None, description=MONEY)
    klasifikasi: KlasifikasiOut | None = None


class FiltersOut(BaseModel):
    channels: list[str]
    jenis_pengadaan: str | None
    metode_pengadaan: str | None
    sumber_dana: str | None


class IndicatorsOut(BaseModel):
    """The indicators of a Pemda-year (``indicators.compute``)."""

    klpd: str | None
    pemda: str
    tahun: int
    as_of: str | None = Field(description="YYYY-MM-DD: the data as it stood that day")
    filters: FiltersOut | None = Field(None, description="only when narrowed")
    pagu_penyedia: str = Field(description=MONEY)
    komitmen_pdn: str = Field(description=MONEY)
    komitmen_umk: str = Field(description=MONEY)
    belanja_pengadaan: str = Field(description=MONEY)
    realisasi: RealisasiOut
    realisasi_total: str = Field(description=MONEY)
    realisasi_pdn: str = Field(description=MONEY)
    realisasi_umk: str = Field(description=MONEY)
    realisasi_pdn_estimasi: str = Field(description=ESTIMATE)
    realisasi_umk_estimasi: str = Field(description=ESTIMATE)
    capaian_pdn: str | None = Field(description=RATIO)
    komposisi_pdn: str | None = Field(description=RATIO)
    porsi_umk_rencana: str | None = Field(description=RATIO)
    porsi_umk_realisasi: str | None = Field(description=RATIO)
    warnings: list[IndicatorWarningOut] = Field(description=WARNINGS)
    komitmen_pdn_apbd: str = Field(description=MONEY + ": commitment template")
    komitmen_umk_apbd: str = Field(description=MONEY + ": commitment template")
    capaian_pdn_apbd: str | None = Field(description=RATIO + ", over komitmen_pdn_apbd")
    indikator_pk: PerformanceOut
    rows: list[IndicatorRowOut] | None = Field(None, description="only with ``by``")


class PemdaRefOut(BaseModel):
    klpd: str | None
    pemda: str
    region: str = Field(description="Kemendagri code")
    level: str = Field(description="provinsi, kabupaten or kota")


class RankedOut(FiguresOut, PemdaRefOut):
    """A Pemda of the ranking with its whole-year indicators."""

    rank: int
    incomplete: bool = Field(
        description="data belum lengkap: its RUP is only a sample (rup_sampel) or its capaian "
        "is above 100%; never ranked by capaian"
    )


class AwardOut(BaseModel):
    level: str
    pdn: str | None = Field(description="klpd of the highest PDN realization of the level")
    umk: str | None = Field(description="klpd of the highest UMK realization of the level")


class RankingOut(BaseModel):
    """The ranking page's numbers (``queries.summarise_ranking``)."""

    tahun: int
    provinsi: str | None
    by_capaian: list[RankedOut] = Field(description="highest capaian PDN first, null last")
    by_rupiah: list[RankedOut] = Field(description="highest PDN realization first")
    incomplete: list[RankedOut] = Field(
        description="data belum lengkap (a sample RUP, a capaian above 100%): not ranked by "
        "capaian; rank is their place in this list"
    )
    awards: list[AwardOut]
    without_data: list[PemdaRefOut] = Field(description="no RUP and no contract that year")
    without_tim: list[PemdaRefOut] = Field(description="no Tim P3DN recorded")


router = Router(tags=["indicators"])


@router.get("", response={200: IndicatorsOut, **errors(*READ)}, exclude_unset=True)
def indicators(
    request: HttpRequest,
    klpd: ShortText,
    year: Year,
    as_of: dt.date | None = None,
    by: ShortText | None = None,
    channel: list[ShortText] = Query([]),  # noqa: B008 -- Ninja's way to declare a repeated parameter
    jenis: ShortText = "",
    metode: ShortText = "",
    sumber_dana: ShortText = "",
) -> dict[str, object]:
    """Komitmen, realisasi per channel, capaian and UMK shares of a Pemda and fiscal year
    (``by`` = satker, channel or month), optionally narrowed like the Dasbor: ``channel``
    (repeatable) narrows the realization, ``jenis``, ``metode`` and ``sumber_dana`` the RUP
    packages and the realization naming them. Money as exact decimal strings, ratios with 6
    decimals."""
    user = user_of(request)
    pemda = access.get_pemda_by_klpd_for(user, klpd)
    if by not in (None, "satker", "channel", "month"):
        by = None
    filters = Filters(
        tuple(c for c in channel if c in CHANNELS),
        jenis.strip(),
        metode.strip(),
        sumber_dana.strip(),
    )
    return PemdaYear(pemda=pemda, tahun=year, as_of=as_of, filters=filters).json(by)


def _pemda_ref(pemda: Pemda) -> dict[str, str | None]:
    return {
        "klpd": pemda.kd_klpd,
        "pemda": pemda.name,
        "region": pemda.region_id,
        "level": pemda.region.level,
    }


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **_pemda_ref(r["pemda"]),
            **{k: r[k] for k in FIGURE_KEYS},
            "rank": i,
            "incomplete": r["incomplete"],
        }
        for i, r in enumerate(rows, start=1)
    ]


FIGURE_KEYS = tuple(FiguresOut.model_fields)


@router.get("/ranking", response={200: RankingOut, **errors(*READ)}, exclude_unset=True)
def ranking(request: HttpRequest, year: Year, provinsi: ShortText = "") -> dict[str, Any]:
    """The ranking of the Pemda the user may see (every Pemda for a national account, its own
    otherwise) for a fiscal year, as on the ranking page: by capaian PDN and by PDN
    realization, the awards per level, and the Pemda without data or without a Tim P3DN.
    ``provinsi`` (a province's Kemendagri code, e.g. 61) narrows it to that province."""
    provinsi = provinsi.strip()
    if provinsi and provinsi not in dict(queries.provinces()):
        raise ApiError(404, "province not found")
    scope = queries.in_province(access.visible_pemda(user_of(request)), provinsi)
    summary = queries.summarise_ranking(pemda_scope=scope, tahun=year)
    return {
        "tahun": year,
        "provinsi": provinsi or None,
        "by_capaian": _ranked(summary["by_capaian"]),
        "by_rupiah": _ranked(summary["by_rupiah"]),
        "incomplete": _ranked(summary["incomplete"]),
        "awards": [
            {"level": a["level"], "pdn": a["pdn"]["klpd"], "umk": a["umk"]["klpd"]}
            for a in summary["awards"]
        ],
        "without_data": [_pemda_ref(p) for p in summary["without_data"]],
        "without_tim": [_pemda_ref(p) for p in summary["without_tim"]],
    }
