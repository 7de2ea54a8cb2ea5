"""Numbers from a page's query string: a value that is not one, or lies outside its range, is a
400 page saying what is wrong (``BadRequest``, shown by ``core.views.bad_request``), never a
server error. Text needs no parser here: ``NulMiddleware`` refuses a NUL in any parameter, and
pagers take any ``page`` (Django's ``Paginator.get_page``).
"""

from __future__ import annotations

import re
from typing import overload

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils.translation import gettext as _

# The fiscal years p3dn knows (the imports accept the same range).
YEAR_MIN, YEAR_MAX = 2000, 2100
_INTEGER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only, and always inside 64 bits


def integer(query: QueryDict, name: str, *, minimum: int, maximum: int) -> int | None:
    """``?name=`` as an int in [minimum, maximum]; None when absent or empty."""
    raw = query.get(name, "").strip()
    if not raw:
        return None
    if not _INTEGER.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise BadRequest(
            _("“%(name)s” must be a whole number from %(min)s to %(max)s.")
            % {"name": name, "min": minimum, "max": maximum}
        )
    return int(raw)


@overload
def year(query: QueryDict, default: int, name: str = ...) -> int: ...
@overload
def year(query: QueryDict, default: None = None, name: str = ...) -> int | None: ...
def year(query: QueryDict, default: int | None = None, name: str = "tahun") -> int | None:
    """``?tahun=`` as a fiscal year (2000 to 2100), else ``default``."""
    try:
        value = integer(query, name, minimum=YEAR_MIN, maximum=YEAR_MAX)
    except BadRequest:
        raise BadRequest(
            _("The fiscal year must be a year from %(min)s to %(max)s.")
            % {"min": YEAR_MIN, "max": YEAR_MAX}
        ) from None
    return default if value is None else value
