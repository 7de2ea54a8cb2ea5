from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "p3dn.catalog.listings"
    label = "listings"
    verbose_name = _("Katalog lokal")
