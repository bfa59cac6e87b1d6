"""Settings, all read from the environment through one `env` object.

Two modes:
- embedded (default): SQLite under var/, tasks run eagerly, mail written to var/mail/, a secret key generated
  once into var/; good for a newcomer's `make run` and for `make test`.
- production (NEWSROOM_MODE=production): every secret from the environment, HTTPS-only cookies, HSTS;
  `manage.py check --deploy` reports nothing.
Setting DATABASE_URL / REDIS_URL / EMAIL_URL switches each component to the real service in either mode.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("NEWSROOM_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

MODE = env.str("NEWSROOM_MODE", default="embedded")
if MODE not in {"embedded", "production"}:
    raise environ.ImproperlyConfigured(f"NEWSROOM_MODE must be 'embedded' or 'production', not {MODE!r}")
PRODUCTION = MODE == "production"


def _embedded_secret_key() -> str:
    """Generated once into var/ so sessions survive restarts; var/ is never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = (
    env.str("SECRET_KEY") if PRODUCTION else env.str("SECRET_KEY", default="") or _embedded_secret_key()
)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
# /.well-known/security.txt (RFC 9116): where to report a vulnerability — mailto:, https: or tel: URIs, in order
# of preference. Unset, the file is not served (a 404), since it must not name a contact nobody reads.
SECURITY_CONTACTS = env.list("SECURITY_CONTACTS", default=[])
if bad_contacts := [c for c in SECURITY_CONTACTS if not c.startswith(("mailto:", "https://", "tel:"))]:
    raise environ.ImproperlyConfigured(
        f"SECURITY_CONTACTS takes mailto:, https:// or tel: URIs, not {bad_contacts}"
    )
SECURITY_POLICY_URL = env.str("SECURITY_POLICY_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # /sitemap.xml (newsroom.publishing.web_urls)
    "django.contrib.postgres",  # full-text search types (a no-op on SQLite)
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "newsroom.api",
    "newsroom.accounts",
    "submissions",
    "moderation",
    "newsroom.publishing",
    "newsroom.studio",
    "newsroom.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    # a guest's public answer (feed, feeds, reader's pages) replayed whole from the cache, before the rest
    "newsroom.publishing.front.FrontCache",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.api.unavailable.ServiceUnavailableMiddleware",  # database/cache down: 503 + Retry-After, not 500
    "newsroom.api.handlers.RefuseNulCharacters",  # ?q=%00: 400, not a PostgreSQL DataError
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "newsroom.api.handlers.RefuseUnreadablePaging",  # ?page_size=-5 / 0 / abc: 400 on every API list
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: a studio view answers a fragment to htmx, a page otherwise
    "newsroom.adminkit.AdminTimeFilters",  # ?created_at__gte=9999-12-31T23:59:59-23:59 on any changelist: 400
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: turns a login that axes refused into our 429 answer (AXES_LOCKOUT_CALLABLE), for the admin too
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
# the site's own sign-in page (newsroom.accounts.web); the admin keeps its own
LOGIN_URL = "account-login"
LOGIN_REDIRECT_URL = "studio-home"
CSRF_FAILURE_VIEW = "newsroom.accounts.web.csrf_failure"
WSGI_APPLICATION = "newsroom.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# axes first: it refuses a locked-out (e-mail, IP) pair before any password is checked
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.accounts.context.member",  # the header's name, "Мои материалы", unread count
            ],
        },
    },
]

