"""The JSON API under /api/v1/: one NinjaAPI, each app mounts its router.

Authentication: a personal token sent as ``Authorization: Bearer p3dn_…`` (created on the
profile page), or the browser session. A bearer request needs no CSRF token (a browser never
adds that header by itself); a session request that writes does. Every error answer has one
shape, ``ErrorOut`` (p3dn/web/apikit.py): ``{"error": "...", "fields": {...}}``.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from p3dn import __version__
from p3dn.accounts.services import user_for_api_key
from p3dn.web.apikit import ERROR_CODES, ApiError, ErrorOut

__all__ = ["ErrorOut", "api"]


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser session, CSRF-checked on writes; a request without a signed-in session is
    not this method's business (so a bad token answers 401, not a CSRF 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="p3dn API",
    version=__version__,
    description="\n".join(
        [
            "P3DN monitoring: regions, government units, imports, indicators, Monev and the"
            " registry of domestic producers, products and TKDN certificates (public reads) and"
            " each Pemda's katalog lokal (approved entries public).",
            "",
            "Authenticate with `Authorization: Bearer p3dn_…` (a token from the profile page) or"
            " the browser session (whose writes need the CSRF token).",
            "",
            'Every error answer is `{"error": "…"}` (schema `ErrorOut`); each endpoint lists the'
            " statuses it can answer:",
            "",
            *(f"- {code}: {text}" for code, text in ERROR_CODES.items()),
        ]
    ),
    # The token first: a request that carries one never depends on a session's CSRF check.
    auth=[TokenAuth(), SessionAuth()],
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


@api.exception_handler(NinjaValidationError)
def invalid_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Ninja's own validation (types, bounds, missing parameters) in the same shape."""
    fields: dict[str, list[str]] = {}
    for problem in exc.errors:
        loc = [str(part) for part in problem.get("loc", ())]
        # ("query", "limit") → "limit"; ("body", "payload", "name") → "name"
        name = ".".join(loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]) or "__all__"
        fields.setdefault(name, []).append(str(problem.get("msg", "invalid")))
    return _error(request, "invalid input", 422, fields=fields)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, "not authenticated: send Authorization: Bearer <token>", 401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    extra = exc.extra if isinstance(exc, ApiError) else {}
    return _error(request, exc.message, exc.status_code, **extra)


from p3dn.accounts.api import router as accounts_router  # noqa: E402
from p3dn.calculators.api import router as calculators_router  # noqa: E402
from p3dn.catalog.api import router as catalog_router  # noqa: E402
from p3dn.catalog.claims.api import router as claims_router  # noqa: E402
from p3dn.catalog.listings.api import router as listings_router  # noqa: E402
from p3dn.catalog.search.api import router as search_router  # noqa: E402
from p3dn.catalog.substitutes.api import router as substitutes_router  # noqa: E402
from p3dn.imports.api import router as imports_router  # noqa: E402
from p3dn.matching.api import router as matching_router  # noqa: E402
from p3dn.monitoring.api import router as monitoring_router  # noqa: E402
from p3dn.monitoring.monev.api import router as monev_router  # noqa: E402
from p3dn.quality.api import router as quality_router  # noqa: E402
from p3dn.regions.api import router as regions_router  # noqa: E402
from p3dn.tkdnik.api import router as tkdnik_router  # noqa: E402

api.add_router("/regions", regions_router)
api.add_router("/", accounts_router)
api.add_router("/calc", calculators_router)
api.add_router("/imports", imports_router)
api.add_router("/indicators", monitoring_router)
api.add_router("/monev", monev_router)
api.add_router("/catalog", catalog_router)
api.add_router("/listings", listings_router)
api.add_router("/claims", claims_router)
api.add_router("/search", search_router)
api.add_router("/substitutes", substitutes_router)
api.add_router("/quality", quality_router)
api.add_router("/tkdnik", tkdnik_router)
api.add_router("/matching", matching_router)
