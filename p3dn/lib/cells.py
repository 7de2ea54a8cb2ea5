"""Cell values a spreadsheet will not run: the one rule for every CSV and XLSX file p3dn writes.

A spreadsheet (Excel, LibreOffice, Google Sheets) runs text that starts with ``=``, ``+``, ``-``
or ``@`` as a formula, also after a leading tab or carriage return, so a submitted value such as
``=HYPERLINK("http://x","y")`` would become a live link or worse in the file a colleague opens
(OWASP "CSV Injection"; ASVS 1.2.10). Such text is written with a leading single quote, which
every spreadsheet shows as text. Numbers (int, Decimal) are left as they are, negative ones
included, and so is text that is only a negative number (``-1234.50``, ``-1.234,56``): a
spreadsheet reads it as a number, never as a formula.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)*")


def neutralise(value: object) -> object:
    """``value`` as a cell may hold it: formula-like text gets a leading quote, anything else
    is returned unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NEGATIVE_NUMBER.fullmatch(value)
    ):
        return QUOTE + value
    return value