# --- Database: DATABASE_URL, or SQLite under var/ -------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is locked" on lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Django binds parameters on the client, which never prepares; the feed list's statement is bound on the
    # server (newsroom.publishing.listing) and, with this, prepared on a connection's first run of it: planned
    # once per connection. Off behind a pooler that cannot carry prepared statements (PgBouncer in transaction
    # mode before 1.21, or without max_prepared_statements).
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        0 if env.bool("DB_PREPARED_STATEMENTS", default=True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache; unset means eager tasks and a local-memory cache -------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# public responses (feed API, feeds, HTML): kept rendered in the cache per publication generation, and
# announced to browsers and proxies as cacheable for a short while
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="newsroom")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# Longest countdown + backoff + runtime of any task stays well below this, so an unacked task is redelivered
# only when its worker really died.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
BEAT_INTERVAL = env.float("NEWSROOM_BEAT_INTERVAL", default=60.0)  # seconds between periodic sweeps
OVERDUE_DIGEST_HOURS = env.int("OVERDUE_DIGEST_HOURS", default=4)
CELERY_BEAT_SCHEDULE = {
    "publish-due-articles": {"task": "submissions.tasks.publish_due", "schedule": BEAT_INTERVAL},
    "release-expired-claims": {"task": "moderation.tasks.release_expired_claims", "schedule": BEAT_INTERVAL},
    "resume-stalled-checks": {
        "task": "moderation.tasks.resume_stalled_checks",
        "schedule": 5 * BEAT_INTERVAL,
    },
    # editors: a digest of the overdue articles they could take (sent once per period, see moderation/notify.py)
    "overdue-digest": {
        "task": "moderation.tasks.send_overdue_digests",
        "schedule": OVERDUE_DIGEST_HOURS * 3600.0,
    },
    "purge-idempotency-keys": {"task": "newsroom.api.tasks.purge_idempotency_keys", "schedule": 3600.0},
    # trust levels also depend on time (account age, sanctions ageing out): recompute everyone nightly
    "recompute-trust-levels": {
        "task": "submissions.tasks.recompute_trust_levels",
        "schedule": crontab(hour=3, minute=30),
    },
    # channels: pending deliveries whose time has come (a lost task message, a dead worker's lease)
    "send-pending-deliveries": {
        "task": "newsroom.channels.tasks.send_pending_deliveries",
        "schedule": BEAT_INTERVAL,
    },
}

# --- Mail: EMAIL_URL, or files under var/mail/ ---------------------------------------------------------------
# production must name a real mail service; files under var/mail/ are for the embedded default only
EMAIL_URL = env.str("EMAIL_URL") if PRODUCTION else env.str("EMAIL_URL", default="")


