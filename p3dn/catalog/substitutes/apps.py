from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubstitutesConfig(AppConfig):
    name = "p3dn.catalog.substitutes"
    label = "substitutes"
    verbose_name = _("Import substitution")
