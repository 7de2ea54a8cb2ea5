"""The normalized procurement facts, one table per kind, keyed like LKPP's own data.

Every fact row is a *version*: ``valid_from`` is the import run that brought this content and
``valid_to`` the run that replaced it (NULL while current). An import changes a fact by closing
the current version and adding a new one, so the data "as it stood" on any recorded date can be
read back: versions whose run was before that date and that were not yet replaced then.
Field names are LKPP's ISB names so a user who knows SiRUP or SPSE recognises them. Fields the
model does not name stay in ``extra`` (personal fields never reach it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def money_field(verbose_name: Any = None, **options: Any) -> models.DecimalField:
    """Rupiah with the cents the sources carry."""
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=2, **options)



class Fact(models.Model):
    """What every versioned fact has."""

    row_hash = models.CharField(max_length=32)
    valid_from = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    valid_to = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    extra = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = models.Manager()

    # The model fields that identify a fact across versions; set by each subclass.
    natural_key: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        key = " ".join(
            str(getattr(self, f"{name}_id" if name == "pemda" else name))
            for name in self.natural_key
        )
        return f"{self._meta.model_name} {key}"


class PemdaFact(Fact):
    """A fact of one Pemda (KLPD), fiscal year and, where known, perangkat daerah."""

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.PROTECT, related_name="+")
    tahun_anggaran = models.PositiveSmallIntegerField()
    kd_satker = models.CharField(max_length=30, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


def _current_unique(model: str, *fields: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=list(fields), condition=Q(valid_to__isnull=True), name=f"{model}_current_key"
        )
    ]


def _scope_index(model: str) -> list[models.Index]:
    return [models.Index(fields=["pemda", "tahun_anggaran", "valid_to"], name=f"{model}_scope")]


class RupPackage(PemdaFact):
    """A SiRUP procurement package by provider (RUP-PaketPenyedia-Terumumkan)."""

    kd_rup = models.BigIntegerField(_("RUP code"))
    nama_paket = models.TextField(_("package name"), blank=True)
    pagu = money_field(_("budget ceiling (pagu)"))
    kd_metode_pengadaan = models.IntegerField(null=True, blank=True)
    metode_pengadaan = models.CharField(max_length=60, blank=True)
    # One type, or a consolidated package's several as a set ("3;4", "Jasa Konsultansi;Jasa
    # Lainnya": p3dn.rules.common.jenis_set); filter with p3dn.procurement.queries.names.
    kd_jenis_pengadaan = models.CharField(max_length=20, blank=True)
    jenis_pengadaan = models.CharField(max_length=120, blank=True)
    status_pdn = models.CharField(max_length=20, blank=True)
    status_ukm = models.CharField(max_length=20, blank=True)
    alasan_non_ukm = models.TextField(blank=True)
    status_umumkan_rup = models.CharField(max_length=30, blank=True)
    status_aktif_rup = models.BooleanField(default=True)
    status_delete_rup = models.BooleanField(default=False)
    status_dikecualikan = models.BooleanField(default=False)
    tipe_paket = models.CharField(max_length=30, blank=True)
    tgl_awal_pemilihan = models.DateField(null=True, blank=True)
    tgl_awal_kontrak = models.DateField(null=True, blank=True)
    tgl_pengumuman_paket = models.DateField(null=True, blank=True)

    natural_key = ("kd_rup",)

    class Meta:
        constraints = _current_unique("rup_package", "kd_rup")
        indexes = _scope_index("rup_package")


class RupSwakelola(PemdaFact):
    """A SiRUP swakelola package (RUP-PaketSwakelola-Terumumkan); it carries no PDN/UKM flag."""

    kd_rup = models.BigIntegerField(_("RUP code"))
    nama_paket = models.TextField(blank=True)
    pagu = money_field()
    tipe_swakelola = models.IntegerField(null=True, blank=True)
    status_umumkan_rup = models.CharField(max_length=30, blank=True)
    status_aktif_rup = models.BooleanField(default=True)
    status_delete_rup = models.BooleanField(default=False)

    natural_key = ("kd_rup",)

    class Meta:
        constraints = _current_unique("rup_swakelola", "kd_rup")
        indexes = _scope_index("rup_swakelola")


class RupBudgetLine(PemdaFact):
    """A funding line of a package (RUP-PaketAnggaranPenyedia): source of funds and MAK."""

    class Jenis(models.TextChoices):
        PENYEDIA = "penyedia", _("Provider package")
        SWAKELOLA = "swakelola", _("Swakelola package")

    jenis = models.CharField(max_length=10, choices=Jenis.choices, default=Jenis.PENYEDIA)
    kd_rup = models.BigIntegerField()
    line_key = models.CharField(max_length=32, help_text="hash of the line's identifying fields")
    mak = models.CharField(max_length=120, blank=True)
    sumber_dana = models.CharField(max_length=60, blank=True)
    pagu = money_field()

    natural_key = ("jenis", "kd_rup", "line_key")

    class Meta:
        constraints = _current_unique("rup_budget_line", "jenis", "kd_rup", "line_key")
        indexes = _scope_index("rup_budget_line")


class BudgetStructure(PemdaFact):
    """A perangkat daerah's budget by kind (RUP-StrukturAnggaranPD)."""

    belanja_operasi = money_field(default=0)
    belanja_modal = money_field(default=0)
    belanja_btt = money_field(default=0)
    belanja_non_pengadaan = money_field(default=0)
    belanja_pengadaan = money_field(default=0)
    total_belanja = money_field(default=0)

    natural_key = ("pemda", "tahun_anggaran", "kd_satker")

    class Meta:
        constraints = _current_unique("budget_structure", "pemda", "tahun_anggaran", "kd_satker")
        indexes = _scope_index("budget_structure")


