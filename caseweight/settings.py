"""Django settings, all configurable from environment variables.

DATABASE_URL       default: sqlite:///<CASEWEIGHT_DATA_DIR>/caseweight.sqlite3
CASEWEIGHT_DATA_DIR default: ./data (the project's data folder)
SECRET_KEY         default: the contents of <CASEWEIGHT_DATA_DIR>/secret-key (`make demo` creates it); required
DEBUG              default: off
ALLOWED_HOSTS      default: 127.0.0.1,localhost
CASEWEIGHT_HTTPS   default: off; on: HTTPS only (redirect, secure cookies, HSTS)
CASEWEIGHT_BEHIND_PROXY             default: off; on: believe the TLS proxy's X-Forwarded-Proto and X-Forwarded-For
CASEWEIGHT_LOCKOUT_FAILURES         default: 5 failed sign-ins (one username from one address) lock it out
CASEWEIGHT_LOCKOUT_MINUTES          default: 15 minutes of lockout
CASEWEIGHT_SESSION_IDLE_MINUTES     default: 30 minutes without a request sign a user out
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# From a source checkout the data folder sits beside pyproject.toml; an installed copy uses ./data.
_CHECKOUT_DIR = PACKAGE_DIR.parent
_DEFAULT_DATA_DIR = _CHECKOUT_DIR / "data" if (_CHECKOUT_DIR / "pyproject.toml").exists() else Path.cwd() / "data"
DATA_DIR = Path(os.environ.get("CASEWEIGHT_DATA_DIR", _DEFAULT_DATA_DIR)).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number, at least 1 (it is {value!r})")
    return int(value)


# No default key: a key everyone can read in the source would let anyone forge sessions.
SECRET_KEY_FILE = DATA_DIR / "secret-key"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "No SECRET_KEY: Caseweight will not start without one. Set the SECRET_KEY environment variable "
        "to a long random string, e.g. the output of "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))', "
        f"or write one into {SECRET_KEY_FILE} (`make demo` and `make serve` create that file)."
    )
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "caseweight",
    "caseweight.accounts",
    "caseweight.organisation",
    "caseweight.cases",
    "caseweight.audit",
    "caseweight.imports",
    "caseweight.demo",
    "caseweight.staffing",
    "caseweight.distribution",
    "caseweight.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files itself: these headers are for pages and downloads.
    "csp.middleware.CSPMiddleware",
    "caseweight.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "caseweight.audit.middleware.AuditActorMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseweight.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseweight.accounts.context.permissions",
            ],
        },
    },
]

WSGI_APPLICATION = "caseweight.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'caseweight.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Imports are one transaction; a busy timeout keeps a concurrent reader from failing them.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

AUTH_USER_MODEL = "accounts.User"
# django-axes' backend first: it refuses a locked-out username from that address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 12 characters: the Canadian Centre for Cyber Security's minimum for a password (ITSAP.30.032).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Toronto")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the package folders: no collectstatic step needed for `make demo`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Users' own staffing policies (TOML), searched after the shipped ones in caseweight/policies/.
POLICIES_DIR = Path(os.environ.get("CASEWEIGHT_POLICIES_DIR", DATA_DIR / "policies")).resolve()
DEFAULT_POLICY = os.environ.get("CASEWEIGHT_DEFAULT_POLICY", "csc-current")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: a national workbook is a few MB; keep large uploads on disk, not in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Idle sessions end: every request pushes the expiry back, so only inactivity signs a user out.
# Closing the browser ends the session too (a shared office computer).
SESSION_COOKIE_AGE = 60 * _env_count("CASEWEIGHT_SESSION_IDLE_MINUTES", 30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS, all or nothing, behind one setting.
HTTPS = _env_bool("CASEWEIGHT_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Only behind a proxy that sets X-Forwarded-Proto (replacing the client's) and appends the client's
# address to X-Forwarded-For on every request: else a client could claim HTTPS, or any address.
if _env_bool("CASEWEIGHT_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "caseweight.security.forwarded_client_address"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload (W021) binds the whole domain and every subdomain to HTTPS in browsers for months:
    # the domain owner's decision, not an application's.
    "security.W021",
]

# Content Security Policy: only this server's own scripts, styles, images and fonts; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sign-in lockout (django-axes): by username and address together, so one person's mistakes do not
# lock out a shared office's address, nor someone else's attempts their username.
AXES_FAILURE_LIMIT = _env_count("CASEWEIGHT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_env_count("CASEWEIGHT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt while locked out starts the wait again (the lockout page says so).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "caseweight.security.lockout_response"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A refused page (403) is expected behaviour, not a warning with a traceback.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Policy uploads ---------------------------------------------------------------------------------
# The largest policy file the upload page accepts, in KB. A bigger one is placed in POLICIES_DIR on
# the server, or given to the command line (`caseweight staffing --policy FILE`).
MAX_POLICY_KB = _env_count("CASEWEIGHT_MAX_POLICY_KB", 256)

# Imports: what one import may read (caseweight/imports/limits.py; README, "Data files"). None: no
# limit. The import page's limits are tighter; `caseweight import PATH` is how to import a bigger file.
IMPORT_LIMITS = {
    "page": {
        "upload_megabytes": _env_count("CASEWEIGHT_MAX_IMPORT_MB", 20),
        "rows": _env_count("CASEWEIGHT_MAX_IMPORT_ROWS", 100000),
        "columns": 50,
        "sheets": 20,
        "sheet_xml_megabytes": 100,
        "xml_megabytes": 200,
    },
    "command": {
        "upload_megabytes": None,
        "rows": None,
        "columns": None,
        "sheets": 100,
        "sheet_xml_megabytes": 1024,
        "xml_megabytes": 2048,
    },
}

# --- Concurrent writes and a read-only database (issue 9) ------------------------------------------
# SQLite: every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so a second
# writer waits for the first (the busy timeout above) instead of failing with "database is
# locked" halfway through; a database that refuses writes answers with a page that says so (the
# middleware goes just before django-axes, which must stay last).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "caseweight.database.DatabaseErrorMiddleware")
