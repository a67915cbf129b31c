"""One settings module for every deployment, driven by the environment.

With nothing set, the product runs on SQLite with Celery tasks executed eagerly and
media on the filesystem, so a fresh clone works with `make run`. Set DATABASE_URL for
PostgreSQL, CELERY_BROKER_URL for a real Celery worker, and APP_PROFILE=production for
a deployment (which then refuses to start with a default secret).
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_choice, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PROFILE = env_choice("APP_PROFILE", "development", ("development", "production"))
PRODUCTION = PROFILE == "production"

DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789abcdef"  # noqa: S105 - refused in production below
SECRET_KEY = env("SECRET_KEY", None if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs SECRET_KEY (or SECRET_KEY_FILE): 50 or more random "
        "characters, not the development key."
    )

# Keyed hashing of the audit chain. A separate key from SECRET_KEY so that rotating
# sessions does not invalidate the chain, and so that someone with only database
# access cannot recompute a forged chain.
DEV_AUDIT_KEY = "development-only-audit-chain-key"
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", None if PRODUCTION else DEV_AUDIT_KEY)
if PRODUCTION and (not AUDIT_CHAIN_KEY or AUDIT_CHAIN_KEY == DEV_AUDIT_KEY):
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs AUDIT_CHAIN_KEY (or AUDIT_CHAIN_KEY_FILE)."
    )

# Receipt codes are stored as HMACs under this key. To rotate it, the new key becomes
# RECEIPT_KEY under a higher RECEIPT_KEY_VERSION, and the earlier keys stay in
# RECEIPT_OLD_KEYS as "version:key,version:key" (or RECEIPT_OLD_KEYS_FILE): a receipt
# re-keyed by `manage.py receipts_rotate` still needs the key it was made under
# (complaints/receipts.py). Versions only grow.
DEV_RECEIPT_KEY = "development-only-receipt-key"
RECEIPT_KEY = env("RECEIPT_KEY", None if PRODUCTION else DEV_RECEIPT_KEY)
if PRODUCTION and (not RECEIPT_KEY or RECEIPT_KEY == DEV_RECEIPT_KEY or len(RECEIPT_KEY) < 32):
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs RECEIPT_KEY (32+ characters, or RECEIPT_KEY_FILE)."
    )
RECEIPT_KEY_VERSION = env_int("RECEIPT_KEY_VERSION", 1)


def _versioned_keys(name: str) -> dict[int, str]:
    """NAME="1:key,2:key" as {1: "key", 2: "key"}. Errors never quote the value."""
    keys = {}
    for item in env_list(name, []):
        version, colon, key = item.partition(":")
        if not (colon and version.strip().isdigit() and key.strip()) or int(version) in keys:
            raise ImproperlyConfigured(
                f'{name} must be "version:key" pairs separated by commas, each version once.'
            )
        keys[int(version)] = key.strip()
    return keys


RECEIPT_OLD_KEYS = _versioned_keys("RECEIPT_OLD_KEYS")
if RECEIPT_KEY_VERSION < 1 or any(not 1 <= v < RECEIPT_KEY_VERSION for v in RECEIPT_OLD_KEYS):
    raise ImproperlyConfigured(
        "RECEIPT_KEY_VERSION must be at least 1 and above every version in RECEIPT_OLD_KEYS."
    )
if PRODUCTION and any(
    len(key) < 32 or key in (DEV_RECEIPT_KEY, RECEIPT_KEY) for key in RECEIPT_OLD_KEYS.values()
):
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs each RECEIPT_OLD_KEYS key of 32+ characters, "
        "not the development key and not RECEIPT_KEY."
    )
RECEIPT_KEYS = {**RECEIPT_OLD_KEYS, RECEIPT_KEY_VERSION: RECEIPT_KEY}

# Citizens' original photos wait for processing encrypted under this key, then go. After
# a change of key, the previous ones stay in QUARANTINE_OLD_KEYS (comma-separated) until
# no photo waits any more, so that none of those already waiting is lost.
DEV_QUARANTINE_KEY = "development-only-quarantine-key"
QUARANTINE_KEY = env("QUARANTINE_KEY", None if PRODUCTION else DEV_QUARANTINE_KEY)
if PRODUCTION and (
    not QUARANTINE_KEY or QUARANTINE_KEY == DEV_QUARANTINE_KEY or len(QUARANTINE_KEY) < 32
):
    raise ImproperlyConfigured("APP_PROFILE=production needs QUARANTINE_KEY (32+ characters).")
QUARANTINE_OLD_KEYS = env_list("QUARANTINE_OLD_KEYS", [])
if PRODUCTION and any(
    len(key) < 32 or key in (DEV_QUARANTINE_KEY, QUARANTINE_KEY) for key in QUARANTINE_OLD_KEYS
):
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs each QUARANTINE_OLD_KEYS key of 32+ characters, "
        "not the development key and not QUARANTINE_KEY."
    )

# Ed25519 private key (PEM) that signs proofs of filing. Development derives one from
# SECRET_KEY; a deployment sets its own so that proofs outlive a SECRET_KEY rotation.
PROOF_SIGNING_KEY = env("PROOF_SIGNING_KEY")
if PRODUCTION and not PROOF_SIGNING_KEY:
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs PROOF_SIGNING_KEY (or PROOF_SIGNING_KEY_FILE)."
    )

# Staff sign-in throttle (docs/login-throttle.md): failures in a row lock sign-in for
# growing delays, as (failures, seconds locked) steps. Per account: from the 5th failure
# 1 min, from the 10th 5 min, the 15th 15 min, the 20th 1 h, each further failure
# locking again for its step's delay. Per network (its daily-keyed hash), for spraying
# many accounts: from the 50th failure 15 min, the 100th 1 h. A failure is forgotten
# after the MEMORY seconds without another one (a sign-in clears the account's).
LOGIN_ACCOUNT_STEPS = ((5, 60), (10, 5 * 60), (15, 15 * 60), (20, 60 * 60))
LOGIN_ACCOUNT_MEMORY = 24 * 3600
LOGIN_NETWORK_STEPS = ((50, 15 * 60), (100, 60 * 60))
LOGIN_NETWORK_MEMORY = 3600

# Citizens' intake limits (per network per hour / per 15 minutes; total bytes waiting).
COMPLAINT_SUBMIT_LIMIT = env_int("COMPLAINT_SUBMIT_LIMIT", 10)
RECEIPT_GUESS_LIMIT = env_int("RECEIPT_GUESS_LIMIT", 20)
COMPLAINT_REPLY_LIMIT = env_int("COMPLAINT_REPLY_LIMIT", 30)
PHOTO_QUARANTINE_MAX_BYTES = env_int("PHOTO_QUARANTINE_MAX_BYTES", 2 * 1024**3)
# A whole filing request (six photos at most): larger bodies are refused with 413, and
# any request body beyond MAX_REQUEST_BYTES before it is read.
COMPLAINT_MAX_REQUEST_BYTES = env_int("COMPLAINT_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 100 * 1024 * 1024)

# The identity vault's offline recovery key (public half, "x25519:..."): every sealed
# identity's data key is also sealed to it. Its private half is kept off-line.
VAULT_RECOVERY_PUBLIC_KEY = env("VAULT_RECOVERY_PUBLIC_KEY")
if PRODUCTION and not VAULT_RECOVERY_PUBLIC_KEY:
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs VAULT_RECOVERY_PUBLIC_KEY (manage.py vault_recovery_keygen)."
    )
# How long an approved disclosure lets the handler see the identity (hours).
DISCLOSURE_HOURS = env_int("DISCLOSURE_HOURS", 72)
# Working days a unit has to answer a notice about an alerted product (violations/notices.py).
NOTICE_WORKING_DAYS = env_int("NOTICE_WORKING_DAYS", 10)
DISCLOSURE_MAX_HOURS = 720

# A second factor for staff (docs/second-factor.md). Outside production, members of
# SECOND_FACTOR_ROLES must have one; in production every role must, except the roles
# named in SECOND_FACTOR_OPTOUT_ROLES. Unknown role names stop the app from starting
# (registry/second_factor.py). Whoever enrolled a factor uses it whatever their role.
SECOND_FACTOR_ROLES = env_list(
    "SECOND_FACTOR_ROLES", ["identity_custodian", "supervisor", "admin", "auditor"]
)
SECOND_FACTOR_OPTOUT_ROLES = env_list("SECOND_FACTOR_OPTOUT_ROLES", [])
SECOND_FACTOR_RECENT_SECONDS = env_int("SECOND_FACTOR_RECENT_SECONDS", 600)
# Wrong codes are throttled with wrong passwords (registry/login_throttle.py), one rule
# with one message, rather than by django-otp's own per-device delays as well.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Giám sát chất lượng hàng hóa")
# Passkeys (registry/passkeys.py). The domain keys are bound to and the origins the
# browser may report; empty: the host each request came to (checked by ALLOWED_HOSTS).
# Set them when one site answers on several hosts, so a key works on all of them.
WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [])
# The site's name the browser shows when adding or using a key.
WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER

# How many reverse proxies we run in front of the app (for X-Forwarded-For).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be False with APP_PROFILE=production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("APP_PROFILE=production needs ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "guardian",
    # A second factor for staff (registry/second_factor.py): TOTP and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The product's apps, lowest floor first (docs/layout.md).
    "registry",
    "whistleblower",
    "complaints",
    "inspections",
    "violations",
    "review",
    "api",
]

MIDDLEWARE = [
    # First: nothing after it sees a client's address or user agent (registry/network.py).
    "registry.network.ForgetClientAddressMiddleware",
    # Probes ask by IP address, over plain HTTP: answered before the Host check.
    "registry.health.ProbeMiddleware",
    "registry.limits.RequestSizeLimitMiddleware",
    "registry.security.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # A user who still owes the second factor sees only the second step or enrolment.
    "registry.second_factor_middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
    # A streaming replica for the heavy read-only views (registry/routers.py). Its
    # connection refuses writes; the test run mirrors it onto the primary's test database.
    DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
    if DATABASE_REPLICA_URL:
        replica = dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
        )
        if replica["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_REPLICA_URL must point at PostgreSQL.")
        replica.setdefault("OPTIONS", {})["options"] = "-c default_transaction_read_only=on"
        replica["TEST"] = {"MIRROR": "default"}
        DATABASES["replica"] = replica
        DATABASE_ROUTERS = ["registry.routers.ReplicaRouter"]
elif env("DATABASE_REPLICA_URL"):
    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (PostgreSQL).")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Writers wait for each other instead of failing with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------

CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// address.")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif PRODUCTION:
    # A per-process cache would give each worker its own sign-in throttle, and keep a
    # revocation made in one process from reaching the others' cached access.
    raise ImproperlyConfigured(
        "APP_PROFILE=production needs CACHE_URL (Redis): the login throttle's counts and "
        "locks, and the cached access of users (docs/access-cache.md), must be shared by "
        "every process."
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users, permissions ---------------------------------------------------------------

AUTH_USER_MODEL = "registry.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend, its role permissions cached between requests (docs/access-cache.md).
    "registry.access_cache.CachedModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user row: anonymous citizens never get object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# API tokens for tablets: how long one lives unless revoked.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 30)
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100

# --- Language, time -------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media (photos, minutes, decisions, citizens' photos waiting for processing) on the
# filesystem by default, or in a private bucket of an S3-compatible store (SeaweedFS,
# MinIO, a cloud's S3) when one machine is not enough. Either way, files reach users only
# through our views, after the permission check: streamed by the web process, or, with
# MEDIA_SIGNED_URL_SECONDS > 0 on S3, as a redirect to a URL signed for that long.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "filesystem", ("filesystem", "s3"))
MEDIA_SIGNED_URL_SECONDS = env_int("MEDIA_SIGNED_URL_SECONDS", 0)
if not 0 <= MEDIA_SIGNED_URL_SECONDS <= 3600:
    raise ImproperlyConfigured("MEDIA_SIGNED_URL_SECONDS is between 0 (stream) and 3600.")
if MEDIA_STORAGE == "s3":
    S3_OPTIONS = {
        "endpoint_url": env("S3_ENDPOINT_URL"),
        "bucket_name": env("S3_BUCKET"),
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "region_name": env("S3_REGION", "us-east-1"),
        "signature_version": "s3v4",
        "addressing_style": env_choice("S3_ADDRESSING_STYLE", "path", ("path", "virtual")),
        # Objects get no ACL of their own: the bucket's (private) applies. Nothing is
        # ever readable without a signature.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": MEDIA_SIGNED_URL_SECONDS or 60,
        # A second file of the same name gets a new name, as on the filesystem; evidence
        # is never overwritten.
        "file_overwrite": False,
    }
    missing = [
        key
        for key in ("endpoint_url", "bucket_name", "access_key", "secret_key")
        if not S3_OPTIONS[key]
    ]
    if missing:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY_ID and "
            "S3_SECRET_ACCESS_KEY (or their _FILE variants)."
        )
    MEDIA_BACKEND = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS}
else:
    if MEDIA_SIGNED_URL_SECONDS:
        raise ImproperlyConfigured("MEDIA_SIGNED_URL_SECONDS needs MEDIA_STORAGE=s3.")
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Celery ---------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
# Without a broker, tasks run in-process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it has finished, and handed back to the queue when the
# worker dies under it: safe because every task is idempotent (see registry.tasks).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
# Redis redelivers an unacknowledged task after this; it must exceed the time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
# Photo processing has a queue of its own, so that a burst of photos never holds back
# notifications and legal clocks: production runs a pool for each (see Procfile).
CELERY_TASK_ROUTES = {
    "complaints.tasks.photo_process": {"queue": "photos"},
    "inspections.tasks.evidence_process": {"queue": "photos"},
}
# Periodic work. Later legal clocks add their sweeps here.
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "registry.tasks.notifications_sweep",
        "schedule": 300.0,
    },
    "complaint-photos-sweep": {
        "task": "complaints.tasks.photos_sweep",
        "schedule": 120.0,
    },
    "evidence-photos-sweep": {
        "task": "inspections.tasks.evidence_sweep",
        "schedule": 120.0,
    },
    "disclosures-expire": {
        "task": "whistleblower.tasks.disclosures_expire",
        "schedule": 300.0,
    },
    "violations-escalate": {
        "task": "inspections.tasks.violations_escalate",  # violations/tasks.py
        # Remedial measures past their deadline, each told once a day.
        "schedule": crontab(hour=7, minute=5),
    },
    "clocks-sweep": {
        "task": "review.tasks.clocks_sweep",  # registry/tasks.py
        # Often enough for the 24-hour report's reminder an hour ahead; each reminder and
        # escalation is claimed once, so a run twice sends nothing twice.
        "schedule": crontab(minute="*/10"),
    },
    "photo-uploads-expire": {
        "task": "inspections.tasks.photo_uploads_expire",
        "schedule": crontab(hour=3, minute=40),
    },
    "audit-chain-verify": {
        "task": "registry.tasks.audit_chain_verify",
        "schedule": crontab(hour=2, minute=15),
    },
    "retention-sweep": {
        "task": "complaints.tasks.retention_sweep",
        # Hourly: warnings go out 72 to 73 hours ahead and removals within the hour;
        # each step is claimed once, so a run twice (or two at once) does nothing twice.
        "schedule": crontab(minute=25),
    },
}

# --- Retention ------------------------------------------------------------------------

# How long what a citizen gave is kept after the report is closed (closed_at; a merged
# report from when the case it joined was closed), in days. Defaults are deliberately
# long: the settlement files of complaints and denunciations are archived for years
# (Circular 10/2022/TT-BNV on retention periods of common records), and these values
# must be confirmed against the unit's own archive list (danh mục hồ sơ) before use.
# - The reporter's identity: 5 years, well past every appeal window (complaint, second
#   complaint, administrative lawsuit) and the sanctioning limitation period; the Law
#   on Denunciation asks that it be protected, so it goes before the file.
# - Citizens' photos and the report's content: 15 years, with the file; the figures
#   (category, province, unit, dates, status, outcome) are kept for good.
RETENTION_IDENTITY_DAYS = env_int("RETENTION_IDENTITY_DAYS", 5 * 365 + 1)
RETENTION_CITIZEN_PHOTOS_DAYS = env_int("RETENTION_CITIZEN_PHOTOS_DAYS", 15 * 365 + 4)
RETENTION_CLOSED_REPORT_DAYS = env_int("RETENTION_CLOSED_REPORT_DAYS", 15 * 365 + 4)
# Nothing is removed sooner than this after its warning reached the handler.
RETENTION_WARNING_HOURS = env_int("RETENTION_WARNING_HOURS", 72)
# Items a sweep handles per step and kind; the rest waits for the next run.
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 500)
for _name, _value in (
    ("RETENTION_IDENTITY_DAYS", RETENTION_IDENTITY_DAYS),
    ("RETENTION_CITIZEN_PHOTOS_DAYS", RETENTION_CITIZEN_PHOTOS_DAYS),
    ("RETENTION_CLOSED_REPORT_DAYS", RETENTION_CLOSED_REPORT_DAYS),
    ("RETENTION_WARNING_HOURS", RETENTION_WARNING_HOURS),
    ("RETENTION_BATCH_SIZE", RETENTION_BATCH_SIZE),
):
    if _value <= 0:
        raise ImproperlyConfigured(f"{_name} must be a positive whole number.")
    if _name.endswith("_DAYS") and _value * 24 <= RETENTION_WARNING_HOURS:
        raise ImproperlyConfigured(
            f"RETENTION_WARNING_HOURS must be shorter than {_name} ({_value} days)."
        )
if max(RETENTION_IDENTITY_DAYS, RETENTION_CITIZEN_PHOTOS_DAYS) > RETENTION_CLOSED_REPORT_DAYS:
    # Anonymising the report removes whatever is left of it, photos and identity too.
    raise ImproperlyConfigured(
        "RETENTION_IDENTITY_DAYS and RETENTION_CITIZEN_PHOTOS_DAYS cannot exceed "
        "RETENTION_CLOSED_REPORT_DAYS."
    )
del _name, _value

# --- Mail -----------------------------------------------------------------------------

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# --- Security -------------------------------------------------------------------------

# Server-side sessions: the identity vault keeps half of an unlocked key in the session
# and half in a cookie (whistleblower/vault.py); signed-cookie sessions would join them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes come over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DEFAULT_EXCEPTION_REPORTER_FILTER = "registry.reporting.PrivacyExceptionReporterFilter"

# One JSON object a line in production (for the log collector), plain text otherwise;
# both go through the redacting filter (registry/logs.py).
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT is json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "registry.logs.RedactingFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "registry.logs.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
