"""The one settings module. Everything comes from environment variables with safe
defaults: SQLite in the project folder, debug off unless GT_DEBUG=1."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("GT_DEBUG")


def _secret_key() -> str:
    """GT_SECRET_KEY in production; otherwise a random key kept in .secret_key beside the
    project, so a local install is never left with a well-known key."""
    if key := os.environ.get("GT_SECRET_KEY"):
        return key
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h for h in os.environ.get("GT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "csp",
    "simple_history",
    "concurrency",
    "django_tasks",
    "django_tasks_db",
    "goldenthread.core",
    "goldenthread.web",
    "goldenthread.documents",
    "goldenthread.tasks",
    "goldenthread.demo",
    # Sign-in (issue 14): django-allauth for passwords, organisations' own identity
    # providers (OpenID Connect, one SocialApp row each, added at run time), the second
    # factor (TOTP, recovery codes, passkeys) and each person's sessions. After our apps, so
    # web/templates/ overrides its templates.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    # Last, so the GOV.UK widget templates in web/templates/django/forms/ win.
    "django.forms",
]
FORM_RENDERER = "goldenthread.web.forms.GovukRenderer"

MIDDLEWARE = [
    # First: every log line of the request, and every task it starts, carries its id.
    "goldenthread.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in safety (issue 14): idle and absolute session limits and no-store on signed-in
    # pages; the second factor the council may require; refused requests recorded.
    "goldenthread.web.middleware.SessionLimitsMiddleware",
    "goldenthread.web.middleware.SecondFactorRequiredMiddleware",
    "goldenthread.web.middleware.RefusedRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Changes made through the API say so in the history (issue 15).
    "goldenthread.api.middleware.ThroughTheApi",
]

ROOT_URLCONF = "goldenthread.urls"
WSGI_APPLICATION = "goldenthread.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates: goldenthread/templates/admin/ adjusts the admin's.
        "DIRS": [BASE_DIR / "goldenthread" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goldenthread.web.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("GT_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # GT_DB_POOL=N: each process keeps a pool of up to N connections (psycopg-pool, through
    # Django's own "pool" option), so a request does not open a new connection. Off behind
    # PgBouncer in transaction mode (GT_PGBOUNCER=1), which pools for every process: there
    # server-side cursors and prepared statements cannot cross transactions.
    pool_size = int(os.environ.get("GT_DB_POOL", "0"))
    if env_bool("GT_PGBOUNCER"):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "prepare_threshold": None,
        }
    elif pool_size:
        if DATABASES["default"]["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("GT_DB_POOL and GT_CONN_MAX_AGE cannot both be set.")
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "pool": {
                "min_size": int(os.environ.get("GT_DB_POOL_MIN", "1")),
                "max_size": pool_size,
                "timeout": float(os.environ.get("GT_DB_POOL_TIMEOUT", "10")),
            },
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite must take a small team saving at once (issue 10, tests/web/
    # test_concurrent_writes.py). By default a transaction takes the write lock at its
    # first write, and one that has already read is then often refused at once rather
    # than made to wait ("database is locked": a 500, and the typed text lost). IMMEDIATE
    # takes the lock at BEGIN, so writers queue for it, for up to `timeout` seconds (under
    # a WSGI worker's usual 30). WAL lets pages be read while someone saves; NORMAL sync is
    # safe with WAL: a power cut may lose the last commits but never corrupts the file.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Result's and Target's period indexes carry their numbers (INCLUDE) on PostgreSQL, the
# production database; SQLite builds the same indexes without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-allauth. No public sign-up: people come in by invitation (core.services.
# invitations) or through their organisation's identity provider when it is trusted for
# their e-mail domain (core.services.sign_in). Sign in with an e-mail address or username.
ACCOUNT_ADAPTER = "goldenthread.web.allauth_adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "goldenthread.web.allauth_adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# The password pages' forms in our words (web/password_forms.py).
ACCOUNT_FORMS = {
    "change_password": "goldenthread.web.password_forms.ChangePasswordForm",
    "set_password": "goldenthread.web.password_forms.SetPasswordForm",
    "reset_password": "goldenthread.web.password_forms.ResetPasswordForm",
    "reset_password_from_key": "goldenthread.web.password_forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Golden Thread: "
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching by e-mail is ours, per provider
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Golden Thread"
MFA_ADAPTER = "goldenthread.web.allauth_adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "goldenthread.web.allauth_adapters.SecondFactorForm",
    "activate_totp": "goldenthread.web.allauth_adapters.ActivateAuthenticatorAppForm",
    "reauthenticate": "goldenthread.web.allauth_adapters.ConfirmWithCodeForm",
}
# Limits on guessing, counted in the shared cache (CACHES: the database by default, so
# every app server counts the same tries). Only failures count (allauth gives back a try
# that succeeds). Per account (however it is named: username or e-mail address, any case;
# or per what was typed when there is no such account): GT_SIGN_IN_FAILURES_PER_ACCOUNT
# (default 10) in any 15 minutes, so a guesser gets 40 guesses an hour at one account
# while someone who mistypes has room. Per address: GT_SIGN_IN_FAILURES_PER_ADDRESS
# (default 30) in any 15 minutes, higher than per account because a whole council's staff
# may reach us from one address through its proxy, and low enough that a guesser trying
# many accounts from one address is stopped after 30. Second-factor codes share these
# limits (per account and per address). Each attempt to sign in at all: 120 a minute per
# address (a council's staff arriving at nine). The admin signs in through the same page.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{int(os.environ.get('GT_SIGN_IN_FAILURES_PER_ADDRESS', '30'))}/15m/ip,"
        f"{int(os.environ.get('GT_SIGN_IN_FAILURES_PER_ACCOUNT', '10'))}/15m/key"
    ),
    "login": "120/m/ip",
}
# Each session is recorded when someone signs in (allauth.usersessions: where from, which
# browser), so a deactivated account's sessions can all be ended; not updated on every
# request, which would cost a write per page.
USERSESSIONS_TRACK_ACTIVITY = False
# The client's address for rate limits and the security record: behind GT_PROXY_COUNT
# proxies (1 with GT_HTTPS, the council's TLS proxy), that many hops in from the right of
# X-Forwarded-For; REMOTE_ADDR when there is none.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("GT_PROXY_COUNT", "1" if env_bool("GT_HTTPS") else "0")
)
# Every local account must use a second factor unless the performance team says otherwise
# (core.models.SecurityPolicy): on by default in production (GT_HTTPS=1).
GT_REQUIRE_MFA = env_bool("GT_REQUIRE_MFA", default=env_bool("GT_HTTPS"))
# How many days an invitation's link works (core.services.invitations).
GT_INVITATION_DAYS = int(os.environ.get("GT_INVITATION_DAYS", "7"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GT_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files people make or send (published reports, exports, uploaded imports) go through
# Django's storage API: a folder by default (GT_MEDIA_ROOT, shared between app servers on
# one machine or over NFS), or any S3-compatible object store with GT_STORAGE=s3 and the
# AWS_* variables django-storages reads (README, "Production settings").
MEDIA_ROOT = Path(os.environ.get("GT_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"  # never served: every file goes through a view that checks access
if os.environ.get("GT_STORAGE", "local") == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Readable by the service's own user only: the files are people's data.
        "OPTIONS": {
            "location": MEDIA_ROOT,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
STORAGES = {
    "default": _default_storage,
    # GT_COLLECTED_STATIC=1 (make serve): `collectstatic` has gathered the static files
    # into STATIC_ROOT with hashed names and compressed copies, which WhiteNoise serves
    # with far-future cache headers. Otherwise (tests, make run) WhiteNoise serves them
    # from the app folders through the finders, with no collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("GT_COLLECTED_STATIC")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env_bool("GT_COLLECTED_STATIC")

# The cache holds rate-limit counters and other short-lived shared state, so it must be
# shared by every app server: the database by default (migration core 0013 makes its
# table), Redis or Valkey with GT_CACHE_URL=redis://host:6379/0.
if cache_url := os.environ.get("GT_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "goldenthread_cache",
        }
    }

# Background work (publishing, big imports, e-mail, reminders, exports) goes through
# Django's task framework. GT_TASKS=database queues tasks in the database for
# `manage.py run_worker` processes on any machine that reaches it (make serve starts one);
# the default, "immediate", runs each task at once in the request that starts it, as in
# tests and make run.
if os.environ.get("GT_TASKS", "immediate") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A job whose worker has not reported for GT_TASK_LEASE seconds is taken to be lost (its
# machine died) and is queued again for another worker (core/services/jobs.py). The
# workers also send the daily reminders at GT_REMINDERS_AT (HH:MM, in TIME_ZONE), once a
# day across all of them. GT_TASK_STEP_DELAY (seconds, default 0) makes every step of a
# task wait that long: only for tests and demonstrations that must catch a task mid-way.
TASK_LEASE = int(os.environ.get("GT_TASK_LEASE", "300"))
TASK_STEP_DELAY = float(os.environ.get("GT_TASK_STEP_DELAY", "0"))
REMINDERS_AT = os.environ.get("GT_REMINDERS_AT", "07:00")

EMAIL_BACKEND = os.environ.get("GT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("GT_FROM_EMAIL", "golden-thread@localhost")
# For GT_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend: the mail server.
EMAIL_HOST = os.environ.get("GT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("GT_EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("GT_EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("GT_EMAIL_USE_SSL")  # TLS from the start, usually port 465
EMAIL_HOST_USER = os.environ.get("GT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GT_EMAIL_HOST_PASSWORD", "")
# Notifications are e-mailed as the request that caused them finishes: a mail server that
# does not answer must not hold the page for long (the notification is kept either way).
EMAIL_TIMEOUT = int(os.environ.get("GT_EMAIL_TIMEOUT", "10"))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set GT_EMAIL_USE_TLS or GT_EMAIL_USE_SSL, not both.")
GT_SITE_URL = os.environ.get("GT_SITE_URL", "http://127.0.0.1:8000")  # links in e-mails
GT_HOME_AREA_CODE = os.environ.get("GT_HOME_AREA_CODE", "E08000009")  # our ONS area: Trafford
# Our area's name on the benchmark pages when no imported group names it.
GT_HOME_AREA_NAME = os.environ.get(
    "GT_HOME_AREA_NAME", "Trafford" if GT_HOME_AREA_CODE == "E08000009" else "our area"
)

# Bounded requests. A form's body (files apart, which their own upload handlers bound)
# is at most 2 MB: the largest return (a hundred indicators, every commentary at its
# limit) is under 1 MB, and a larger body is refused with a 400 before it is read. A big
# partnership's return has several hundred fields, more than Django's default 1,000 allows.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

SESSION_COOKIE_HTTPONLY = True
# Sessions end after GT_SESSION_IDLE_MINUTES without use (default 30) and at the latest
# GT_SESSION_HOURS after signing in (default 12), whatever the activity
# (web.middleware.SessionLimitsMiddleware); the cookie lasts no longer either.
GT_SESSION_IDLE_MINUTES = int(os.environ.get("GT_SESSION_IDLE_MINUTES", "30"))
GT_SESSION_HOURS = int(os.environ.get("GT_SESSION_HOURS", "12"))
SESSION_COOKIE_AGE = GT_SESSION_HOURS * 3600
# The JSON API (issue 15): requests a minute per personal access token (429 beyond it),
# counted in the shared cache.
GT_API_REQUESTS_PER_MINUTE = int(os.environ.get("GT_API_REQUESTS_PER_MINUTE", "300"))
# Feedback from a partnership's public page, counted in the shared cache: at most this many
# an hour from one address (and from one e-mail address, when one is given).
GT_PUBLIC_FEEDBACK_PER_HOUR = int(os.environ.get("GT_PUBLIC_FEEDBACK_PER_HOUR", "5"))
# GT_HTTPS=1 behind the council's TLS proxy: the proxy says the request came by HTTPS in
# X-Forwarded-Proto (it must set that header itself, never pass on a client's), cookies are
# sent only over HTTPS, plain HTTP is redirected, and browsers are told to use HTTPS for a
# year (HSTS, for this host and any under it; GT_HSTS_SECONDS=0 while trying it out).
# Not on the browsers' preload list: that is for a whole registered domain, which is the
# council's to decide, so check --deploy's W021 is silenced. /healthz and /readyz answer on
# plain HTTP too, for the load balancer's checks.
GT_HTTPS = env_bool("GT_HTTPS")
SESSION_COOKIE_SECURE = GT_HTTPS or env_bool("GT_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Forms posted from these origins are accepted (CSRF): GT_CSRF_TRUSTED_ORIGINS, comma
# separated (https://goldenthread.example.gov.uk), by default GT_SITE_URL's origin when it
# is https, the address people use behind the TLS proxy.
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if not CSRF_TRUSTED_ORIGINS and GT_SITE_URL.startswith("https://"):
    CSRF_TRUSTED_ORIGINS = ["https://" + GT_SITE_URL.removeprefix("https://").split("/")[0]]
if GT_HTTPS:
    # Cookies only this host can set, sent only over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("GT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SILENCED_SYSTEM_CHECKS.append("security.W021")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# No inline scripts or styles anywhere: everything is served from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Logs: one JSON object per line with GT_LOG_FORMAT=json (make serve), for the log
# collector; plain text otherwise. Each line carries the request id (from the proxy's
# X-Request-ID, or a new one), and a task started by a request logs it too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "goldenthread.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "goldenthread.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("GT_LOG_FORMAT", "text"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GT_LOG_LEVEL", "WARNING")},
}
