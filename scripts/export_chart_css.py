"""Write the charts' stylesheet for web pages (p3dn/static/p3dn/charts.css) from
p3dn/monitoring/charts.py; tests/test_csp.py checks that the committed file matches."""

import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
django.setup()

from p3dn.monitoring.charts import stylesheet  # noqa: E402

target = Path(__file__).resolve().parents[1] / "p3dn" / "static" / "p3dn" / "charts.css"
target.write_text(stylesheet(), encoding="utf-8")
print(f"wrote {target}")
