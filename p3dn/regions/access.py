"""Who may change the code mappings: the national administrator, and nobody else.

Regions are reference data below accounts (every Pemda points at its region), so this app never
imports accounts: it reads the role accounts gives each user by its value.
tests/test_architecture.py checks that the value is still accounts' ``User.Role.ADMIN``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

ADMIN_ROLE = "admin"


def can_edit_codes(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "role", None) == ADMIN_ROLE
    )


def require_code_editor(user: Any) -> None:
    if not can_edit_codes(user):
        raise PermissionDenied
