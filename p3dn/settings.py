"""The only settings file. Everything that differs between installs comes from the environment.

Each variable is documented in docs/configuration.md (a test checks that every env_* name is).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("True", "true", "1"):
        return True
    if value in ("False", "false", "0"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_secret(name: str) -> str:
    """Read a secret from NAME or from the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


# Turns on Django's debug pages (for developers) and everything P3DN_LOCAL does. Never in
# production.
DEBUG = env_bool("P3DN_DEBUG", False)
# A local installation on plain HTTP (`make demo`): a secret key generated into the data
# directory and cookies over plain HTTP, but the product's own error pages, never a debug page.
LOCAL = DEBUG or env_bool("P3DN_LOCAL", False)

# Where the SQLite database, the generated development secret key and uploads live.
DATA_DIR = Path(env_str("P3DN_DATA_DIR") or platformdirs.user_data_dir("p3dn", appauthor=False))

SECRET_KEY = env_secret("P3DN_SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured(
            "P3DN_SECRET_KEY (or P3DN_SECRET_KEY_FILE) must be set unless P3DN_LOCAL is True"
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "dev-secret-key.txt"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text(encoding="utf-8").strip()

# Host names this server answers to, comma separated.
ALLOWED_HOSTS = [
    h.strip() for h in env_str("P3DN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
# Origins trusted for CSRF behind a proxy, comma separated (https://p3dn.example.go.id).
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("P3DN_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "template_partials",
    "django_htmx",
    "p3dn.web",
    "p3dn.core",
    "p3dn.regions",
    "p3dn.accounts",
    "p3dn.audit",
    "p3dn.calculators",
    "p3dn.procurement",
    "p3dn.imports",
    "p3dn.monitoring",
    "p3dn.catalog",
    "p3dn.catalog.listings",
    "p3dn.catalog.claims",
    "p3dn.catalog.search",
    "p3dn.catalog.substitutes",
    "p3dn.quality",
    "p3dn.tkdnik",
    "p3dn.matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "p3dn.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "p3dn.web.middleware.NulMiddleware",
]

ROOT_URLCONF = "p3dn.urls"
WSGI_APPLICATION = "p3dn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "p3dn.core.context.navigation",
            ],
        },
    }
]

# The cache the processes share: the data-quality warnings of a Pemda-year, kept per import
# (p3dn/quality/cached.py). Files under DATA_DIR, so the server's workers and the import worker
# read what one of them computed; P3DN_CACHE=memory keeps it inside each process (the tests).
CACHES: dict[str, dict[str, object]]
if env_str("P3DN_CACHE", "file") not in ("file", "memory"):
    raise ImproperlyConfigured("P3DN_CACHE must be 'file' or 'memory'")
