"""The registry of domestic products: producers, their catalogue items and TKDN certificates,
each traced to the facts it was built from (docs/catalog.md).

Filled by ``sync.sync_registry`` from the procurement facts (Kemenperin TKDN lists, e-Katalog
products and providers) and by hand (services.py). A value entered by hand is never
overwritten by a sync; ``provenance`` records where each value of a producer came from.
Percentages are Decimal fractions (0.5679 for 56,79%), money Decimal, dates date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from p3dn.catalog import identity


class Origin(models.TextChoices):
    PDN = "pdn", _("Domestic product (PDN)")
    IMPOR = "impor", _("Imported")
    UNKNOWN = "", _("Not known")


class Producer(models.Model):
    """A company, cooperative or individual producer (or an e-Katalog provider)."""

    class LegalForm(models.TextChoices):
        PT = identity.PT, "PT"
        PERSERO = identity.PERSERO, _("PT (Persero) / BUMN")
        PERUM = identity.PERUM, _("Perum / BUMN")
        CV = identity.CV, "CV"
        FIRMA = identity.FIRMA, _("Firma")
        UD = identity.UD, _("UD (Usaha Dagang)")
        PD = identity.PD, _("PD (Perusahaan Dagang)")
        KOPERASI = identity.KOPERASI, _("Cooperative (Koperasi)")
        PERORANGAN = identity.PERORANGAN, _("Individual (Perorangan)")
        LAINNYA = identity.LAINNYA, _("Other")
        UNKNOWN = identity.UNKNOWN, _("Not known")

    class Size(models.TextChoices):
        MIKRO = "mikro", _("Micro")
        KECIL = "kecil", _("Small")
        MENENGAH = "menengah", _("Medium")
        BESAR = "besar", _("Large")
        UNKNOWN = "", _("Not known")

    class NibStatus(models.TextChoices):
        UNKNOWN = "", _("Not checked")
        AKTIF = "aktif", _("Active")
        TIDAK_AKTIF = "tidak_aktif", _("Inactive or revoked")

    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(max_length=255, db_index=True, help_text="identity.parse_name")
    legal_form = models.CharField(
        _("legal form"), max_length=12, choices=LegalForm.choices, blank=True
    )
    bumn = models.BooleanField(_("state-owned (BUMN)"), default=False)
    nib = models.CharField(_("NIB"), max_length=13, blank=True, db_index=True)
    nib_status = models.CharField(
        _("NIB status"), max_length=12, choices=NibStatus.choices, blank=True
    )
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True, help_text=_("15 or 16 digits"))
    address = models.TextField(_("address"), blank=True)
    province_name = models.CharField(_("province (as written)"), max_length=120, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    province = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text="the province of ``region`` (for filters)",
    )
    email = models.CharField(_("company email"), max_length=254, blank=True)
    phone = models.CharField(_("company telephone"), max_length=60, blank=True)
    kbli = models.CharField(
        _("KBLI codes"), max_length=500, blank=True, help_text=_("5-digit codes, space-separated")
    )
    size = models.CharField(_("size (PP 7/2021)"), max_length=10, choices=Size.choices, blank=True)
    size_basis = models.CharField(_("size from"), max_length=60, blank=True)
    modal_usaha = models.DecimalField(
        _("business capital (excl. land and buildings)"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
    )
    hasil_penjualan = models.DecimalField(
        _("annual sales"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    umk = models.BooleanField(_("micro or small enterprise (UMK)"), null=True, blank=True)
    ikm = models.BooleanField(_("small or medium industry (IKM)"), null=True, blank=True)
    bmp = models.DecimalField(
        _("BMP"), max_digits=5, decimal_places=4, null=True, blank=True,
        help_text=_("company benefit weight, a fraction up to 0,15"),
    )
    identity_conflict = models.BooleanField(
        _("same name, different NPWP or NIB"),
        default=False,
        help_text=_("Another producer has the same name and legal form but another NPWP or NIB."),
    )
    # field → {"source": ..., "ref": ..., "run": id | None, "date": "YYYY-MM-DD"}
    provenance = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    owner_pemda = models.ForeignKey(
        "accounts.Pemda",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by Pemda"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_key", "id"]
        indexes = [
            models.Index(fields=["legal_form", "name_key"], name="producer_identity"),
            models.Index(fields=["province", "umk"], name="producer_province"),
        ]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:producer-detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        return slugify(self.name)[:80] or "produsen"

    @property
    def family(self) -> str:
        return identity.ParsedName(self.legal_form, self.name_key, self.bumn).family

    @property
    def kbli_list(self) -> list[str]:
        return self.kbli.split()

    @property
    def contact_is_public(self) -> bool:
        """A legal entity's email and telephone are company contacts (public in e-Katalog); an
        individual's, a sole trader's (UD) or an unknown form's may be a person's: login only."""
        return self.legal_form in (
            identity.PT, identity.PERSERO, identity.PERUM, identity.CV, identity.FIRMA,
            identity.PD, identity.KOPERASI,
        )


class CatalogProduct(models.Model):
    """One item per producer + product name + specification + brand (+ type), whatever the
    number of export rows, e-Katalog listings and certificates behind it."""

    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="products", verbose_name=_("producer")
    )
    item_key = models.CharField(max_length=32, help_text="hash of identity.product_key")
    name = models.TextField(_("product"))
    specification = models.TextField(_("specification"), blank=True)
    tipe = models.CharField(_("type"), max_length=255, blank=True)
    brand = models.CharField(_("brand"), max_length=255, blank=True)
    kelompok_barang = models.CharField(_("goods group"), max_length=255, blank=True)
    kbki = models.CharField(_("KBKI"), max_length=20, blank=True, db_index=True)
    kode_hs = models.CharField(_("HS code"), max_length=40, blank=True, db_index=True)
    kbli = models.CharField(_("KBLI"), max_length=20, blank=True, db_index=True)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    origin = models.CharField(
        _("origin"), max_length=5, choices=Origin.choices, blank=True, db_index=True
    )
    # The lowest and highest e-Katalog price over its regions (ProductPrice), for filters.
    price_min = models.DecimalField(
        _("lowest price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("highest price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    # The certificate that counts (applicable, latest expiry, then highest TKDN), for filters.
    tkdn = models.DecimalField(_("TKDN"), max_digits=7, decimal_places=4, null=True, blank=True)
    bmp = models.DecimalField(_("BMP"), max_digits=7, decimal_places=4, null=True, blank=True)
    tkdn_bmp = models.DecimalField(
        _("TKDN + BMP"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    certificate_count = models.PositiveIntegerField(default=0)
    listed = models.BooleanField(
        _("still listed"),
        default=True,
        help_text=_("False when no current source names it any more (a renamed e-Katalog item)."),
    )
    owner_pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("entered by Pemda"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "item_key"], name="catalog_product_item")
        ]
        indexes = [
            models.Index(fields=["valid_until", "tkdn"], name="catalog_product_validity"),
            models.Index(fields=["tkdn_bmp"], name="catalog_product_tkdn_bmp"),
            models.Index(fields=["price_min"], name="catalog_product_price"),
        ]
        verbose_name = _("catalogue product")
        verbose_name_plural = _("catalogue products")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        return slugify(self.name)[:80] or "produk"


class ProductPrice(models.Model):
    """A price of a product in one region, as its e-Katalog listing gives it (``harga``:
    one price per provinsiId/kabupatenId)."""

    product = models.ForeignKey(CatalogProduct, on_delete=models.CASCADE, related_name="prices")
    kd_produk = models.CharField(max_length=60, blank=True, help_text="the e-Katalog listing")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ecat_provinsi = models.CharField(max_length=20, blank=True)
    ecat_kabupaten = models.CharField(max_length=20, blank=True)
    harga = models.DecimalField(_("price"), max_digits=20, decimal_places=2)
    ongkos_kirim = models.DecimalField(
        _("shipping"), max_digits=20, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["region_id", "id"]
        indexes = [models.Index(fields=["product", "kd_produk"], name="product_price_listing")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.region_id or self.ecat_kabupaten} {self.harga}"


class ProductSource(models.Model):
    """An e-Katalog listing (a Product fact version) a catalogue item was built from. Its
    TKDN claim (nomor_tkdn, tkdn_produk, nilai_bmp, holder) stays on the fact: a claim, not a
    certificate (claim verification reads it there)."""

    product = models.ForeignKey(CatalogProduct, on_delete=models.CASCADE, related_name="sources")
    fact = models.ForeignKey(
        "procurement.Product", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey("imports.ImportRun", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "fact"], name="product_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ← product fact {self.fact_id}"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def applicable(self) -> CertificateQuerySet:
        """With a TKDN value (not the 999,99 "not applicable" sentinel)."""
        return self.filter(not_applicable=False, tkdn__isnull=False)


class Certificate(models.Model):
    """A TKDN certificate of a catalogue item. The Kemenperin bulk export carries no number:
    such a certificate is known by its item, value and expiry date."""

    class Kind(models.TextChoices):
        TKDN = "tkdn", "TKDN"
        TKDN_IK = "tkdn_ik", "TKDN-IK"

    product = models.ForeignKey(
        CatalogProduct, on_delete=models.PROTECT, related_name="certificates",
        verbose_name=_("product"),
    )
    holder = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TKDN)
    number = models.CharField(  # noqa: DJ001 — NULL: unknown (the bulk export has none)
        _("certificate number"), max_length=120, null=True, blank=True, db_index=True
    )
    tkdn = models.DecimalField(_("TKDN"), max_digits=7, decimal_places=4, null=True, blank=True)
    bmp = models.DecimalField(_("BMP"), max_digits=7, decimal_places=4, null=True, blank=True)
    not_applicable = models.BooleanField(
        _("TKDN not applicable (999,99)"), default=False
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    # The expiry date, else the one the rules estimate from the issue date (validity.py):
    # what the validity filters compare with.
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    valid_until_estimated = models.BooleanField(default=False)
    owner_pemda = models.ForeignKey(
        "accounts.Pemda", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("entered by Pemda"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-expiry_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "number"],
                condition=Q(number__isnull=False),
                name="certificate_number_per_product",
            ),
        ]
        indexes = [models.Index(fields=["product", "tkdn"], name="certificate_product_value")]
        verbose_name = _("TKDN certificate")
        verbose_name_plural = _("TKDN certificates")

    def __str__(self) -> str:
        return self.number or f"TKDN {self.product_id} ({self.expiry_date or '?'})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:certificate-detail", args=[self.pk])

    @property
    def effective_bmp(self) -> Decimal | None:
        """The certificate's BMP, else its holder's (BMP belongs to the company, C10)."""
        if self.bmp is not None:
            return self.bmp
        return self.holder.bmp if self.holder_id else None

    @property
    def tkdn_bmp(self) -> Decimal | None:
        """TKDN + BMP (C10), when the TKDN applies and a BMP is known."""
        bmp = self.effective_bmp
        if self.not_applicable or self.tkdn is None or bmp is None:
            return None
        return self.tkdn + bmp

    @property
    def nilai_tkdn_persen(self) -> Decimal | None:
        """The value as the export writes it (a percentage; 999,99 when not applicable)."""
        if self.not_applicable:
            return Decimal("999.99")
        return None if self.tkdn is None else self.tkdn * 100


class CertificateSource(models.Model):
    """One export row a certificate came from: a TKDN fact version and the import run whose
    file listed it (the run that brought the version, or a later one that listed it again),
    or a hand entry."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Kemenperin export")
        SCRAPE = "scrape", _("Kemenperin list (scraped)")
        MANUAL = "manual", _("Entered by hand")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    fact = models.ForeignKey(
        "procurement.TkdnCertificate", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "fact", "run"],
                condition=Q(fact__isnull=False),
                name="certificate_source_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} ← {self.kind} {self.fact_id or ''} run {self.run_id}"


class SyncState(models.Model):
    """How far the registry has read the facts (one row): the last fact version and sighting
    of each kind taken in, and what the last sync that found something did."""

    SINGLETON = 1

    last_tkdn = models.BigIntegerField(default=0)
    last_sighting = models.BigIntegerField(default=0)
    last_product = models.BigIntegerField(default=0)
    last_provider = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"registry sync state ({self.synced_at})"

    def watermarks(self) -> dict[str, Any]:
        return {
            "tkdn": self.last_tkdn,
            "sighting": self.last_sighting,
            "product": self.last_product,
            "provider": self.last_provider,
        }
