from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from p3dn.accounts.access import user_of
from p3dn.core import queries


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = queries.summarise_home(user=user_of(request))
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page: what is wrong with the request, in the user's language (a ``BadRequest``
    raised by a view, e.g. through web/params.py); JSON under the API."""
    message = str(exception) if exception.args else ""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": message or "bad request"}, status=400)
    html = render(request, "400.html", {"message": message}).content
    return HttpResponseBadRequest(html)
