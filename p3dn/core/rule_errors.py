"""Showing the rules library's bilingual input errors in the active language."""

from __future__ import annotations

from django.utils import translation

from p3dn.rules.errors import FieldError


def message_for(error: FieldError) -> str:
    """The Indonesian message, or the English one when the interface is in English."""
    language = translation.get_language() or "id"
    return error["message_en"] if language.startswith("en") else error["message"]