class Contract(PemdaFact):
    """An SPSE e-contract, one row per version (versi_addendum) of a tender or non-tender."""

    class Channel(models.TextChoices):
        TENDER = "tender", _("Tender")
        NON_TENDER = "non_tender", _("Non-tender")

    channel = models.CharField(max_length=12, choices=Channel.choices)
    kd_paket = models.BigIntegerField(help_text="kd_tender or kd_nontender")
    versi_addendum = models.PositiveSmallIntegerField(default=0)
    no_kontrak = models.TextField(blank=True)
    tgl_kontrak = models.DateField(null=True, blank=True)
    nama_paket = models.TextField(blank=True)
    nilai_kontrak = money_field()
    nilai_pdn_kontrak = money_field(null=True, blank=True)
    nilai_umk_kontrak = money_field(null=True, blank=True)
    kd_penyedia = models.BigIntegerField(null=True, blank=True)
    nama_penyedia = models.CharField(max_length=255, blank=True)
    bentuk_usaha_penyedia = models.CharField(max_length=60, blank=True)
    status_kontrak = models.CharField(max_length=60, blank=True)

    natural_key = ("channel", "kd_paket", "versi_addendum")

    class Meta:
        constraints = _current_unique("contract", "channel", "kd_paket", "versi_addendum")
        indexes = _scope_index("contract")


