"""``{% sample_rup_notice pemda tahun %}``: the banner of a Pemda-year whose RUP is only a sample,
on every page that shows its numbers (``quality.cached.sample_rup_notice`` decides and words it;
``quality/_sample_notice.html`` draws it). ``print=True`` in the PDF, where links do not work."""

from __future__ import annotations

from typing import Any

from django import template

from p3dn.accounts.models import Pemda
from p3dn.quality.cached import sample_rup_notice as notice_for

register = template.Library()


@register.inclusion_tag("quality/_sample_notice.html")
def sample_rup_notice(pemda: Pemda | None, tahun: Any, print: bool = False) -> dict[str, Any]:
    try:
        year = int(tahun)
    except (TypeError, ValueError):
        year = 0
    notice = notice_for(pemda=pemda, tahun=year) if pemda is not None and year else None
    return {"sample_notice": notice, "print": print}
