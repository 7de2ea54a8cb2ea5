"""The real public data is named once: its folder in conftest.py (a missing folder stops the run
instead of skipping tests), and each Kalbar 2023 / Bandung 2025 import fixture there, named by
the files it holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import KALBAR_2023_DIR, SHARED_DATA, require_shared_data

TESTS = Path(__file__).resolve().parent


def test_a_missing_data_folder_stops_the_run(tmp_path):
    with pytest.raises(pytest.UsageError, match="real public data is missing"):
        require_shared_data(tmp_path / "nowhere")
    with pytest.raises(pytest.UsageError, match="prov-kalbar-2023"):
        require_shared_data(tmp_path)
    (tmp_path / "isb" / "prov-kalbar-2023").mkdir(parents=True)
    require_shared_data(tmp_path)


def test_the_data_folder_is_there_for_this_run():
    require_shared_data()
    assert (SHARED_DATA / "README.md").is_file()
    assert (KALBAR_2023_DIR / "SPSE-TenderEkontrak-Kontrak.json").is_file()


def test_no_test_module_builds_its_own_path_to_the_data_or_its_own_real_data_fixture():
    built = re.compile(r'/ "shared"|"shared/data|parents\[\d\].*"shared"')
    fixture = re.compile(r"@pytest\.fixture[^\n]*\ndef ((?:kalbar|bandung)_20\d\d\w*)\(")
    wrong = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == Path(__file__).name:
            continue  # the patterns above
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if built.search(line):
                wrong.append(f"{path.name}:{number}: {line.strip()}")
        wrong += [f"{path.name}: fixture {name}" for name in fixture.findall(text)]
    assert wrong == []