class ContractDocument(PemdaFact):
    """SPPBJ, SPMK/SPP and BAP/BAST documents of an e-contract (payments are in BAPBAST)."""

    class Kind(models.TextChoices):
        SPPBJ = "sppbj", "SPPBJ"
        SPMKSPP = "spmkspp", "SPMK/SPP"
        BAPBAST = "bapbast", "BAP/BAST"

    channel = models.CharField(max_length=12, choices=Contract.Channel.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    kd_paket = models.BigIntegerField()
    versi_addendum = models.PositiveSmallIntegerField(default=0)
    doc_key = models.CharField(max_length=32, help_text="hash of the document's identifying fields")
    nomor = models.TextField(blank=True)
    tanggal = models.DateField(null=True, blank=True)
    nilai = money_field(null=True, blank=True)

    natural_key = ("channel", "kind", "kd_paket", "doc_key")

    class Meta:
        constraints = _current_unique("contract_document", "channel", "kind", "kd_paket", "doc_key")
        indexes = _scope_index("contract_document")


class TenderResult(PemdaFact):
    """A completed tender with its values (SPSE-TenderSelesaiNilai)."""

    kd_tender = models.BigIntegerField()
    kd_rup = models.CharField(max_length=200, blank=True, help_text="one or several, ';'-separated")
    pagu = money_field(null=True, blank=True)
    hps = money_field(null=True, blank=True)
    nilai_penawaran = money_field(null=True, blank=True)
    nilai_terkoreksi = money_field(null=True, blank=True)
    nilai_negosiasi = money_field(null=True, blank=True)
    nilai_kontrak = money_field(null=True, blank=True)
    nilai_pdn_kontrak = money_field(null=True, blank=True)
    nilai_umk_kontrak = money_field(null=True, blank=True)
    kd_penyedia = models.BigIntegerField(null=True, blank=True)
    nama_penyedia = models.CharField(max_length=255, blank=True)

    natural_key = ("kd_tender",)

    class Meta:
        constraints = _current_unique("tender_result", "kd_tender")
        indexes = _scope_index("tender_result")


class Pencatatan(PemdaFact):
    """A non-tender or swakelola purchase recorded in SPSE (SPSE-Pencatatan*)."""

    class Channel(models.TextChoices):
        NON_TENDER = "non_tender", _("Recorded non-tender")
        SWAKELOLA = "swakelola", _("Recorded swakelola")

    channel = models.CharField(max_length=12, choices=Channel.choices)
    kd_pct = models.BigIntegerField(help_text="kd_nontender_pct or kd_swakelola_pct")
    kd_rup = models.CharField(max_length=200, blank=True, help_text="one or several, ';'-separated")
    nama_paket = models.TextField(blank=True)
    pagu = money_field(null=True, blank=True)
    total_realisasi = money_field(default=0)
    nilai_pdn_pct = money_field(null=True, blank=True)
    nilai_umk_pct = money_field(null=True, blank=True)
    status_ket = models.CharField(max_length=60, blank=True)
    tgl_mulai_paket = models.DateField(null=True, blank=True)
    tgl_selesai_paket = models.DateField(null=True, blank=True)
    sumber_dana = models.CharField(max_length=60, blank=True)

    natural_key = ("channel", "kd_pct")

    class Meta:
        constraints = _current_unique("pencatatan", "channel", "kd_pct")
        indexes = _scope_index("pencatatan")


class PencatatanRealisasi(PemdaFact):
    """A realization line (contract, receipt) of a recorded purchase."""

    channel = models.CharField(max_length=12, choices=Pencatatan.Channel.choices)
    kd_pct = models.BigIntegerField()
    line_key = models.CharField(max_length=32)
    no_realisasi = models.TextField(blank=True)
    tgl_realisasi = models.DateField(null=True, blank=True)
    jenis_realisasi = models.CharField(max_length=60, blank=True)
    nilai_realisasi = money_field(default=0)

    natural_key = ("channel", "kd_pct", "line_key")

    class Meta:
        constraints = _current_unique("pencatatan_realisasi", "channel", "kd_pct", "line_key")
        indexes = _scope_index("pencatatan_realisasi")


class EPurchase(PemdaFact):
    """An e-Katalog purchase line: a product line of a v5 package or an older trxkatalog export,
    or a whole v6 package (v6 publishes no per-product lines)."""

    class Source(models.TextChoices):
        V5 = "v5", "e-Katalog v5"
        V6 = "v6", "e-Katalog v6"
        LEGACY = "legacy", _("Kabupaten export (trxkatalog)")

    source = models.CharField(max_length=8, choices=Source.choices)
    kd_paket = models.CharField(max_length=60)
    line_key = models.CharField(max_length=60, help_text="kd_produk, or '-' for a v6 package")
    kd_rup = models.BigIntegerField(null=True, blank=True)
    nama_paket = models.TextField(blank=True)
    kd_produk = models.CharField(max_length=60, blank=True)
    kd_penyedia = models.CharField(max_length=60, blank=True)
    kuantitas = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    harga_satuan = money_field(null=True, blank=True)
    ongkos_kirim = money_field(null=True, blank=True)
    total_harga = money_field()
    status = models.CharField(max_length=60, blank=True)
    completed = models.BooleanField(default=False)
    tanggal = models.DateField(null=True, blank=True)
    jenis_katalog = models.CharField(max_length=20, blank=True)
    # v6 packages name their products only as ids: the products are classified from these.
    product_ids = models.TextField(
        blank=True, help_text="v6: the package's product ids (kd_produk), comma-separated"
    )
    product_count = models.PositiveIntegerField(
        default=0, help_text="v6: how many distinct product ids product_ids names"
    )

    natural_key = ("source", "kd_paket", "line_key")

    class Meta:
        constraints = _current_unique("epurchase", "source", "kd_paket", "line_key")
        indexes = _scope_index("epurchase")


class TokoDaringOrder(PemdaFact):
    """A Toko Daring (Bela Pengadaan) order line."""

    order_id = models.CharField(max_length=60)
    line_key = models.CharField(max_length=32, help_text="'-' or a hash when one order has lines")
    valuasi = money_field()
    tanggal_transaksi = models.DateTimeField(null=True, blank=True)
    marketplace = models.CharField(max_length=80, blank=True)
    merchant_name = models.CharField(max_length=255, blank=True)
    kategori = models.CharField(max_length=120, blank=True)
    status_verif = models.CharField(max_length=30, blank=True)
    status_konfirmasi_ppmse = models.CharField(max_length=30, blank=True)
    keterangan_ppmse = models.CharField(max_length=255, blank=True)
    failed = models.BooleanField(default=False, help_text="failed, expired, cancelled or refused")
    verified = models.BooleanField(default=False)

    natural_key = ("order_id", "line_key")

    class Meta:
        constraints = _current_unique("toko_daring", "order_id", "line_key")
        indexes = _scope_index("toko_daring")


class Product(Fact):
    """An e-Katalog product with its TKDN fields (Ecat-ProdukDetail, prodkatalog exports)."""

    kd_produk = models.CharField(max_length=60)
    nama_produk = models.TextField(blank=True)
    nama_manufaktur = models.CharField(max_length=255, blank=True)
    jenis_produk = models.CharField(max_length=30, blank=True)
    kbki_id = models.CharField(max_length=20, blank=True)
    nomor_tkdn = models.CharField(max_length=120, blank=True)
    tkdn_produk = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    nilai_bmp = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    kd_penyedia = models.CharField(max_length=60, blank=True)

    natural_key = ("kd_produk",)

    class Meta:
        constraints = _current_unique("product", "kd_produk")


class Provider(Fact):
    """An e-Katalog provider (Ecat-PenyediaDetail): its UKM status matters for UMK shares."""

    kd_penyedia = models.CharField(max_length=60)
    nama_penyedia = models.CharField(max_length=255, blank=True)
    npwp_penyedia = models.CharField(max_length=40, blank=True)
    penyedia_ukm = models.BooleanField(null=True)
    kbli2020_penyedia = models.TextField(blank=True)

    natural_key = ("kd_penyedia",)

    class Meta:
        constraints = _current_unique("provider", "kd_penyedia")


class TkdnCertificate(Fact):
    """A product line of Kemenperin's TKDN certificate list."""

    cert_key = models.CharField(max_length=32, help_text="hash of the certificate's identity")
    nomor_sertifikat = models.CharField(max_length=120, blank=True)
    perusahaan = models.CharField(max_length=255, blank=True)
    produk = models.TextField(blank=True)
    merk = models.CharField(max_length=255, blank=True)
    spesifikasi = models.TextField(blank=True)
    kelompok_barang = models.CharField(max_length=255, blank=True)
    nilai_tkdn = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    nilai_bmp = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    tkdn_not_applicable = models.BooleanField(default=False, help_text="999,99 in the export")
    tanggal_terbit = models.DateField(null=True, blank=True)
    tanggal_berlaku = models.DateField(null=True, blank=True)
    kode_hs = models.CharField(max_length=40, blank=True)
    kbli = models.CharField(max_length=20, blank=True)
    partial = models.BooleanField(default=False, help_text="the source record was incomplete")

    natural_key = ("cert_key",)

    class Meta:
        constraints = _current_unique("tkdn_certificate", "cert_key")


class Sighting(models.Model):
    """A later applied import whose file listed a catalogue fact again, unchanged.

    A fact's version records the run that brought its content (``valid_from``); a file that
    lists the same content again adds no version. For the datasets that ask for it (the
    Kemenperin TKDN lists: the same certificate in several yearly exports) each such listing
    is recorded here, so that the registry can trace a certificate to every file it came
    from. ``key`` is the fact's natural key (one field: ``cert_key``)."""

    run = models.ForeignKey("imports.ImportRun", on_delete=models.CASCADE, related_name="+")
    fact_model = models.CharField(max_length=40, help_text="model name, e.g. tkdncertificate")
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["fact_model", "id"], name="sighting_model_id")]

    def __str__(self) -> str:
        return f"{self.fact_model} {self.key} in run {self.run_id}"


