"""Documentation that cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from p3dn.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_read_from_the_environment_is_documented():
    settings_src = (ROOT / "p3dn" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_(?:str|bool|int|secret)\(\s*"([A-Z_0-9]+)"', settings_src))
    assert "P3DN_DEBUG" in names and "DATABASE_URL" in names
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert {n for n in names if f"`{n}`" not in doc} == set()


def test_every_cli_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert {n for n in COMMANDS if f"`p3dn {n}" not in doc} == set()


def test_readme_gives_exactly_two_setup_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
