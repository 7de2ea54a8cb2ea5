"""Filling the registry from the procurement facts: ``sync_registry``.

Reads the fact versions added since the last sync (by id: one import at a time writes the
facts of a kind, so their ids grow in commit order), in this order: e-Katalog providers
(Provider), Kemenperin TKDN lists (TkdnCertificate), the later files that listed a TKDN fact
again (Sighting), e-Katalog products (Product). Each row becomes, or is matched to, a
Producer, a CatalogProduct and (TKDN rows) a Certificate, with a CertificateSource /
ProductSource naming the fact version and its import run. A fact replaced by a newer version
(its content changed) is read again in its new version: the newest values win, the old
version stays in the trace. Idempotent: a second sync finds nothing new and changes nothing;
``full=True`` reads every fact again and ends in the same registry.

Run by ``p3dn catalog sync``, by the import worker after each applied import, and by
``p3dn demo`` (the imports app does not know the registry; the top calls it).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from p3dn.audit.services import log
from p3dn.catalog import identity
from p3dn.catalog.models import (
    CatalogProduct,
    Certificate,
    CertificateSource,
    Origin,
    Producer,
    ProductPrice,
    ProductSource,
    SyncState,
)
from p3dn.catalog.places import RegionFinder
from p3dn.catalog.validity import end_date
from p3dn.procurement.models import Product, Provider, Sighting, TkdnCertificate

BATCH = 2000
MANUAL = "manual"
# Whose spelling of a producer's name wins: a hand entry, then the certificate lists.
_RANK = {MANUAL: 3, "kemenperin": 2, "ekatalog_penyedia": 1, "ekatalog_produk": 0}
_KBLI = re.compile(r"(?<!\d)\d{5}(?!\d)")
_CENT = Decimal("0.01")

PRODUCER_FIELDS = [
    "name", "legal_form", "bumn", "nib", "npwp", "address", "province_name", "region",
    "province", "email", "phone", "kbli", "umk", "identity_conflict", "provenance",
]
PRODUCT_FIELDS = ["kelompok_barang", "kbki", "kode_hs", "kbli", "unit", "origin"]
SUMMARY_FIELDS = [
    "tkdn", "bmp", "tkdn_bmp", "valid_until", "certificate_count", "price_min", "price_max",
    "listed", "origin",
]


@dataclass
class SyncResult:
    facts_read: int = 0
    producers_created: int = 0
    producers_updated: int = 0
    products_created: int = 0
    products_updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    sources_added: int = 0
    prices_written: int = 0
    summaries_changed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    full: bool = False

    @property
    def changed(self) -> bool:
        return any(
            (self.producers_created, self.producers_updated, self.products_created,
             self.products_updated, self.certificates_created, self.certificates_updated,
             self.sources_added, self.prices_written, self.summaries_changed)
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """Where a value came from: recorded in a producer's ``provenance``."""

    source: str  # kemenperin | ekatalog_penyedia | ekatalog_produk | manual
    run: int | None
    date: str

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "run": self.run, "date": self.date}


def item_hash(name: str, specification: str, brand: str, tipe: str) -> str:
    key = identity.product_key(name, specification, brand, tipe)
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def is_manual(obj: CatalogProduct | Certificate) -> bool:
    return obj.owner_pemda_id is not None or obj.entered_by_id is not None


# ------------------------------------------------------------------ the in-memory registry


