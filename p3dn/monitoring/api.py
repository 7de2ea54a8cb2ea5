"""The indicators over the API: the same JSON as `p3dn indicators`, described field by field.

The schemas follow ``indicators.compute`` key for key and in its order; a key ``compute`` leaves
out (``filters`` without filters, ``rows`` without ``by``, ``belum_terklasifikasi`` outside the
catalogue channels, the other grain's keys of a row) stays out of the answer
(``exclude_unset``), so the JSON is exactly ``compute``'s. Monev's snapshot figures are the same
JSON per perangkat daerah (p3dn/monitoring/monev/api.py). Plain pydantic models: they
describe dicts, never model instances."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel, Field

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.monitoring.indicators import PemdaYear
from p3dn.procurement.sums import CHANNELS, Filters
from p3dn.web.apikit import READ, ShortText, Year, errors

MONEY = "exact decimal string, 2 decimals"
RATIO = "fraction with 6 decimals; null when its denominator is 0 (see warnings)"


class ChannelMoneyOut(BaseModel):
    nilai: str = Field(description=MONEY)
    pdn: str = Field(description=MONEY)
    umk: str = Field(description=MONEY)
    belum_terklasifikasi: str | None = Field(
        None, description="e-purchasing and Toko Daring only: value not yet classified"
    )


class RealisasiOut(BaseModel):
    tender: ChannelMoneyOut
    non_tender: ChannelMoneyOut
    pencatatan_non_tender: ChannelMoneyOut
    swakelola: ChannelMoneyOut
    e_purchasing: ChannelMoneyOut
    toko_daring: ChannelMoneyOut


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
    capaian_pdn: str | None = Field(None, description=RATIO)
    komposisi_pdn: str | None = Field(None, description=RATIO)
    porsi_umk_rencana: str | None = Field(None, description=RATIO)
    porsi_umk_realisasi: str | None = Field(None, description=RATIO)
    warnings: list[str] | None = Field(None, description="why a ratio is null")


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
    capaian_pdn: str | None = Field(None, description=RATIO)
    komposisi_pdn: str | None = Field(None, description=RATIO)
    porsi_umk_rencana: str | None = Field(None, description=RATIO)
    porsi_umk_realisasi: str | None = Field(None, description=RATIO)
    warnings: list[str] | None = None
    nilai: str | None = Field(None, description=MONEY)
    pdn: str | None = Field(None, description=MONEY)
    umk: str | None = Field(None, description=MONEY)
    belum_terklasifikasi: str | None = Field(None, description=MONEY)


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
    capaian_pdn: str | None = Field(description=RATIO)
    komposisi_pdn: str | None = Field(description=RATIO)
    porsi_umk_rencana: str | None = Field(description=RATIO)
    porsi_umk_realisasi: str | None = Field(description=RATIO)
    warnings: list[str] = Field(description="why a ratio is null")
    rows: list[IndicatorRowOut] | None = Field(None, description="only with ``by``")


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
