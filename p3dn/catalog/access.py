"""Who may read and change the registry (docs/catalog.md, "Roles").

- Everyone, signed in or not, reads the public registry: producers, products, certificates.
  Fields that may be a person's data (NPWP; the contacts of an individual, a UD or a producer
  of unknown form) are shown to signed-in users only (``can_see_private``).
- The national admin and a Tim P3DN enter producers by hand. What a Tim P3DN enters belongs
  to its Pemda: only that Pemda's Tim P3DN (and the admin) may change it. Imported records
  belong to no Pemda: only the admin corrects them.
- A product is added to a producer its author may change; a certificate to such a product.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from p3dn.accounts.models import User
from p3dn.catalog.models import CatalogProduct, Certificate, Producer


def can_see_private(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_enter(user: User) -> bool:
    """May enter producers by hand at all."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.role == User.Role.ADMIN
            or (user.role == User.Role.TIM_P3DN and user.pemda_id is not None)
        )
    )


def _owns(user: User, owner_pemda_id: int | None) -> bool:
    if not can_enter(user):
        return False
    if user.role == User.Role.ADMIN:
        return True
    return owner_pemda_id is not None and owner_pemda_id == user.pemda_id


def can_edit_producer(user: User, producer: Producer) -> bool:
    return _owns(user, producer.owner_pemda_id)


def can_edit_product(user: User, product: CatalogProduct) -> bool:
    return _owns(user, product.owner_pemda_id)


def can_edit_certificate(user: User, certificate: Certificate) -> bool:
    return _owns(user, certificate.owner_pemda_id)


def visible_producers() -> QuerySet[Producer]:
    return Producer.objects.select_related("region", "province", "owner_pemda")


def visible_products() -> QuerySet[CatalogProduct]:
    return CatalogProduct.objects.select_related("producer", "producer__province", "owner_pemda")


def visible_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("product", "holder", "owner_pemda")


def get_producer_for(user: User, pk: int | str, *, write: bool = False) -> Producer:
    try:
        producer = visible_producers().get(pk=pk)
    except (Producer.DoesNotExist, ValueError, TypeError):
        raise Http404("Producer not found") from None
    if write and not can_edit_producer(user, producer):
        raise PermissionDenied
    return producer


def get_product_for(user: User, pk: int | str, *, write: bool = False) -> CatalogProduct:
    try:
        product = visible_products().get(pk=pk)
    except (CatalogProduct.DoesNotExist, ValueError, TypeError):
        raise Http404("Product not found") from None
    if write and not can_edit_product(user, product):
        raise PermissionDenied
    return product


def get_certificate_for(user: User, pk: int | str, *, write: bool = False) -> Certificate:
    try:
        certificate = visible_certificates().get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404("Certificate not found") from None
    if write and not can_edit_certificate(user, certificate):
        raise PermissionDenied
    return certificate


def require_enter(user: User) -> None:
    if not can_enter(user):
        raise PermissionDenied
