"""Indonesian first: the language is the one the user picked (cookie), else Indonesian.

Django's LocaleMiddleware would follow the browser's Accept-Language, which on many government
laptops says English; p3dn speaks Indonesian until someone chooses otherwise.

And no NUL characters in a query string: no parameter has a use for one, and PostgreSQL
refuses any text that holds one (a server error wherever a page filters on the text).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class NulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"error": "the URL contains a NUL character"}, status=400)
            raise BadRequest(_("The address contains a character that is not allowed."))
        return self.get_response(request)