# ---------------------------------------------------------------- what LKPP does not publish


class Commitment(PemdaFact):
    """A perangkat daerah's PDN and UMK commitment for a year, from the Excel template."""

    komitmen_pdn = money_field(_("PDN commitment"))
    komitmen_umk = money_field(_("UMK commitment"))
    keterangan = models.TextField(blank=True)

    natural_key = ("pemda", "tahun_anggaran", "kd_satker")

    class Meta:
        constraints = _current_unique("commitment", "pemda", "tahun_anggaran", "kd_satker")
        indexes = _scope_index("commitment")


class ManualRealization(PemdaFact):
    """A realization line LKPP's systems do not carry, with its evidence (contract, receipt)."""

    class Evidence(models.TextChoices):
        KONTRAK = "Kontrak", _("Contract")
        KWITANSI = "Kwitansi", _("Receipt")
        BUKTI_PEMBELIAN = "Bukti Pembelian", _("Proof of purchase")

    jenis_bukti = models.CharField(max_length=20, choices=Evidence.choices)
    nomor_bukti = models.CharField(max_length=200)
    tanggal_bukti = models.DateField()
    uraian = models.TextField(blank=True)
    nilai = money_field(_("value"))
    pdn = models.BooleanField(_("domestic product"), default=False)
    tkdn = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    umk = models.BooleanField(_("from a micro or small enterprise"), default=False)

    natural_key = ("pemda", "kd_satker", "jenis_bukti", "nomor_bukti")

    class Meta:
        constraints = _current_unique("manual_realization", "pemda", "kd_satker", "jenis_bukti",
                                      "nomor_bukti")
        indexes = _scope_index("manual_realization")


