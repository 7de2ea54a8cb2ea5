"""Compile every locale's django.po into django.mo with polib (no gettext needed at run time)."""

from pathlib import Path

import polib

for po_path in (
    Path(__file__).resolve().parent.parent.joinpath("p3dn", "locale").glob("*/LC_MESSAGES/*.po")
):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print("compiled", po_path.with_suffix(".mo"))
