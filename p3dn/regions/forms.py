from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.regions.models import ExternalCode


class ExternalCodeForm(forms.Form):
    system = forms.ChoiceField(label=_("System"), choices=ExternalCode.System.choices)
    code = forms.CharField(label=_("Code in that system"), max_length=20)
    region_code = forms.CharField(
        label=_("Kemendagri region code"),
        max_length=13,
        help_text=_("For example 32.04 for Kab. Bandung."),
    )
    name_in_source = forms.CharField(label=_("Name in that system"), max_length=150, required=False)


class CodeFilterForm(forms.Form):
    system = forms.ChoiceField(
        label=_("System"),
        required=False,
        choices=[("", _("All systems")), *ExternalCode.System.choices],
    )
    q = forms.CharField(label=_("Search"), required=False)