class TkdnIkTarget(PemdaFact):
    """How many small industries and products a kecamatan should certify (TKDN-IK) by quarter."""

    kode_kecamatan = models.CharField(max_length=13)
    triwulan = models.PositiveSmallIntegerField()
    target_ikm = models.PositiveIntegerField(_("small industries to certify"), default=0)
    target_produk = models.PositiveIntegerField(_("products to certify"), default=0)

    natural_key = ("pemda", "tahun_anggaran", "kode_kecamatan", "triwulan")

    class Meta:
        constraints = _current_unique("tkdn_ik_target", "pemda", "tahun_anggaran",
                                      "kode_kecamatan", "triwulan")
        indexes = _scope_index("tkdn_ik_target")


# ---------------------------------------------------------------- derived from the facts


class TkdnClaimWindow(models.Model):
    """When the TKDN claim of an e-Katalog product (``Product.tkdn_produk``) is backed by a
    valid certificate: one row per certificate the registry knows for the claim, from its
    issue date (NULL: not known) to the end of its validity (C12; NULL: the certificate has no
    date and is never valid). Written by the claim verification (catalog/claims), which knows
    the registry; read by sums.tkdn_claim_stands: an expired certificate never counts as TKDN
    (C13). A product without rows has no known certificate: its claim counts as the data
    says. Derived data: rebuilt by each verification, never edited."""

    kd_produk = models.CharField(max_length=60, db_index=True)
    certificate_key = models.BigIntegerField(help_text="the registry certificate's id")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kd_produk", "certificate_key"],
                                    name="tkdn_claim_window_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kd_produk}: {self.valid_from} – {self.valid_until}"


class IndicatorRollup(models.Model):
    """Pre-summed indicator figures of a Pemda-year over its *current* facts: the sums of
    p3dn/procurement/sums.py, stored by p3dn/procurement/rollups.py inside every import's
    transaction, read back by ``sums.collect``. One row per grain part and measure: the whole
    Pemda-year, each perangkat daerah (unit) or each month, and ``rup`` (pagu / komitmen PDN /
    komitmen UMK as nilai / pdn / umk), ``belanja`` (belanja_pengadaan as nilai) or a channel.
    Derived data: rebuilt from the facts, never edited."""

    class Grain(models.TextChoices):
        PEMDA = "pemda", _("Whole Pemda-year")
        UNIT = "unit", _("Perangkat daerah")
        MONTH = "month", _("Month")

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    grain = models.CharField(max_length=5, choices=Grain.choices)
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bulan = models.DateField(null=True, blank=True, help_text="first day of the month")
    measure = models.CharField(max_length=24)
    # Sums as the fact queries return them (on SQLite a sum can carry more than 2 decimals).
    nilai = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    pdn = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    umk = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    belum_terklasifikasi = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    # The part of nilai classified by an estimate (sums.Money), and its estimated PDN and UMK.
    nilai_estimasi = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    pdn_estimasi = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    umk_estimasi = models.DecimalField(max_digits=30, decimal_places=10, default=0)

    class Meta:
        indexes = [
            models.Index(fields=["pemda", "tahun", "grain"], name="indicator_rollup_pemda"),
            models.Index(fields=["tahun", "grain", "pemda"], name="indicator_rollup_year"),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.tahun} {self.grain} {self.measure}"


class Refresh(models.Model):
    """An applied import that refreshed a Pemda's facts, recorded by the import engine when the
    run is applied (``services.record_refresh``): the facts' own "as of". The Monev snapshot and
    the report date the data by the newest refresh (``queries.latest_refresh``), so the layers
    above read when the facts were last refreshed from the facts, not from the imports.

    Its key is the run's: a snapshot's ``last_import`` is the same number as that run's id. The
    day the data stood and the file's name are the run's (a run records them once)."""

    run = models.OneToOneField(
        "imports.ImportRun", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.run_id}"

    @property
    def data_as_of(self) -> dt.date | None:
        """The day the refreshed data stood (the run's newest event date)."""
        return self.run.data_as_of

    @property
    def file_name(self) -> str:
        return str(self.run.file_name)
