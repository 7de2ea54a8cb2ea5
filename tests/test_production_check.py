"""`p3dn check` passes on the production configuration that the README gives, word for word."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _documented_production() -> tuple[str, dict[str, str]]:
    """The README's "Production in short": the command that makes the secret key and the
    variables it exports."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Production in short\n\n```\n(.*?)\n```", readme, re.S)
    assert block, "README.md has no 'Production in short' block"
    lines = block.group(1).splitlines()
    make_key = next(line for line in lines if "secrets" in line)
    variables: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            for word in shlex.split(line, comments=True)[1:]:
                name, value = word.split("=", 1)
                variables[name] = value
    return make_key, variables


def test_p3dn_check_passes_on_the_documented_production_settings(migrated_db, tmp_path):
    make_key, documented = _documented_production()
    key_file = documented["P3DN_SECRET_KEY_FILE"]
    mine = tmp_path / "secret-key"
    subprocess.run(make_key.replace(key_file, str(mine)), shell=True, check=True, timeout=60)
    assert len(mine.read_text().strip()) >= 50

    # Nothing of the test run's own configuration, only what the README sets; the database is
    # this test's migrated one instead of the README's example server.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P3DN_", "DJANGO_"))}
    env.update(documented)
    env["P3DN_SECRET_KEY_FILE"] = str(mine)
    env["DATABASE_URL"] = migrated_db["DATABASE_URL"]
    env["P3DN_DATA_DIR"] = migrated_db["P3DN_DATA_DIR"]  # not the home directory of the test run
    assert env.get("P3DN_BEHIND_PROXY") == "True" and "P3DN_DEBUG" not in env

    result = subprocess.run(
        [sys.executable, "-m", "p3dn", "check"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deployment checks: passed" in result.stdout


def test_the_production_settings_redirect_to_https_and_ask_for_hsts_preload(migrated_db, tmp_path):
    _make_key, documented = _documented_production()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P3DN_", "DJANGO_"))}
    env.update(documented)
    key = tmp_path / "key"
    key.write_text("k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz")
    env.update(P3DN_SECRET_KEY_FILE=str(key), DATABASE_URL=migrated_db["DATABASE_URL"],
               P3DN_DATA_DIR=migrated_db["P3DN_DATA_DIR"])
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings as s\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "plain = c.get('/akun/masuk/', HTTP_HOST='p3dn.example.go.id')\n"
        "tls = c.get('/api/v1/openapi.json', HTTP_HOST='p3dn.example.go.id',"
        " HTTP_X_FORWARDED_PROTO='https')\n"
        "health = c.get('/healthz', HTTP_HOST='p3dn.example.go.id')\n"
        "print(json.dumps([plain.status_code, plain.get('Location'), tls.status_code,"
        " tls.get('Strict-Transport-Security'), health.status_code]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, timeout=120, check=False,
        env={**env, "DJANGO_SETTINGS_MODULE": "p3dn.settings"},
    )
    assert result.returncode == 0, result.stderr
    plain, location, tls, hsts, health = json.loads(result.stdout)
    assert (plain, location) == (301, "https://p3dn.example.go.id/akun/masuk/")
    assert tls == 200 and hsts == "max-age=31536000; includeSubDomains; preload"
    assert health == 200  # the local health check is not redirected
