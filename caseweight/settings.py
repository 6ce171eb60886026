"""Django settings, all configurable from environment variables.

DATABASE_URL       default: sqlite:///<CASEWEIGHT_DATA_DIR>/caseweight.sqlite3
CASEWEIGHT_DATA_DIR default: ./data (the project's data folder)
SECRET_KEY         default: a development key (set it in production)
DEBUG              default: off
ALLOWED_HOSTS      default: 127.0.0.1,localhost
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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


SECRET_KEY = os.environ.get("SECRET_KEY", "caseweight-development-key-change-me-in-production")
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "caseweight.audit.middleware.AuditActorMiddleware",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
MAX_POLICY_KB = int(os.environ.get("CASEWEIGHT_MAX_POLICY_KB", "256"))

# Imports: what one import may read (caseweight/imports/limits.py; README, "Data files"). None: no
# limit. The import page's limits are tighter; `caseweight import PATH` is how to import a bigger file.
IMPORT_LIMITS = {
    "page": {
        "upload_megabytes": int(os.environ.get("CASEWEIGHT_MAX_IMPORT_MB", "20")),
        "rows": int(os.environ.get("CASEWEIGHT_MAX_IMPORT_ROWS", "100000")),
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
