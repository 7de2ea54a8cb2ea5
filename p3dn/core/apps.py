from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "p3dn.core"
    verbose_name = _("p3dn core")
