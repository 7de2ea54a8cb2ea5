"""The JSON API under /api/v1/: one NinjaAPI, each app mounts its router.

Authentication: the browser session (with CSRF on writes) or a personal token sent as
``Authorization: Bearer p3dn_…`` (created on the profile page).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from p3dn import __version__
from p3dn.accounts.services import user_for_api_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="p3dn API",
    version=__version__,
    description="P3DN monitoring: regions, government units and (later) indicators.",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
    # Swagger UI draws its small icons from data: URLs, its only need beyond the site's
    # Content-Security-Policy (the inner lambda keeps the docs views plain functions).
    docs_decorator=lambda view: csp_update({"img-src": ["data:"]})(
        lambda request, *args, **kwargs: view(request, *args, **kwargs)
    ),
)


def _error(request: HttpRequest, message: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, "not found", 404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, "forbidden", 403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, "invalid input", 422, fields=fields)


from p3dn.accounts.api import router as accounts_router  # noqa: E402
from p3dn.calculators.api import router as calculators_router  # noqa: E402
from p3dn.imports.api import router as imports_router  # noqa: E402
from p3dn.monitoring.api import router as monitoring_router  # noqa: E402
from p3dn.monitoring.api_monev import router as monev_router  # noqa: E402
from p3dn.regions.api import router as regions_router  # noqa: E402

api.add_router("/regions", regions_router)
api.add_router("/", accounts_router)
api.add_router("/calc", calculators_router)
api.add_router("/imports", imports_router)
api.add_router("/indicators", monitoring_router)
api.add_router("/monev", monev_router)