@dataclass
class _Registry:
    """What one sync has loaded and changed, written in batches."""

    result: SyncResult
    finder: RegionFinder = field(default_factory=RegionFinder.load)
    producers: dict[str, list[Producer]] = field(default_factory=dict)  # family:key → ids order
    loaded_keys: set[str] = field(default_factory=set)
    new_producers: list[Producer] = field(default_factory=list)
    dirty_producers: dict[int, Producer] = field(default_factory=dict)
    products: dict[tuple[int, str], CatalogProduct] = field(default_factory=dict)
    new_products: list[CatalogProduct] = field(default_factory=list)
    dirty_products: dict[int, CatalogProduct] = field(default_factory=dict)
    certificates: dict[int, list[Certificate]] = field(default_factory=dict)  # product id
    loaded_cert_products: set[int] = field(default_factory=set)
    new_certificates: list[Certificate] = field(default_factory=list)
    dirty_certificates: dict[int, Certificate] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)  # products whose summary to refresh
    # the stored values of what was loaded: a value changed and changed back is no change
    stored: dict[tuple[str, int], tuple[Any, ...]] = field(default_factory=dict)

    # ---------------------------------------------------------------- producers

    def load_producers(self, names: Iterable[str]) -> None:
        keys = {identity.parse_name(n).key for n in names if n} - self.loaded_keys
        keys.discard("")
        for chunk in _chunked(sorted(keys), 500):
            for producer in Producer.objects.filter(name_key__in=chunk).order_by("id"):
                self.remember(producer, PRODUCER_FIELDS)
                self.producers.setdefault(f"{producer.family}:{producer.name_key}", []).append(
                    producer
                )
        self.loaded_keys |= keys

    def producer_for(
        self, name: str, source: Source, *, npwp: str = "", nib: str = ""
    ) -> Producer | None:
        """The producer a record names (docs/catalog.md, "merge rule"): same legal-form
        family and name key, and no NPWP or NIB that contradicts; created when none."""
        name = " ".join((name or "").split())
        parsed = identity.parse_name(name)
        if not parsed.key:
            return None
        self.load_producers([name])
        candidates = self.producers.setdefault(f"{parsed.family}:{parsed.key}", [])
        wanted_npwp, wanted_nib = identity.npwp16(npwp), identity.nib_digits(nib)
        chosen = None
        if wanted_npwp or wanted_nib:
            chosen = next(
                (c for c in candidates
                 if (wanted_npwp and identity.npwp16(c.npwp) == wanted_npwp)
                 or (wanted_nib and c.nib == wanted_nib)),
                None,
            ) or next(
                (c for c in candidates if not _contradicts(c, wanted_npwp, wanted_nib)), None
            )
        elif candidates:
            chosen = candidates[0]
        if chosen is None:
            chosen = Producer(
                name=name[:255],
                name_key=parsed.key[:255],
                legal_form=parsed.legal_form,
                bumn=parsed.bumn,
                provenance={"name": source.as_dict()},
            )
            if candidates:  # same name and form, another NPWP or NIB: kept apart, flagged
                chosen.identity_conflict = True
                for other in candidates:
                    self.set(other, "identity_conflict", True)
            candidates.append(chosen)
            self.new_producers.append(chosen)
            self.result.producers_created += 1
        else:
            if parsed.bumn and not chosen.bumn:
                self.set(chosen, "bumn", True)
                if chosen.legal_form == identity.PT:
                    self.set(chosen, "legal_form", identity.PERSERO)
            # the name as the most authoritative source writes it (the certificate holder's)
            current = chosen.provenance.get("name", {}).get("source", "")
            if _RANK.get(source.source, 0) > _RANK.get(current, 0) and chosen.name != name:
                chosen.name = name[:255]
                chosen.provenance["name"] = source.as_dict()
                self._dirty(chosen)
        if wanted_npwp and identity.npwp16(chosen.npwp) != wanted_npwp:
            self.fill(chosen, "npwp", identity.npwp_digits(npwp), source)
        self.fill(chosen, "nib", wanted_nib, source)
        return chosen

    def set(self, producer: Producer, name: str, value: Any) -> None:
        if getattr(producer, name) != value:
            setattr(producer, name, value)
            self._dirty(producer)

    def fill(self, producer: Producer, name: str, value: Any, source: Source) -> None:
        """Take a value from a source, unless it is empty or the value was entered by hand."""
        if value in ("", None):
            return
        if producer.provenance.get(name, {}).get("source") == MANUAL:
            return
        if getattr(producer, name) != value:
            setattr(producer, name, value)
            producer.provenance[name] = source.as_dict()
            self._dirty(producer)

    def locate(self, producer: Producer, province_text: str, address: str, source: Source) -> None:
        self.fill(producer, "address", " ".join((address or "").split()), source)
        self.fill(producer, "province_name", (province_text or "").strip()[:120], source)
        if producer.provenance.get("region", {}).get("source") == MANUAL:
            return
        region, province = self.finder.locate(province_text, address)
        if region is None:
            return
        if producer.region_id != region.code or producer.province_id != getattr(
            province, "code", None
        ):
            producer.region, producer.province = region, province
            producer.provenance["region"] = source.as_dict()
            self._dirty(producer)

    def add_kbli(self, producer: Producer, codes: Iterable[str], source: Source) -> None:
        if producer.provenance.get("kbli", {}).get("source") == MANUAL:
            return
        found = {c for text in codes for c in _KBLI.findall(text or "")}
        merged = " ".join(sorted(set(producer.kbli.split()) | found))
        if merged != producer.kbli and len(merged) <= 500:
            producer.kbli = merged
            producer.provenance["kbli"] = source.as_dict()
            self._dirty(producer)

    def _dirty(self, producer: Producer) -> None:
        if producer.pk is not None:
            self.dirty_producers[producer.pk] = producer

    def remember(self, obj: Producer | CatalogProduct, fields: list[str]) -> None:
        self.stored[(obj._meta.model_name or "", obj.pk)] = _values(obj, fields)

    def changed(self, objs: Iterable[Any], fields: list[str]) -> list[Any]:
        """The objects whose values differ from the stored ones (which they become)."""
        out = []
        for obj in objs:
            key, now = (obj._meta.model_name, obj.pk), _values(obj, fields)
            if self.stored.get(key) != now:
                self.stored[key] = now
                out.append(obj)
        return out

    def flush_producers(self, *, final: bool = False) -> None:
        """Create the new producers (their products need their ids); with ``final`` write
        the changed ones: once, at the end, so that a value two sources disagree on is
        compared with the stored one only when every row has been read."""
        if self.new_producers:
            insert_rows(Producer, self.new_producers)
            for producer in self.new_producers:
                self.remember(producer, PRODUCER_FIELDS)
            self.new_producers = []
        if not final:
            return
        dirty = self.changed(self.dirty_producers.values(), PRODUCER_FIELDS)
        self.dirty_producers = {}
        if dirty:
            self.result.producers_updated += len(dirty)
            _touch(dirty)
            update_rows(Producer, dirty, [*PRODUCER_FIELDS, "updated_at"])

    # ---------------------------------------------------------------- products

    def load_products(self, wanted: Iterable[tuple[int, str]]) -> None:
        missing = [w for w in wanted if w not in self.products]
        by_producer: dict[int, set[str]] = {}
        for producer_id, key in missing:
            by_producer.setdefault(producer_id, set()).add(key)
        keys = sorted({k for _, k in missing})
        producer_ids = sorted(by_producer)
        for chunk in _chunked(keys, 500):
            for product in CatalogProduct.objects.filter(
                item_key__in=chunk, producer_id__in=producer_ids
            ):
                self.remember(product, PRODUCT_FIELDS)
                self.products[(product.producer_id, product.item_key)] = product

    def product_for(
        self,
        producer: Producer,
        *,
        name: str,
        specification: str,
        brand: str,
        tipe: str,
        values: dict[str, str],
    ) -> CatalogProduct:
        key = item_hash(name, specification, brand, tipe)
        product = self.products.get((producer.pk, key))
        if product is None:
            product = CatalogProduct(
                producer=producer,
                item_key=key,
                name=" ".join(name.split()),
                specification=specification.strip(),
                tipe=" ".join(identity.brand_text(tipe).split())[:255],
                brand=identity.brand_text(brand)[:255],
                **{k: v for k, v in values.items() if v},
            )
            self.products[(producer.pk, key)] = product
            self.new_products.append(product)
            self.result.products_created += 1
            return product
        manual = is_manual(product)
        changed = False
        for name_, value in values.items():
            if value and getattr(product, name_) != value and not (
                manual and getattr(product, name_)
            ):
                setattr(product, name_, value)
                changed = True
        if changed and product.pk is not None:
            self.dirty_products[product.pk] = product
        return product

    def flush_products(self, *, final: bool = False) -> None:
        if self.new_products:
            insert_rows(CatalogProduct, self.new_products)
            for product in self.new_products:
                self.remember(product, PRODUCT_FIELDS)
            self.touched |= {p.pk for p in self.new_products}
            self.new_products = []
        if not final:
            return
        dirty = self.changed(self.dirty_products.values(), PRODUCT_FIELDS)
        self.dirty_products = {}
        if dirty:
            self.result.products_updated += len(dirty)
            _touch(dirty)
            update_rows(CatalogProduct, dirty, [*PRODUCT_FIELDS, "updated_at"])

    # ---------------------------------------------------------------- certificates

    def load_certificates(self, product_ids: Iterable[int]) -> None:
        missing = sorted(set(product_ids) - self.loaded_cert_products)
        for chunk in _chunked(missing, 500):
            for cert in Certificate.objects.filter(product_id__in=chunk).order_by("id"):
                self.certificates.setdefault(cert.product_id, []).append(cert)
        self.loaded_cert_products |= set(missing)

    def certificate_for(
        self,
        product: CatalogProduct,
        *,
        number: str,
        tkdn: Decimal | None,
        not_applicable: bool,
        expiry: Any,
        issue: Any,
        bmp: Decimal | None,
    ) -> Certificate:
        """The certificate a row describes (docs/catalog.md): by number when both know it;
        else the same item, value and expiry date; a row without an expiry date joins the
        one certificate of that item and value, and fills in a missing date."""
        certs = self.certificates.setdefault(product.pk, [])
        number = (number or "").strip()
        chosen = None
        if number:
            chosen = next((c for c in certs if c.number == number), None)
        same_value = [
            c for c in certs
            if c.not_applicable == not_applicable and c.tkdn == tkdn
            and not (number and c.number and c.number != number)
        ]
        if chosen is None and expiry is not None:
            chosen = next((c for c in same_value if c.expiry_date == expiry), None)
            if chosen is None:
                undated = [c for c in same_value if c.expiry_date is None]
                chosen = undated[0] if len(undated) == 1 else None
        elif chosen is None and same_value:
            undated = [c for c in same_value if c.expiry_date is None]
            chosen = undated[0] if undated else max(
                same_value, key=lambda c: (c.expiry_date, c.pk or 0)
            )
        if chosen is None:
            chosen = Certificate(
                product=product,
                holder_id=product.producer_id,
                number=number or None,
                tkdn=tkdn,
                not_applicable=not_applicable,
                expiry_date=expiry,
                issue_date=issue,
                bmp=bmp,
            )
            chosen.valid_until, chosen.valid_until_estimated = end_date(issue, expiry)
            certs.append(chosen)
            self.new_certificates.append(chosen)
            self.result.certificates_created += 1
            return chosen
        changed = False
        for name, value in (("number", number or None), ("expiry_date", expiry),
                            ("issue_date", issue), ("bmp", bmp)):
            if value is not None and getattr(chosen, name) is None:
                setattr(chosen, name, value)
                changed = True
        if changed:
            chosen.valid_until, chosen.valid_until_estimated = end_date(
                chosen.issue_date, chosen.expiry_date
            )
            if chosen.pk is not None:
                self.dirty_certificates[chosen.pk] = chosen
        return chosen

    def flush_certificates(self, *, final: bool = False) -> None:
        if self.new_certificates:
            insert_rows(Certificate, self.new_certificates)
            self.touched |= {c.product_id for c in self.new_certificates}
            self.new_certificates = []
        if final and self.dirty_certificates:
            self.result.certificates_updated += len(self.dirty_certificates)
            dirty = list(self.dirty_certificates.values())
            _touch(dirty)
            update_rows(Certificate, dirty, ["number", "expiry_date", "issue_date", "bmp",
                                             "valid_until", "valid_until_estimated",
                                             "updated_at"])
            self.touched |= {c.product_id for c in self.dirty_certificates.values()}
            self.dirty_certificates = {}

    def add_sources(self, model: type[CertificateSource | ProductSource], rows: list[Any]) -> None:
        if not rows:
            return
        self.result.sources_added += insert_rows(model, rows, ignore_conflicts=True)


