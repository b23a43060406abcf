"""One validated settings module, read from environment variables with safe defaults.

Defaults give a working single-machine instance (SQLite in the data directory, in-process
task worker); production overrides come from the environment, never from files in the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


DATA_DIR = Path(os.environ.get("MICROCRED_DATA_DIR", "var")).resolve()
DEBUG = _env_bool("MICROCRED_DEBUG", False)
PUBLIC_BASE_URL = os.environ.get("MICROCRED_PUBLIC_BASE_URL", "").rstrip("/")


def _secret_key() -> str:
    """From the environment, else generated once per data directory (never in the repo)."""
    configured = os.environ.get("MICROCRED_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    import secrets

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("MICROCRED_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
        ","
    )
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL] if PUBLIC_BASE_URL else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "microcred.web",
    "microcred.accounts",
    "microcred.curriculum",
    "microcred.credentials",
    "microcred.learning",
    "microcred.assessment",
    "microcred.gradebook",
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
    "microcred.accounts.two_factor.TwoFactorRequiredMiddleware",
]

ROOT_URLCONF = "microcred.web.urls"
WSGI_APPLICATION = "microcred.web.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learning:dashboard"
LOGOUT_REDIRECT_URL = "curriculum:catalogue"

# Argon2id first (new and re-hashed passwords); the others only verify older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (docs/decisions/040): failures per account and per address in a window.
MICROCRED_LOGIN_ACCOUNT_LIMIT = int(os.environ.get("MICROCRED_LOGIN_ACCOUNT_LIMIT", "5"))
MICROCRED_LOGIN_IP_LIMIT = int(os.environ.get("MICROCRED_LOGIN_IP_LIMIT", "20"))
MICROCRED_LOGIN_WINDOW_SECONDS = int(os.environ.get("MICROCRED_LOGIN_WINDOW_SECONDS", "900"))
MICROCRED_SITE_NAME = os.environ.get("MICROCRED_SITE_NAME", "microcred")
# Password reset (docs/decisions/074): links die after this (capped by PASSWORD_RESET_TIMEOUT,
# three days, which e-mail verification links use); requests are throttled like sign-ins.
MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS = int(
    os.environ.get("MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS", "3600")
)
MICROCRED_RESET_EMAIL_LIMIT = int(os.environ.get("MICROCRED_RESET_EMAIL_LIMIT", "3"))
MICROCRED_RESET_IP_LIMIT = int(os.environ.get("MICROCRED_RESET_IP_LIMIT", "10"))
MICROCRED_RESET_WINDOW_SECONDS = int(os.environ.get("MICROCRED_RESET_WINDOW_SECONDS", "3600"))
# The site runs as the public demo (`microcred demo` turns this on): it then shows every e-mail
# it sent at /demo/mailbox/, to anyone. Never on for a real instance (docs/decisions/075).
MICROCRED_DEMO = _env_bool("MICROCRED_DEMO", False)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcred.web.context_processors.demo",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except Exception as exc:  # dj-database-url raises bare exceptions on bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "microcred.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("ro", "Română"),
    ("it", "Italiano"),
]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; collectstatic fills it
MEDIA_ROOT = DATA_DIR / "uploads"
# Admission evidence is private: it is never served from MEDIA_URL, only through a view that
# checks who asks (learning.views.evidence). Limits are checked on upload.
MICROCRED_EVIDENCE_MAX_BYTES = int(os.environ.get("MICROCRED_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get("MICROCRED_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail: written to files under the data directory unless SMTP is configured, so a fresh
# instance never fails to "send" and an operator can read the verification links.
EMAIL_BACKEND = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}.get(os.environ.get("MICROCRED_EMAIL_BACKEND", "file"), "")
if not EMAIL_BACKEND:
    raise ImproperlyConfigured("MICROCRED_EMAIL_BACKEND: expected file, console or smtp")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("MICROCRED_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MICROCRED_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MICROCRED_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MICROCRED_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("MICROCRED_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("MICROCRED_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("MICROCRED_EMAIL_FROM", "microcred <noreply@localhost>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "MICROCRED_EMAIL_USE_TLS and MICROCRED_EMAIL_USE_SSL exclude each other"
    )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PUBLIC_BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MICROCRED_LOG_LEVEL", "INFO")},
}

# The course the demo seeds and the home page shows first.
MICROCRED_COURSES_DIR = Path(
    os.environ.get("MICROCRED_COURSES_DIR", PACKAGE_DIR.parent.parent / "courses")
)
