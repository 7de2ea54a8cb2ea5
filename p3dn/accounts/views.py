from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p3dn.accounts import access, queries, services
from p3dn.accounts.access import user_of
from p3dn.accounts.backends import lock_of
from p3dn.accounts.forms import PemdaFilterForm, PemdaForm, TokenForm, UnitForm, UserForm
from p3dn.accounts.models import Pemda, User
from p3dn.web.forms import apply_errors
from p3dn.web.partials import template_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "failure_limit": settings.P3DN_LOGIN_FAILURE_LIMIT,
            "lock_minutes": settings.P3DN_LOGIN_LOCK_MINUTES,
        }

    def form_invalid(self, form: Any) -> HttpResponse:
        lock = lock_of(self.request)
        if lock is not None:
            return render(self.request, "accounts/locked.html", {"lock": lock}, status=429)
        return super().form_invalid(form)


@login_required
def pemda_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not user.is_national and user.pemda_id:
        return redirect("accounts:pemda-detail", pk=user.pemda_id)
    filters = PemdaFilterForm(request.GET)
    page = Paginator(queries.list_pemda(user=user, filters=filters.cleaned_or_empty()), 50)
    context = {"filters": filters, "page": page.get_page(request.GET.get("page"))}
    template = template_for(request, "accounts/pemda_list.html", "rows")
    return render(request, template, context)


@login_required
def pemda_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_for(user, pk)
    q = request.GET.get("q", "")
    units = queries.list_units(user=user, pemda=pemda, q=q)
    context = {
        "pemda": pemda,
        "units": units,
        "q": q,
        "can_edit": access.can_edit_pemda(user, pemda),
    }
    template = template_for(request, "accounts/pemda_detail.html", "units")
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def update_pemda(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_for(user, pk, write=True)
    form = PemdaForm(
        request.POST or None,
        instance=Pemda.objects.get(pk=pemda.pk),
        can_edit_klpd=user.role == User.Role.ADMIN,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pemda(actor=user, pemda=pemda, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:pemda-detail", pk=pemda.pk)
    return render(request, "accounts/pemda_form.html", {"pemda": pemda, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def create_unit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_for(user, pk, write=True)
    form = UnitForm(request.POST or None, pemda=pemda)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.create_unit(
                actor=user,
                pemda=pemda,
                name=data["name"],
                kd_satker=data["kd_satker"] or None,
                kd_satker_str=data["kd_satker_str"],
                parent=data["parent"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” added.") % {"name": unit.name})
            return redirect("accounts:unit-detail", pk=unit.pk)
    return render(request, "accounts/unit_form.html", {"pemda": pemda, "form": form, "unit": None})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    unit = access.get_unit_for(user, pk)
    context = {
        "unit": unit,
        "can_edit": access.can_edit_unit(user, unit),
        "can_delete": access.can_edit_pemda(user, unit.pemda),
        "children": unit.children.all(),
        "users": unit.users.all() if access.can_manage_users(user) else [],
    }
    return render(request, "accounts/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_unit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    unit = access.get_unit_for(user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit, pemda=unit.pemda)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_unit(
                actor=user,
                unit=access.get_unit_for(user, pk, write=True),
                **{**data, "kd_satker": data["kd_satker"] or None},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:unit-detail", pk=unit.pk)
    return render(
        request, "accounts/unit_form.html", {"pemda": unit.pemda, "form": form, "unit": unit}
    )


@login_required
@require_POST
def delete_unit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    unit = access.get_unit_for(user, pk, write=True)
    try:
        services.delete_unit(actor=user, unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:unit-detail", pk=unit.pk)
    messages.success(request, _("Unit “%(name)s” deleted.") % {"name": unit.name})
    return redirect("accounts:pemda-detail", pk=unit.pemda_id)


def _user_form(
    request: HttpRequest, user: User, *, creating: bool, initial: dict | None = None
) -> UserForm:
    return UserForm(
        request.POST or None,
        initial=initial,
        creating=creating,
        pemda_choices=access.visible_pemda(user),
        unit_choices=access.visible_units(user).filter(is_active=True),
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.can_manage_users(user):
        raise PermissionDenied
    page = Paginator(queries.list_users(user=user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def create_user(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.can_manage_users(user):
        raise PermissionDenied
    form = _user_form(
        request, user, creating=True, initial={"pemda": user.pemda_id, "role": User.Role.OPERATOR}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_user(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Account “%(name)s” created.") % {"name": created.username})
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "other": None})


@login_required
@require_http_methods(["GET", "POST"])
def update_user(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    if not access.can_manage_users(user):
        raise PermissionDenied
    other = access.get_user_for(user, pk, write=True)
    initial = {
        f: getattr(other, f)
        for f in [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "pemda",
            "unit",
            "is_active",
        ]
    }
    form = _user_form(request, user, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        try:
            services.update_user(actor=user, user=other, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "other": other})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: password and API tokens."""
    user = user_of(request)
    password_form = PasswordChangeForm(
        user, request.POST if "change_password" in request.POST else None
    )
    token_form = TokenForm(request.POST if "create_token" in request.POST else None)
    new_key = None
    if request.method == "POST" and "change_password" in request.POST and password_form.is_valid():
        services.set_password(
            actor=user, user=user, password=password_form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    if request.method == "POST" and "create_token" in request.POST and token_form.is_valid():
        _token, new_key = services.create_api_token(
            actor=user, name=token_form.cleaned_data["name"]
        )
        token_form = TokenForm()
    context = {
        "password_form": password_form,
        "token_form": token_form,
        "new_key": new_key,
        "tokens": user.api_tokens.all(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    token = get_object_or_404(user.api_tokens, pk=pk, revoked_at__isnull=True)
    services.revoke_api_token(actor=user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@login_required
def sign_in_locks(request: HttpRequest) -> HttpResponse:
    """Current sign-in locks: all for the admin, its Pemda's accounts for a Tim P3DN."""
    user = user_of(request)
    if not access.can_manage_users(user):
        raise PermissionDenied
    context = {
        "locks": queries.list_sign_in_locks(user=user),
        "failure_limit": settings.P3DN_LOGIN_FAILURE_LIMIT,
        "address_failure_limit": settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT,
        "lock_minutes": settings.P3DN_LOGIN_LOCK_MINUTES,
    }
    return render(request, "accounts/sign_in_locks.html", context)


@login_required
@require_POST
def lift_sign_in_lock(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    if not access.can_manage_users(user):
        raise PermissionDenied
    lock = services.lift_sign_in_lock(actor=user, lock=access.get_sign_in_lock_for(user, pk))
    if lock.username:
        text = _("Sign-in as %(username)s from %(address)s is unlocked.")
    else:
        text = _("Sign-in from %(address)s is unlocked.")
    messages.success(request, text % {"username": lock.username, "address": lock.address})
    return redirect("accounts:sign-in-locks")
