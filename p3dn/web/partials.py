"""One view serves a whole page or, for an htmx request, just the partial it swaps in."""

from __future__ import annotations

from django.http import HttpRequest


def template_for(request: HttpRequest, template: str, partial: str) -> str:
    """'accounts/pemda_list.html' or, under htmx, 'accounts/pemda_list.html#rows'."""
    return f"{template}#{partial}" if getattr(request, "htmx", False) else template
