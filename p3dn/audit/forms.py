from django import forms
from django.utils.translation import gettext_lazy as _


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Object or user"), required=False)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        help_text=_("For example accounts.unit or accounts.user.created."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