def insert_rows(
    model: type[models.Model], objs: list[Any], *, ignore_conflicts: bool = False
) -> int:
    """Insert many rows as multi-row INSERTs with prepared values and set their ids (RETURNING,
    as bulk_create does on SQLite >= 3.35 and PostgreSQL, whose returned rows follow the
    VALUES order); with ``ignore_conflicts`` a row that would break a unique constraint is
    skipped (no ids then). bulk_create compiles every value of every row: seconds for a year's
    export. Returns the number of rows inserted."""
    if not objs:
        return 0
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    now = timezone.now()
    prepare: list[Any] = []
    for f in fields:
        plain = isinstance(f, models.CharField | models.TextField | models.BooleanField
                           | models.IntegerField | models.ForeignKey)
        prepare.append(None if plain else f)
        if f.many_to_one:  # an object saved after it was assigned: take its id now
            for obj in objs:
                if getattr(obj, f.attname) is None and f.is_cached(obj):  # type: ignore[attr-defined]
                    related = f.get_cached_value(obj)  # type: ignore[attr-defined]
                    if related is not None:
                        setattr(obj, f.attname, related.pk)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, f.attname) is None or getattr(f, "auto_now", False):
                    setattr(obj, f.attname, now)
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite: long statements are cheapest (up to 32766 parameters); on PostgreSQL short ones
    # are (5.000 items: 0,62 s with 50 rows a statement, 0,97 s with 200, 1,12 s with 1.000).
    size = max(1, min(1000, 32000 // len(fields))) if connection.vendor == "sqlite" else 100
    pk_column = meta.pk.column if meta.pk is not None else "id"
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else f" RETURNING {quote(pk_column)}"
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params: list[Any] = []
            for obj in chunk:
                for f, prep in zip(fields, prepare, strict=True):
                    value = getattr(obj, f.attname)
                    params.append(value if prep is None or value is None
                                  else prep.get_db_prep_save(value, connection))
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
            cursor.execute(sql + ", ".join([row] * len(chunk)) + tail, params)
            if ignore_conflicts:
                inserted += max(cursor.rowcount, 0)
                continue
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias
            inserted += len(chunk)
    return inserted


def update_rows(model: type[models.Model], objs: list[Any], fields: list[str]) -> None:
    """Write ``fields`` of many rows in one prepared UPDATE (``executemany``): bulk_update's
    CASE expressions cost seconds for a few thousand rows."""
    if not objs:
        return
    meta = model._meta
    columns = [f for f in meta.concrete_fields if f.name in fields]
    quote = connection.ops.quote_name
    pk_column = meta.pk.column if meta.pk is not None else "id"
    sets = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    table = quote(meta.db_table)
    sql = f"UPDATE {table} SET {sets} WHERE {quote(pk_column)} = %s"  # noqa: S608 -- model names
    params = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(sql, params[start : start + 1000])


def _values(obj: Any, fields: list[str]) -> tuple[Any, ...]:
    out = []
    for name in fields:
        value = getattr(obj, f"{name}_id" if name in ("region", "province") else name)
        out.append(json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict)
                   else value)
    return tuple(out)


def _touch(objs: list[Any]) -> None:
    now = timezone.now()
    for obj in objs:
        obj.updated_at = now


def _contradicts(producer: Producer, npwp: str, nib: str) -> bool:
    return bool(
        (npwp and producer.npwp and identity.npwp16(producer.npwp) != npwp)
        or (nib and producer.nib and producer.nib != nib)
    )


def _chunked(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batches(qs: QuerySet[Any], after: int, fields: list[str]) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``qs`` with an id above ``after``, in id order, a batch at a time."""
    last = after
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values(*fields)[:BATCH])
        if not rows:
            return
        last = rows[-1]["id"]
        yield rows


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _source(kind: str, row: dict[str, Any]) -> Source:
    day = row.get("valid_from__data_as_of")
    return Source(kind, row["valid_from_id"], day.isoformat() if day else "")


# ------------------------------------------------------------------ the steps


def _sync_providers(reg: _Registry, after: int) -> int:
    fields = ["id", "kd_penyedia", "nama_penyedia", "npwp_penyedia", "penyedia_ukm",
              "kbli2020_penyedia", "extra", "valid_from_id", "valid_from__data_as_of"]
    last = after
    for rows in _batches(Provider.objects.all(), after, fields):
        reg.load_producers(r["nama_penyedia"] for r in rows)
        for row in rows:
            reg.result.facts_read += 1
            extra = row["extra"] or {}
            source = _source("ekatalog_penyedia", row)
            npwp = row["npwp_penyedia"] or _text(extra.get("npwp_16"))
            producer = reg.producer_for(row["nama_penyedia"], source, npwp=npwp)
            if producer is None:
                reg.result.skipped += 1
                continue
            reg.locate(producer, "", _text(extra.get("alamat_penyedia")), source)
            reg.fill(producer, "email", _text(extra.get("email_penyedia"))[:254], source)
            reg.fill(producer, "phone", _text(extra.get("no_telp_penyedia"))[:60], source)
            reg.fill(producer, "umk", row["penyedia_ukm"], source)
            reg.add_kbli(producer, [row["kbli2020_penyedia"] or ""], source)
        reg.flush_producers()
        last = rows[-1]["id"]
    return last


def _sync_tkdn(reg: _Registry, after: int) -> int:
    fields = ["id", "perusahaan", "produk", "merk", "spesifikasi", "kelompok_barang",
              "nilai_tkdn", "nilai_bmp", "tkdn_not_applicable", "tanggal_terbit",
              "tanggal_berlaku", "kode_hs", "kbli", "nomor_sertifikat", "extra",
              "valid_from_id", "valid_from__data_as_of", "valid_from__dataset"]
    last = after
    for rows in _batches(TkdnCertificate.objects.all(), after, fields):
        reg.load_producers(r["perusahaan"] for r in rows)
        holders: list[Producer | None] = []
        for row in rows:
            reg.result.facts_read += 1
            extra = row["extra"] or {}
            source = _source("kemenperin", row)
            producer = reg.producer_for(row["perusahaan"], source)
            holders.append(producer)
            if producer is None:
                reg.result.skipped += 1
                continue
            reg.locate(producer, _text(extra.get("Provinsi")), _text(extra.get("Alamat")), source)
            reg.add_kbli(producer, [row["kbli"]], source)
        reg.flush_producers()
        reg.load_products(
            (p.pk, _tkdn_item(row)) for row, p in zip(rows, holders, strict=True) if p
        )
        products: list[CatalogProduct | None] = []
        for row, producer in zip(rows, holders, strict=True):
            if producer is None:
                products.append(None)
                continue
            extra = row["extra"] or {}
            products.append(reg.product_for(
                producer,
                name=row["produk"],
                specification=row["spesifikasi"],
                brand=row["merk"],
                tipe=_text(extra.get("Tipe") or extra.get("tipe")),
                values={
                    "kelompok_barang": row["kelompok_barang"][:255],
                    "kbli": row["kbli"],
                    "kode_hs": row["kode_hs"],
                    "origin": Origin.PDN,
                },
            ))
        reg.flush_products()
        reg.load_certificates(p.pk for p in products if p is not None)
        certificates: list[Certificate | None] = []
        for row, product in zip(rows, products, strict=True):
            if product is None:
                certificates.append(None)
                continue
            certificates.append(reg.certificate_for(
                product,
                number=row["nomor_sertifikat"],
                tkdn=row["nilai_tkdn"],
                not_applicable=row["tkdn_not_applicable"],
                expiry=row["tanggal_berlaku"],
                issue=row["tanggal_terbit"],
                bmp=row["nilai_bmp"],
            ))
        reg.flush_certificates()
        reg.add_sources(CertificateSource, [
            CertificateSource(
                certificate=cert,
                kind=_kind(row["valid_from__dataset"]),
                fact_id=row["id"],
                run_id=row["valid_from_id"],
            )
            for row, cert in zip(rows, certificates, strict=True)
            if cert is not None
        ])
        last = rows[-1]["id"]
    return last


def _tkdn_item(row: dict[str, Any]) -> str:
    extra = row["extra"] or {}
    return item_hash(row["produk"], row["spesifikasi"], row["merk"],
                     _text(extra.get("Tipe") or extra.get("tipe")))


def _kind(dataset: str | None) -> str:
    return (
        CertificateSource.Kind.SCRAPE if dataset and "Scrape" in dataset
        else CertificateSource.Kind.EXPORT
    )


def _sync_sightings(reg: _Registry, after: int) -> int:
    """A later file listed a TKDN fact unchanged: one more source for its certificate."""
    last = after
    qs = Sighting.objects.filter(fact_model=TkdnCertificate._meta.model_name)
    for rows in _batches(qs, after, ["id", "run_id", "key"]):
        versions: dict[str, list[Any]] = {}
        for chunk in _chunked(sorted({r["key"] for r in rows}), 500):
            for fact in TkdnCertificate.objects.filter(cert_key__in=chunk).values(
                "id", "cert_key", "valid_from_id", "valid_to_id"
            ):
                versions.setdefault(fact["cert_key"], []).append(fact)
        seen: list[tuple[int, int]] = []  # (fact, run)
        for row in rows:
            for fact in versions.get(row["key"], []):
                if fact["valid_from_id"] <= row["run_id"] and (
                    fact["valid_to_id"] is None or fact["valid_to_id"] > row["run_id"]
                ):
                    seen.append((fact["id"], row["run_id"]))
                    break
        origin: dict[int, tuple[int, str]] = {}
        for chunk in _chunked(sorted({f for f, _ in seen}), 500):
            for src in CertificateSource.objects.filter(fact_id__in=chunk).values(
                "fact_id", "certificate_id", "kind"
            ):
                origin[src["fact_id"]] = (src["certificate_id"], src["kind"])
        reg.add_sources(CertificateSource, [
            CertificateSource(
                certificate_id=origin[fact][0], kind=origin[fact][1], fact_id=fact, run_id=run
            )
            for fact, run in seen
            if fact in origin
        ])
        last = rows[-1]["id"]
    return last


def _sync_products(reg: _Registry, after: int) -> int:
    fields = ["id", "kd_produk", "nama_produk", "nama_manufaktur", "jenis_produk", "kbki_id",
              "kd_penyedia", "extra", "valid_from_id", "valid_from__data_as_of"]
    last = after
    for rows in _batches(Product.objects.all(), after, fields):
        providers = {
            p["kd_penyedia"]: p
            for p in Provider.objects.filter(
                kd_penyedia__in={r["kd_penyedia"] for r in rows if r["kd_penyedia"]},
                valid_to__isnull=True,
            ).values("kd_penyedia", "nama_penyedia", "npwp_penyedia")
        }
        named: list[tuple[str, str]] = []  # (name, npwp) of each row's provider
        for row in rows:
            provider = providers.get(row["kd_penyedia"]) if row["kd_penyedia"] else None
            if provider and provider["nama_penyedia"]:
                named.append((provider["nama_penyedia"], provider["npwp_penyedia"]))
            else:
                named.append((_text((row["extra"] or {}).get("nama_penyedia")), ""))
        reg.load_producers(n for n, _ in named)
        holders = []
        for row, (name, npwp) in zip(rows, named, strict=True):
            reg.result.facts_read += 1
            producer = reg.producer_for(name, _source("ekatalog_produk", row), npwp=npwp)
            holders.append(producer)
            if producer is None:
                reg.result.skipped += 1
        reg.flush_producers()
        reg.load_products(
            (p.pk, item_hash(row["nama_produk"], "", row["nama_manufaktur"], ""))
            for row, p in zip(rows, holders, strict=True) if p
        )
        products: list[tuple[dict[str, Any], CatalogProduct]] = []
        for row, producer in zip(rows, holders, strict=True):
            if producer is None or not row["nama_produk"]:
                continue
            extra = row["extra"] or {}
            jenis = (row["jenis_produk"] or "").strip().lower()
            product = reg.product_for(
                producer,
                name=row["nama_produk"],
                specification="",
                brand=row["nama_manufaktur"],
                tipe="",
                values={
                    "kbki": _text(row["kbki_id"])[:20],
                    "unit": _text(extra.get("unit_pengukuran"))[:60],
                    "origin": {"lokal": Origin.PDN, "impor": Origin.IMPOR}.get(jenis, ""),
                },
            )
            products.append((row, product))
        reg.flush_products()
        known = set(
            ProductSource.objects.filter(fact_id__in=[row["id"] for row, _ in products])
            .values_list("product_id", "fact_id")
        )
        products = [(row, p) for row, p in products if (p.pk, row["id"]) not in known]
        # Each listing's prices, replaced whole: the listing may have moved to another item.
        listings = sorted({row["kd_produk"] for row, _ in products})
        earlier = set(
            ProductSource.objects.filter(fact__kd_produk__in=listings).values_list(
                "product_id", flat=True
            )
        )
        reg.touched |= earlier
        for chunk in _chunked(listings, 500):
            ProductPrice.objects.filter(kd_produk__in=chunk).delete()
        prices = [
            ProductPrice(product=product, kd_produk=row["kd_produk"], **price)
            for row, product in products
            for price in _prices(reg.finder, (row["extra"] or {}).get("harga"))
        ]
        insert_rows(ProductPrice, prices)
        reg.result.prices_written += len(prices)
        reg.touched |= {p.pk for _, p in products}
        reg.add_sources(ProductSource, [
            ProductSource(product=product, fact_id=row["id"], run_id=row["valid_from_id"])
            for row, product in products
        ])
        last = rows[-1]["id"]
    return last


def _prices(finder: RegionFinder, harga: Any) -> Iterator[dict[str, Any]]:
    """e-Katalog's ``harga``, in its three shapes (often as a JSON string): a list of one
    price per province/kabupaten; one price object without a region; a bare number."""
    if isinstance(harga, str):
        try:
            harga = json.loads(harga, parse_float=Decimal)
        except ValueError:
            return
    if isinstance(harga, dict):
        harga = [harga]
    elif not isinstance(harga, list):
        harga = [{"harga": harga}]
    for item in harga:
        if not isinstance(item, dict):
            continue
        amount = _money(item.get("harga"))
        if amount is None:
            continue
        provinsi, kabupaten = item.get("provinsiId"), item.get("kabupatenId")
        yield {
            "region": finder.price_region(provinsi, kabupaten),
            "ecat_provinsi": _text(provinsi)[:20],
            "ecat_kabupaten": _text(kabupaten)[:20],
            "harga": amount,
            "ongkos_kirim": _money(item.get("ongkos_kirim")),
        }


def _money(value: Any) -> Decimal | None:
    """A price as exact Rupiah with cents; None when absent, negative or not exact."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 18:
        return None
    quantized = amount.quantize(_CENT)
    return quantized if quantized == amount else None


# ------------------------------------------------------------------ summaries


def refresh_summaries(product_ids: Iterable[int]) -> int:
    """Recompute what a product shows in lists and filters: its certificate that counts
    (applicable, latest expiry, then highest TKDN), their number, its price range, and
    whether a current source still lists it. Returns how many products changed."""
    changed = 0
    for chunk in _chunked(sorted(set(product_ids)), 500):
        products = {p.pk: p for p in CatalogProduct.objects.filter(pk__in=chunk)}
        certs: dict[int, list[Any]] = {}
        for cert in Certificate.objects.filter(product_id__in=chunk).values(
            "product_id", "tkdn", "bmp", "not_applicable", "valid_until", "holder__bmp"
        ):
            certs.setdefault(cert["product_id"], []).append(cert)
        prices = {
            p["product_id"]: p
            for p in ProductPrice.objects.filter(product_id__in=chunk)
            .values("product_id").annotate(low=Min("harga"), high=Max("harga"))
        }
        listed = set(
            ProductSource.objects.filter(product_id__in=chunk, fact__valid_to__isnull=True)
            .values_list("product_id", flat=True)
        )
        dirty = []
        for pk, product in products.items():
            mine = certs.get(pk, [])
            best = max(
                (c for c in mine if not c["not_applicable"] and c["tkdn"] is not None),
                key=lambda c: (c["valid_until"] is not None, c["valid_until"], c["tkdn"]),
                default=None,
            )
            bmp = None if best is None else (
                best["bmp"] if best["bmp"] is not None else best["holder__bmp"]
            )
            wanted = {
                "tkdn": None if best is None else best["tkdn"],
                "bmp": bmp,
                "tkdn_bmp": None if best is None or bmp is None else best["tkdn"] + bmp,
                "valid_until": None if best is None else best["valid_until"],
                "certificate_count": len(mine),
                "price_min": prices.get(pk, {}).get("low"),
                "price_max": prices.get(pk, {}).get("high"),
                "listed": bool(mine) or pk in listed or is_manual(product),
                # a TKDN certificate makes it domestic, whatever a listing says
                "origin": Origin.PDN if mine else product.origin,
            }
            if any(getattr(product, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(product, k, v)
                dirty.append(product)
        update_rows(CatalogProduct, dirty, SUMMARY_FIELDS)
        changed += len(dirty)
    return changed


# ------------------------------------------------------------------ the service


@transaction.atomic
def sync_registry(*, full: bool = False, actor: Any = None) -> SyncResult:
    """Take the facts added since the last sync into the registry (all of them with
    ``full``). One sync at a time: the state row is locked for the transaction."""
    started = time.monotonic()
    SyncState.objects.get_or_create(pk=SyncState.SINGLETON)
    state = SyncState.objects.select_for_update().get(pk=SyncState.SINGLETON)
    marks = {k: 0 for k in state.watermarks()} if full else state.watermarks()
    result = SyncResult(full=full)
    if not full and not _anything_new(marks):
        return result
    reg = _Registry(result)
    provider = _sync_providers(reg, marks["provider"])
    tkdn = _sync_tkdn(reg, marks["tkdn"])
    sighting = _sync_sightings(reg, marks["sighting"])
    product = _sync_products(reg, marks["product"])
    reg.flush_producers(final=True)
    reg.flush_products(final=True)
    reg.flush_certificates(final=True)
    if full:
        reg.touched |= set(CatalogProduct.objects.values_list("pk", flat=True))
    result.summaries_changed = refresh_summaries(reg.touched)
    result.seconds = round(time.monotonic() - started, 3)
    state.last_provider = max(provider, state.last_provider)
    state.last_tkdn = max(tkdn, state.last_tkdn)
    state.last_sighting = max(sighting, state.last_sighting)
    state.last_product = max(product, state.last_product)
    state.synced_at = timezone.now()
    state.counts = result.as_dict()
    state.save()
    if result.changed:
        log(
            actor=actor or "system",
            action="catalog.registry.synced",
            obj=state,
            changes={k: [None, v] for k, v in result.as_dict().items() if v},
        )
    return result


def _anything_new(marks: dict[str, int]) -> bool:
    return (
        Provider.objects.filter(pk__gt=marks["provider"]).exists()
        or TkdnCertificate.objects.filter(pk__gt=marks["tkdn"]).exists()
        or Sighting.objects.filter(
            fact_model=TkdnCertificate._meta.model_name, pk__gt=marks["sighting"]
        ).exists()
        or Product.objects.filter(pk__gt=marks["product"]).exists()
    )


def registry_counts() -> dict[str, int]:
    """How big the registry is (for the command, the pages and the API)."""
    return {
        "producers": Producer.objects.count(),
        "products": CatalogProduct.objects.count(),
        "certificates": Certificate.objects.count(),
        "sources": CertificateSource.objects.count(),
    }

