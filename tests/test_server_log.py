"""The server log: one stamped line per event; a 403 without a traceback, a 500 with one."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import path

from p3dn.urls import urlpatterns as site_patterns


def _forbidden(request):
    raise PermissionDenied("not yours")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("x-forbidden/", _forbidden), path("x-broken/", _broken), *site_patterns]


@pytest.fixture
def server_log():
    """The product's LOGGING, its console handler writing into a buffer."""
    stream = io.StringIO()
    config = {**settings.LOGGING}
    config["handlers"] = {
        "console": {**settings.LOGGING["handlers"]["console"], "stream": stream}
    }
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_refused_request_is_one_line_and_a_failure_keeps_its_traceback(client, server_log):
    client.raise_request_exception = False
    assert client.get("/x-forbidden/").status_code == 403
    lines = server_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "[WARNING] Forbidden (Permission denied): /x-forbidden/" in lines[0]
    assert lines[0].startswith("[20")

    assert client.get("/x-broken/").status_code == 500
    text = server_log.getvalue()
    assert "[ERROR] Internal Server Error: /x-broken/" in text
    assert "Traceback" in text and "RuntimeError: boom" in text
