"""gunicorn's configuration under `p3dn serve` (loaded as ``-c python:p3dn.core.gunicorn_conf``,
so that a stray ``gunicorn.conf.py`` in the working directory is never read). The command line
adds the address, the number of worker processes and threads and the timeout.
"""

from __future__ import annotations

import logging
from pathlib import Path

wsgi_app = "p3dn.wsgi:application"
proc_name = "p3dn"
# Django is loaded once in gunicorn's master and the workers are forked from it: they start at
# once and share the loaded code. Django opens no database connection while it loads.
preload_app = True
# A stopping worker finishes the requests it has (a PDF report can take seconds).
graceful_timeout = 30
# gunicorn's error log on standard error; the access log is the reverse proxy's.
errorlog = "-"
loglevel = "info"
# The workers' heartbeat files in memory rather than on a disk that may stall (gunicorn's advice).
if Path("/dev/shm").is_dir():  # noqa: S108 - a tmpfs, not a predictable temporary file
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# No control socket (gunicornc): its default path in the home directory would be shared by every
# p3dn served by the same user; `p3dn serve` is stopped and started as a whole.
control_socket_disable = True

# A HEAD request gets Django's body, which gunicorn drops as it must, logging a warning each
# time: that is not a fault worth a line in the log.
logging.getLogger("gunicorn.http.wsgi").setLevel(logging.ERROR)


def when_ready(server: object) -> None:
    """In the master, before the workers are forked: import every view (through the URLconf)
    once, so that each worker starts with them loaded instead of importing them on its first
    request. Nothing here touches the database."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loading them is the point