def _mailer(url: str) -> dict:
    """EMAIL_URL (smtp://user:pass@host:port, smtp+tls://..., consolemail://) -> a MAILERS entry (Django 6.1)."""
    parsed = env.email_url_config(url)
    options = {
        "host": parsed.get("EMAIL_HOST"),
        "port": parsed.get("EMAIL_PORT"),
        "username": parsed.get("EMAIL_HOST_USER"),
        "password": parsed.get("EMAIL_HOST_PASSWORD"),
        "use_tls": parsed.get("EMAIL_USE_TLS"),
        "use_ssl": parsed.get("EMAIL_USE_SSL"),
    }
    backend = parsed["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v not in (None, "")}}


MAILERS = {
    "default": _mailer(EMAIL_URL)
    if EMAIL_URL
    else {
        "BACKEND": "newsroom.mail.ReadableFileBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Newsroom <newsroom@localhost>")

# --- Passwords ------------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: Russian by default, English on request (Accept-Language) --------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "newsroom" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory before the first collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Images of articles not yet public (drafts, in review, scheduled, withdrawn, rejected) are served to their author
# and to editors only: on local storage through submissions.media_views (session, or a signed URL for token
# clients), on S3 through presigned URLs. These URLs expire after MEDIA_PRIVATE_URL_MAX_AGE seconds.
MEDIA_PRIVATE_URL_MAX_AGE = env.int("MEDIA_PRIVATE_URL_MAX_AGE", default=3600)
# Cache-Control max-age of the published images (their names are random and never reused).
MEDIA_PUBLIC_MAX_AGE = env.int("MEDIA_PUBLIC_MAX_AGE", default=30 * 24 * 3600)
# With a front server (nginx) in front of gunicorn: an internal location aliased to MEDIA_ROOT, e.g.
# "/protected-media/"; the media view then answers with X-Accel-Redirect instead of sending the bytes itself.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
# Media on S3-compatible storage when MEDIA_S3_BUCKET is set (pip install 'newsroom[s3]'), local files otherwise.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    if MEDIA_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Content Security Policy (django.middleware.csp) ---------------------------------------------------------
# Strict: nothing inline and nothing from elsewhere. Pages link their CSS as static files and run no inline script;
# public pages are cached whole (newsroom.publishing.caching), so they must not carry per-request nonces either.


def _media_origins() -> list[str]:
    """Where uploaded images are served from when they live on S3-compatible storage."""
    if not MEDIA_S3_BUCKET:
        return []
    from urllib.parse import urlsplit

    # published images on the custom domain (a CDN), if any; unpublished ones presigned on the bucket's endpoint
    origins = []
    if custom_domain := env.str("MEDIA_S3_CUSTOM_DOMAIN", default=""):
        origins.append(f"https://{custom_domain}")
    if endpoint_url := env.str("MEDIA_S3_ENDPOINT_URL", default=""):
        parts = urlsplit(endpoint_url)
        return [*origins, f"{parts.scheme}://{parts.netloc}"]
    return [*origins, "https://*.amazonaws.com"]


SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *_media_origins()],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# /api/docs/ (Swagger UI, served locally): its page has an inline <style> block and its CSS uses data: icons, so
# styles and images are relaxed there; scripts stay 'self' only (the route serves its init script as a file).
API_DOCS_CSP: dict[str, list[str]] = {
    **SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
}

# --- API ------------------------------------------------------------------------------------------------------
# How many reverse proxies stand in front (their X-Forwarded-For is trusted); 0: the client's own address.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["knox.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["newsroom.api.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "newsroom.api.errors.exception_handler",
    "NUM_PROXIES": PROXY_COUNT,
    # per user (per client IP if anonymous); each scope can be set from the environment: THROTTLE_LOGIN=10/min
    "DEFAULT_THROTTLE_RATES": {
        scope: env.str(f"THROTTLE_{scope.upper()}", default=rate)
        for scope, rate in {
            "register": "10/hour",
            "login": "30/min",
            "password_reset": "10/hour",
            "verify": "30/hour",
            "upload": "60/hour",
            "export": "10/hour",
            # per user: creating, saving (autosave included) and submitting articles, and adding their images
            "article_write": "120/min",
            "media_upload": "30/min",
        }.items()
    },
    "DEFAULT_PAGINATION_CLASS": "newsroom.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 20,
}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105  (a model name; our TokenDevice migration refers to it)
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(days=env.int("TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "TOKEN_LIMIT_PER_USER": 50,
}

# --- Brute force: a DB-backed failure counter per (e-mail, IP) with a cool-off ---------------------------------
# Locking the pair, not the account, means an attacker elsewhere cannot lock the owner out, and the cool-off
# means nobody is locked out for good.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the key authenticate() and the admin login form both use
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.lockout.lockout_response"
if PROXY_COUNT:  # behind reverse proxies: trust X-Forwarded-For that far, and no further
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_VERBOSE = False
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 3600)
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": "Citizen journalism: write, submit, moderate and read news.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # `<id:...>` (newsroom.api.inputs.IdConverter): an integer of at most 18 digits
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    # every operation's refusals, in the one error envelope (newsroom/api/schema.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsroom.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RejectReasonEnum": "submissions.states.RejectReason",
        "VerdictEnum": "moderation.models.Verdict",
        "SourceKindEnum": "submissions.states.SourceKind",
        "RevisionKindEnum": "submissions.states.RevisionKind",
        "RoleEnum": "newsroom.accounts.roles.ROLE_CHOICES",
        "LanguageEnum": "submissions.states.Language",
        "UserLanguageEnum": "newsroom.accounts.models.USER_LANGUAGES",
    },
}