if env_str("P3DN_CACHE", "file") == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Database: SQLite in DATA_DIR unless DATABASE_URL names another (sqlite:////abs/path or
# postgresql://user@host:port/name).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "p3dn.sqlite3")}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["p3dn.accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in throttle (accounts/backends.py): wrong passwords for one username from one address
# before that username is locked at that address; wrong passwords from one address, whatever the
# usernames, before the whole address is locked (password spraying); how long a lock lasts.
P3DN_LOGIN_FAILURE_LIMIT = env_int("P3DN_LOGIN_FAILURE_LIMIT", 5)
P3DN_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("P3DN_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
P3DN_LOGIN_LOCK_MINUTES = env_int("P3DN_LOGIN_LOCK_MINUTES", 15)
if min(P3DN_LOGIN_FAILURE_LIMIT, P3DN_LOGIN_ADDRESS_FAILURE_LIMIT, P3DN_LOGIN_LOCK_MINUTES) < 1:
    raise ImproperlyConfigured("P3DN_LOGIN_* limits and minutes must be at least 1")

# Katalog lokal (catalog/listings): public proposals accepted from one address per hour, and
# public proposals awaiting review at one Pemda, before the form answers "try again later".
P3DN_LISTING_PROPOSALS_PER_HOUR = env_int("P3DN_LISTING_PROPOSALS_PER_HOUR", 5)
P3DN_LISTING_PENDING_PUBLIC = env_int("P3DN_LISTING_PENDING_PUBLIC", 500)
if min(P3DN_LISTING_PROPOSALS_PER_HOUR, P3DN_LISTING_PENDING_PUBLIC) < 1:
    raise ImproperlyConfigured("P3DN_LISTING_* limits must be at least 1")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "p3dn_language"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `p3dn serve` collects the static files here under hashed names (p3dn/web/staticfiles.py),
# which browsers keep for a year; the pages are not cached.
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "p3dn.web.staticfiles.HashedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security. Cookies are HTTPS-only and HSTS is sent unless the installation is LOCAL.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("P3DN_SESSION_HOURS", 10) * 3600
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SECURE_HSTS_SECONDS = 0 if LOCAL else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto (and, for the sign-in throttle, the last X-Forwarded-For address)
# from the reverse proxy that terminates TLS.
P3DN_BEHIND_PROXY = env_bool("P3DN_BEHIND_PROXY", False)
if P3DN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Redirect plain HTTP to HTTPS; on by default behind the TLS proxy, which tells what the browser
# used (a proxy that redirects itself never lets Django see plain HTTP: no harm done).
SECURE_SSL_REDIRECT = env_bool("P3DN_SSL_REDIRECT", P3DN_BEHIND_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local health check speaks plain HTTP
# Ask browsers to put the host on their built-in HTTPS-only list (see docs/deploy.md).
SECURE_HSTS_PRELOAD = env_bool("P3DN_HSTS_PRELOAD", not LOCAL)
if not SECURE_HSTS_PRELOAD:  # a choice made knowingly, not a forgotten setting
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Content-Security-Policy: everything from this server, no inline script or style, nothing
# embeds the pages; Swagger UI at /api/v1/docs adds data: images (p3dn/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# One line per event, stamped like the server's own lines; a refused request (4xx) is one line
# without the traceback of the PermissionDenied or Http404 behind it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "filters": {"client_errors": {"()": "p3dn.web.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("P3DN_LOG_LEVEL", "WARNING")},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The p3dn settings proper.
# Run uploaded imports inside the web request instead of leaving them to the worker.
P3DN_IMPORTS_INLINE = env_bool("P3DN_IMPORTS_INLINE", False)
# An import that would close more than this percentage of the current facts of a Pemda-year
# (facts its file no longer lists) stops and asks for confirmation (p3dn/imports/closing.py).
P3DN_IMPORT_CLOSE_PERCENT = env_int("P3DN_IMPORT_CLOSE_PERCENT", 10)
if not 0 <= P3DN_IMPORT_CLOSE_PERCENT <= 100:
    raise ImproperlyConfigured("P3DN_IMPORT_CLOSE_PERCENT must be between 0 and 100")

# What one import file may hold (docs/imports.md, "Limits"); a file over one is refused whole.
# Rows per file: the engine holds some 400 bytes per row, so 1.000.000 rows stay within 500 MB.
P3DN_IMPORT_MAX_ROWS = env_int("P3DN_IMPORT_MAX_ROWS", 1_000_000)
# Levels of nesting of JSON (and Parquet) values, counted from the file's outermost bracket.
P3DN_IMPORT_MAX_DEPTH = env_int("P3DN_IMPORT_MAX_DEPTH", 16)
# Characters of one value as read (the longest in the real files has 47.343).
P3DN_IMPORT_MAX_VALUE_LENGTH = env_int("P3DN_IMPORT_MAX_VALUE_LENGTH", 1_048_576)
# Bytes of one row as written in the file (JSON, JSON lines, CSV, HTML).
P3DN_IMPORT_MAX_ROW_BYTES = env_int("P3DN_IMPORT_MAX_ROW_BYTES", 4_194_304)
# MB an XLSX workbook may unpack to; its parts compressed at most this many to one.
P3DN_IMPORT_MAX_UNZIPPED_MB = env_int("P3DN_IMPORT_MAX_UNZIPPED_MB", 1024)
P3DN_IMPORT_MAX_ZIP_RATIO = env_int("P3DN_IMPORT_MAX_ZIP_RATIO", 200)
# MB a part decoded whole may take: a column of a Parquet row group, XLSX shared strings.
P3DN_IMPORT_MAX_PART_MB = env_int("P3DN_IMPORT_MAX_PART_MB", 64)
# Characters a stored text value (a text column or a value kept in `extra`) may have; a row
# with a longer one is rejected.
P3DN_IMPORT_MAX_TEXT_LENGTH = env_int("P3DN_IMPORT_MAX_TEXT_LENGTH", 100_000)
P3DN_DEMO_PASSWORD = "p3dn-demo-2025"
