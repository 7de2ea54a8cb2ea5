"""Every dataset the import engine knows, by its ISB service name (without the numeric prefix)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from p3dn.imports.datasets import ekatalog, manual, sirup, spse, tkdn
from p3dn.imports.datasets.base import Dataset

ALL: tuple[Dataset, ...] = (
    sirup.RUP_PENYEDIA,
    sirup.RUP_SWAKELOLA,
    sirup.RUP_ANGGARAN_PENYEDIA,
    sirup.RUP_ANGGARAN_SWAKELOLA,
    sirup.STRUKTUR_ANGGARAN,
    sirup.MASTER_SATKER,
    spse.TENDER_KONTRAK,
    spse.NONTENDER_KONTRAK,
    *spse.CONTRACT_DOCUMENTS,
    spse.TENDER_SELESAI_NILAI,
    spse.PENCATATAN_NONTENDER,
    spse.PENCATATAN_SWAKELOLA,
    spse.PENCATATAN_NONTENDER_REALISASI,
    spse.PENCATATAN_SWAKELOLA_REALISASI,
    ekatalog.EPURCHASING_V5,
    ekatalog.EPURCHASING_V6,
    ekatalog.EPURCHASING_LEGACY,
    ekatalog.PRODUCT,
    ekatalog.PROVIDER,
    ekatalog.TOKO_DARING,
    tkdn.TKDN_EXPORT,
    tkdn.TKDN_SCRAPE,
    manual.COMMITMENT,
    manual.REALIZATION,
    manual.TKDN_IK_TARGET,
)
DATASETS: dict[str, Dataset] = {d.name: d for d in ALL}
# Other names users know the same data by.
ALIASES = {
    "SPSE-TenderEkontrak-2Kontrak": "SPSE-TenderEkontrak-Kontrak",
    "SPSE-NonTenderEkontrak-2Kontrak": "SPSE-NonTenderEkontrak-Kontrak",
    "SPSE-TenderEkontrak-1SPPBJ": "SPSE-TenderEkontrak-SPPBJ",
    "SPSE-NonTenderEkontrak-1SPPBJ": "SPSE-NonTenderEkontrak-SPPBJ",
    "SPSE-TenderEkontrak-3SPMKSPP": "SPSE-TenderEkontrak-SPMKSPP",
    "SPSE-NonTenderEkontrak-3SPMKSPP": "SPSE-NonTenderEkontrak-SPMKSPP",
    "SPSE-TenderEkontrak-4BAPBAST": "SPSE-TenderEkontrak-BAPBAST",
    "SPSE-NonTenderEkontrak-4BAPBAST": "SPSE-NonTenderEkontrak-BAPBAST",
    "prodkatalog": "Ecat-ProdukDetail",
    "daring": "Bela-TokoDaringRealisasi",
}


class UnknownDataset(ValueError):
    """The file's fields match no dataset, or the forced name is unknown."""


def by_name(name: str) -> Dataset:
    resolved = ALIASES.get(name, name)
    if resolved not in DATASETS:
        raise UnknownDataset(_("unknown dataset “%(name)s”") % {"name": name})
    return DATASETS[resolved]


def recognise(columns: Iterable[str], file_name: str = "") -> Dataset:
    """The dataset whose recognising fields the file has; the most specific one wins, and
    between datasets with the same fields the file name decides (…Swakelola… / …Penyedia…)."""
    present = set(columns)
    matches = [d for d in ALL if d.signature <= present]
    if not matches:
        raise UnknownDataset(
            _("the fields of this file match no known dataset (first fields: %(fields)s)")
            % {"fields": ", ".join(sorted(present)[:8])}
        )
    best = max(len(d.signature) for d in matches)
    top = [d for d in matches if len(d.signature) == best]
    if len(top) > 1:
        hinted = [d for d in top if d.name_hint and d.name_hint in file_name.lower()]
        top = hinted if len(hinted) == 1 else top
    if len(top) > 1:
        raise UnknownDataset(
            _("the fields fit several datasets (%(names)s): choose one")
            % {"names": ", ".join(d.name for d in top)}
        )
    return top[0]
