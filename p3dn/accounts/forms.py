from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda, Unit, User
from p3dn.regions.models import Region


class PemdaChoiceField(forms.ModelChoiceField):
    """A Pemda chosen among hundreds: each option says its name and its codes (LKPP and
    Kemendagri), and a box above the list keeps the options holding what is typed (p3dn.js
    ``data-find``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"data-find": _("Name or code")}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        codes = " · ".join(c for c in (obj.kd_klpd, obj.region_id) if c)
        return f"{obj.name} ({codes})" if codes else str(obj.name)


class PemdaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[
            ("", _("All levels")),
            *[(c, lbl) for c, lbl in Region.Level.choices if c != "kecamatan"],
        ],
    )
    klpd = forms.ChoiceField(
        label=_("LKPP code"),
        required=False,
        choices=[("", _("All")), ("yes", _("With KLPD code")), ("no", _("Without KLPD code"))],
    )

    def cleaned_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class PemdaForm(forms.ModelForm):
    class Meta:
        model = Pemda
        fields = ["name", "kd_klpd", "has_tim_p3dn", "tim_p3dn_decree"]

    def __init__(self, *args: Any, can_edit_klpd: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_edit_klpd:
            self.fields["kd_klpd"].disabled = True


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kd_satker", "kd_satker_str", "parent", "is_active"]

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(pemda=pemda)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """Validation belongs to the service; the form only parses."""


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    pemda = PemdaChoiceField(label=_("Pemda"), queryset=Pemda.objects.none(), required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit (operators only)"), queryset=Unit.objects.none(), required=False
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, required=False, strip=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, pemda_choices: Any, unit_choices: Any, creating: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pemda"].queryset = pemda_choices  # type: ignore[attr-defined]
        self.fields["unit"].queryset = unit_choices  # type: ignore[attr-defined]
        if creating:
            self.fields["password"].required = True
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            del self.fields["password"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
