"""Indonesian first, English selectable; the catalogue is complete and matches the source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[1] / "p3dn" / "locale"
PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"


def test_the_indonesian_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = polib.pofile(str(PO))

    def pairs(entries):
        return {
            (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
            for e in entries
            if e.msgid and not e.obsolete
        }

    assert pairs(compiled) == pairs(source), "run scripts/compile_messages.py"


def test_makemessages_finds_no_new_strings(tmp_path):
    """Every translatable string in the code is in the committed catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: run scripts/install-system-deps.sh")
    work = tmp_path / "p3dn"
    shutil.copytree(LOCALE.parent, work, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "id",
            "--no-obsolete",
            "--no-location",
            "--settings=p3dn.settings",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "P3DN_DEBUG": "True"},
    )
    fresh = {
        e.msgid for e in polib.pofile(str(work / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    }
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert fresh - committed == set(), "run `make messages` and translate the new strings"


def test_pages_speak_indonesian_by_default_and_english_on_request(client_for, tim_bandung):
    client = client_for(tim_bandung)
    html = client.get(reverse("core:home")).content.decode()
    assert "Produk dalam negeri" in html and 'lang="id"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("core:home")).content.decode()
    assert "Domestic products" in html and 'lang="en"' in html


def test_an_english_browser_still_gets_indonesian_until_the_user_chooses(client_for, tim_bandung):
    client = client_for(tim_bandung)
    html = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in html and "Beranda" in html


def test_a_link_that_opens_something_says_buka():
    """"Open" as a status is "Terbuka"; on a link or button that opens a page it is "Buka"."""
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("id"):
        assert pgettext("link that opens a page", "Open") == "Buka"
        assert gettext("Open") == "Terbuka"
    templates = Path(__file__).resolve().parent.parent / "p3dn" / "templates"
    bare = [p for p in templates.rglob("*.html") if '{% translate "Open" %}' in p.read_text()]
    assert not bare
