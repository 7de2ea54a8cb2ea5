"""Who may use the search and edit its synonyms.

- Everyone, signed in or not, searches the public registry (the page, the API, the export).
- Only the national admin adds, edits and disables synonym groups.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from p3dn.accounts.models import User

from .models import SynonymGroup


def can_edit_synonyms(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.ADMIN)


def require_synonym_editor(user: User) -> None:
    if not can_edit_synonyms(user):
        raise PermissionDenied


def get_synonym_group_for(user: User, pk: int) -> SynonymGroup:
    """A synonym group the user may edit: 403 for anyone but the admin, 404 when unknown."""
    require_synonym_editor(user)
    group = SynonymGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404
    return group
