"""Log filters: a request refused with a 4xx answer is the client's mistake or a guarded page,
not a failure of the server, and is logged as one line without a traceback."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback of a request that ended in a 4xx answer (Django's ``django.request``
    logs a PermissionDenied with it); 5xx answers keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
