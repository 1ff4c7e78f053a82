"""One settings file, driven by environment variables, with safe development defaults."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SSJ_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
DEBUG = os.environ.get("SSJ_DEBUG", "1") == "1"
# `make run` (scripts/demo-env.sh): the demo behaves like production for its users (SSJ_DEBUG=0: Chinese
# error pages, no tracebacks) while it serves plain HTTP on this machine with a key kept in var/.
LOCAL_DEMO = os.environ.get("SSJ_LOCAL_DEMO", "0") == "1"
SECRET_KEY = os.environ.get("SSJ_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("SSJ_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
if LOCAL_DEMO and SECRET_KEY == DEV_SECRET_KEY:
    import secrets

    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
PRODUCTION = not DEBUG and not LOCAL_DEMO
if PRODUCTION:  # production refuses to start on development defaults
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SSJ_DEBUG=0 needs SSJ_SECRET_KEY: a random value of at least 40 characters.")
    if not os.environ.get("SSJ_ALLOWED_HOSTS"):
        raise ImproperlyConfigured("SSJ_DEBUG=0 needs SSJ_ALLOWED_HOSTS: the host names the platform is served at.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "shuangsuiji.common",
    "shuangsuiji.accounts",
    "shuangsuiji.items",
    "shuangsuiji.directory",
    "shuangsuiji.inspectors",
    "shuangsuiji.draws",
    "shuangsuiji.plans",
    "shuangsuiji.results",
    "shuangsuiji.clues",
    "shuangsuiji.credit",
    "shuangsuiji.meeting",
    "shuangsuiji.portal",
    "shuangsuiji.notices",
    "shuangsuiji.push",
    "shuangsuiji.site",  # above the domain apps: home, health check, error pages, demo, deployment checks
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shuangsuiji.common.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shuangsuiji.site.routes.UploadLimitMiddleware",  # before anything reads (and spools) an upload
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shuangsuiji.site.routes.PermissionMapMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuangsuiji.common.errors.RefusalMiddleware",  # a page's uncaught refusal → its status and message
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shuangsuiji.common.security.InputTheDatabaseRefusesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "shuangsuiji.urls"
WSGI_APPLICATION = "shuangsuiji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuangsuiji.site.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker imports; the timeout waits out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "portal:home"
SESSION_COOKIE_AGE = 8 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "shuangsuiji.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shuangsuiji.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "shuangsuiji.accounts.passwords.NotCurrentPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Recusal replacements per draw and department a department decides itself; more need the office.
RECUSAL_CAP_PER_DEPARTMENT = int(os.environ.get("SSJ_RECUSAL_CAP_PER_DEPARTMENT", "2"))
# A replacement is drawn with the first drand round at least this many seconds after the decision.
RECUSAL_ROUND_MARGIN_SECONDS = int(os.environ.get("SSJ_RECUSAL_ROUND_MARGIN_SECONDS", "60"))
# Four eyes: a task is approved, and a recusal decided, by someone other than who created, submitted or
# registered it (another administrator of the department, or the office). A district may switch it off.
SSJ_FOUR_EYES = os.environ.get("SSJ_FOUR_EYES", "1") == "1"
# The publicity platform's endpoint results are pushed to (HTTP JSON, docs/push.md); empty = none configured,
# and every change waits in the outbox until one is.
PUSH_ENDPOINT = os.environ.get("SSJ_PUSH_ENDPOINT", "")
PUSH_TOKEN = os.environ.get("SSJ_PUSH_TOKEN", "")  # sent as "Authorization: Bearer …" when set
PUSH_TIMEOUT_SECONDS = float(os.environ.get("SSJ_PUSH_TIMEOUT_SECONDS", "10"))
PUSH_MAX_ATTEMPTS = int(os.environ.get("SSJ_PUSH_MAX_ATTEMPTS", "12"))  # then failed, for the office to retry
PUSH_RETRY_SECONDS = int(os.environ.get("SSJ_PUSH_RETRY_SECONDS", "30"))  # the first wait; doubles to 6 hours
# In-app notices are also e-mailed to the department's users who have an address, when an SMTP server is
# configured (SSJ_EMAIL_HOST); empty = in-app only. SSJ_SITE_URL makes the links in them absolute.
EMAIL_HOST = os.environ.get("SSJ_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("SSJ_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SSJ_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SSJ_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("SSJ_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("SSJ_EMAIL_FROM", "shuangsuiji@localhost")
NOTICE_EMAIL = bool(EMAIL_HOST)
SITE_URL = os.environ.get("SSJ_SITE_URL", "").rstrip("/")
# Minutes after a lottery not in the schedule table is drawn before its numbers may be used in a reveal.
LOTTERY_REVEAL_MARGIN_MINUTES = int(os.environ.get("SSJ_LOTTERY_REVEAL_MARGIN_MINUTES", "30"))

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
WHITENOISE_USE_FINDERS = DEBUG or LOCAL_DEMO  # production serves collectstatic's files
MEDIA_ROOT = VAR_DIR / "uploads"  # outside the web root; files are served through views only

# Uploads are refused above this size before they are read into memory.
SSJ_MAX_UPLOAD_BYTES = int(os.environ.get("SSJ_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
# More column headings for the importers, on top of shuangsuiji/common/headers.toml (same layout).
SSJ_HEADER_SYNONYMS = os.environ.get("SSJ_HEADER_SYNONYMS", "")
SSJ_MAX_EVIDENCE_BYTES = int(os.environ.get("SSJ_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024))  # one photo or scan
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SSJ_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Where the shipped reference data lives (towns, industries, sample item lists).
SSJ_DATA_DIR = Path(os.environ.get("SSJ_DATA_DIR", BASE_DIR / "data"))
SSJ_DISTRICT = {"code": "371703", "name": "菏泽市定陶区"}
# The Chinese font for generated PDFs; empty = the usual system paths, then fontconfig (common/fonts.py).
SSJ_CJK_FONT = os.environ.get("SSJ_CJK_FONT", "")

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sessions end after a working day, and when the browser closes (shared office machines).
SESSION_COOKIE_AGE = int(os.environ.get("SSJ_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if PRODUCTION:  # production is served over HTTPS behind the proxy
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SSJ_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("SSJ_HSTS_PRELOAD", "1") == "1"
    SECURE_SSL_REDIRECT = os.environ.get("SSJ_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# How many trusted proxies (nginx) stand in front: the client address for login throttling is read from
# X-Forwarded-For only then; with 0 the header is ignored (anyone can write it).
SSJ_PROXY_COUNT = int(os.environ.get("SSJ_PROXY_COUNT", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per record on stderr; under systemd journald adds the host and the unit.
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SSJ_LOG_LEVEL", "WARNING")},
}
