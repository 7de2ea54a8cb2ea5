"""Print the API's OpenAPI schema as stable, indented JSON (committed as docs/api/openapi.json)."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
django.setup()

from p3dn.api import api  # noqa: E402

print(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True))
