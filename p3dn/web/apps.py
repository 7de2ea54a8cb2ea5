from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "p3dn.web"
    verbose_name = _("p3dn web kit")
