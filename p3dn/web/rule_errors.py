"""Showing a bilingual input error (the rules library's FieldError: ``message`` in Indonesian,
``message_en`` in English) in the active language."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation


def message_for(error: Mapping[str, object]) -> str:
    """The Indonesian message, or the English one when the interface is in English."""
    language = translation.get_language() or "id"
    return str(error["message_en"] if language.startswith("en") else error["message"])