NEWSROOM = {
    "EMAIL_VERIFICATION_MAX_AGE": env.int("EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600),
    "AVATAR_MAX_BYTES": env.int("AVATAR_MAX_BYTES", default=5 * 1024 * 1024),
    "AVATAR_MAX_PIXELS": 40_000_000,
    "AVATAR_SIZE": 512,
    "MEDIA_MAX_BYTES": env.int("MEDIA_MAX_BYTES", default=20 * 1024 * 1024),
    "MEDIA_MAX_PIXELS": env.int("MEDIA_MAX_PIXELS", default=50_000_000),
    "MEDIA_SIZES": (480, 960, 1600),  # responsive widths, made by a task
    "MEDIA_QUOTA_BYTES": env.int("MEDIA_QUOTA_BYTES", default=200 * 1024 * 1024),  # per user, stored bytes
    "MEDIA_PER_ARTICLE": 30,
    "IDEMPOTENCY_TTL": timedelta(hours=24),
    "AUTOSAVE_COALESCE": timedelta(minutes=1),
    # trust level -> (submissions per 24 h, links per article); see moderation/trust.py
    "TRUST_LIMITS": {0: (0, 0), 1: (3, 2), 2: (10, 10), 3: (50, 50)},
    "EDITOR_TRACK_MIN_TRUST": 2,
    "EDITOR_TRACK_MIN_SCORED": env.int("EDITOR_TRACK_MIN_SCORED", default=10),
    "CLAIM_MINUTES": env.int("CLAIM_MINUTES", default=20),
    # the queue's priority (submissions/queueing.py): hours a waiting article's place moves forward
    "QUEUE": {"RISK_ADVANCE_HOURS": 6.0, "APPEAL_ADVANCE_HOURS": 12.0, "DEFAULT_SLA_HOURS": 24},
    "OVERDUE_DIGEST_HOURS": OVERDUE_DIGEST_HOURS,
    # a submission whose checks have not all finished after this long is dispatched again by beat
    "STALLED_CHECKS_AFTER": timedelta(seconds=env.int("STALLED_CHECKS_SECONDS", default=300)),
    # links check: live reachability (off by default; never private or loopback addresses unless allowed)
    "LINK_LIVE_CHECK": env.bool("LINK_LIVE_CHECK", default=False),
    "LINK_TIMEOUT": env.float("LINK_TIMEOUT", default=3.0),
    "LINK_ALLOW_LOOPBACK": env.bool("LINK_ALLOW_LOOPBACK", default=False),
}

# --- Channels: published news to Telegram and signed webhooks (newsroom/channels, docs/channels.md) ------------
# The Bot API base: a local Bot API server or a test stand-in may replace it (https://api.telegram.org/bot<token>/…).
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org").rstrip("/")
CHANNELS = {
    "TIMEOUT": env.float("CHANNELS_TIMEOUT", default=10.0),  # seconds per request to a channel
    "MAX_ATTEMPTS": env.int("CHANNELS_MAX_ATTEMPTS", default=8),  # then the delivery has failed
    # the n-th retry waits BACKOFF_BASE × 2^(n−1) s, at most BACKOFF_MAX (below the broker's visibility timeout)
    "BACKOFF_BASE": 30,
    "BACKOFF_MAX": 1800,
    # webhooks to loopback addresses (tests, local development); private networks are refused regardless
    "ALLOW_LOOPBACK": env.bool("CHANNELS_ALLOW_LOOPBACK", default=False),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "celery.app.trace": {"level": env.str("TASK_LOG_LEVEL", default="WARNING")},
        "axes": {"level": "WARNING"},  # one INFO line per failed login is noise; lockouts are warnings
    },
}

# --- Production hardening (check --deploy: 0 warnings) --------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # the HTTPS redirect's Location is on SITE_URL's host, never on the Host the request named
    SECURE_SSL_HOST = env.str("SECURE_SSL_HOST", default=SITE_URL.split("://", 1)[-1]) or None
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes talk plain HTTP inside the network
