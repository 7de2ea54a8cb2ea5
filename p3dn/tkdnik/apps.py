from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TkdnIkConfig(AppConfig):
    name = "p3dn.tkdnik"
    label = "tkdnik"
    verbose_name = _("TKDN-IK pipeline")
