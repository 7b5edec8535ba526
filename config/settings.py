"""
Django settings for Bastion.

Every value that differs between environments comes from config/env.py,
which reads the environment (and `.env`) once; the README lists each variable.

https://docs.djangoproject.com/en/5.2/topics/settings/
https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from datetime import timedelta

from csp.constants import NONCE, NONE, SELF, STRICT_DYNAMIC

from config import env as environment
from config import service_urls

# Lower-case names here are the settings' own temporaries; Django reads upper-case only.
env = environment.load()

BASE_DIR = environment.BASE_DIR


# Core
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings

# Build steps such as collectstatic run without secrets. Serving without a
# strong key is refused by the bastion.E001 check, which runs at WSGI start-up.
SECRET_KEY = env.SECRET_KEY.get_secret_value() if env.SECRET_KEY else ""

DEBUG = env.DEBUG

ALLOWED_HOSTS = env.ALLOWED_HOSTS

ROOT_URLCONF = "config.urls"

WSGI_APPLICATION = "config.wsgi.application"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bastion's own settings, read by its views and checks.
ADMIN_URL = env.ADMIN_URL
# Staff enter the admin only after a second factor (apps/accounts/admin_site.py).
ADMIN_2FA = env.ADMIN_2FA
# The largest request body the CSP report endpoint accepts.
CSP_REPORT_MAX_BYTES = 16 * 1024
# Anyone may post CSP reports: each client gets this many requests a minute, and
# one request logs at most this many reports (a browser batches a few at most).
CSP_REPORTS_PER_MINUTE = env.CSP_REPORTS_PER_MINUTE
CSP_REPORTS_PER_REQUEST = 10
# A readiness probe that takes longer than this answers 503.
READINESS_TIMEOUT_SECONDS = 1.5


# Applications
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps

INSTALLED_APPS = [
    # The project's own first: accounts' createsuperuser replaces Django's (an earlier
    # app's command wins), and its templates replace django-allauth's.
    "apps.accounts",
    "apps.core",
    # Django (the admin under its own CSP, behind the site's sign-in: apps/accounts/admin_site.py)
    "apps.accounts.admin_site.AccountsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Its template filters date the sessions on the accounts' sessions page.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Third party
    "axes",
    "corsheaders",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_guid",
    # Accounts: sign-up, sign-in by e-mail, second factors, sessions (apps/accounts).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # The project's own
    "apps.demo",  # the showcase [demo]: `make remove-demo` deletes this line
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (django-guid's log field).
    "apps.core.middleware.RequestIdMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry these headers too. A page's own
    # Permissions-Policy (PAGE_POLICIES) replaces the site's on its way out.
    "apps.core.middleware.PagePermissionsPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    # Sees the response after CSP, sessions, CSRF and messages have added theirs.
    "apps.core.middleware.PrivateResponseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's, adding what PAGE_POLICIES declares for a page, with each policy
    # built once and a nonce named on every HTML page (apps/core/middleware.py).
    "apps.core.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-allauth's: the sign-in flow's state. (allauth's UserSessionsMiddleware is
    # left out: it only serves USERSESSIONS_TRACK_ACTIVITY, which is off below.)
    "allauth.account.middleware.AccountMiddleware",
    # Django's, making the message storage only when a page adds or shows a message.
    "apps.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]


# Templates
# https://docs.djangoproject.com/en/5.2/topics/templates/

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of third-party templates (the admin's).
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Database
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases

DATABASES = {
    "default": service_urls.database_config(
        env.DATABASE_URL.get_secret_value(),
        conn_max_age=env.DATABASE_CONN_MAX_AGE,
        ssl_require=env.DATABASE_SSL_REQUIRE,
    )
}


# Email: EMAIL_URL names the server; without it mail goes to the console with
# DEBUG on and is not sent otherwise (each message logs a warning).
# https://docs.djangoproject.com/en/5.2/topics/email/

mail = service_urls.mail_settings(
    env.EMAIL_URL.get_secret_value() if env.EMAIL_URL else None, debug=DEBUG
)
EMAIL_BACKEND = mail["EMAIL_BACKEND"]
EMAIL_HOST = mail["EMAIL_HOST"]
EMAIL_PORT = mail["EMAIL_PORT"]
EMAIL_HOST_USER = mail["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = mail["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = mail["EMAIL_USE_TLS"]
EMAIL_USE_SSL = mail["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = mail["EMAIL_TIMEOUT"]
EMAIL_FILE_PATH = mail["EMAIL_FILE_PATH"] or None  # the file:// backend's folder
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.SERVER_EMAIL
# Subjects of the mails Django sends the admins (errors, reports) name the site.
EMAIL_SUBJECT_PREFIX = "[Bastion] "
# Server errors (the django.request logger's ERROR records) are mailed to these,
# at most ERROR_MAILS_PER_KIND times per ERROR_MAIL_WINDOW_SECONDS for one kind of
# error (its exception type and where it was raised), in each process.
ADMINS = service_urls.admins(env.ADMINS)
ERROR_MAILS_PER_KIND = 3
ERROR_MAIL_WINDOW_SECONDS = 3600
# Error mail masks secrets in settings, request values and URLs (apps/core/scrub.py).
DEFAULT_EXCEPTION_REPORTER = "apps.core.reporting.Reporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "apps.core.reporting.ReporterFilter"


# Authentication: the project's user model; accounts through django-allauth (sign-up,
# sign-in by e-mail address, verification, second factors, sessions); login lockout
# through django-axes, the one lockout model (docs/security.md#one-lockout-model).
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#substituting-a-custom-user-model
# https://docs.allauth.org/en/latest/account/configuration.html
# https://docs.allauth.org/en/latest/mfa/configuration.html
# https://django-axes.readthedocs.io/en/latest/4_configuration.html

# The project's own model from the first migration: Django cannot swap it later.
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Sign-in by e-mail address (and by passkey).
    "allauth.account.auth_backends.AuthenticationBackend",
]

# One sign-in page for the site and the admin (apps/accounts/admin_site.py sends it here).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
# No account is signed in to before its address is proven (deploy check bastion.W180).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Sign-up, sign-in and reset answer the same for a registered address and an unknown
# one; the mail tells the owner (apps/accounts/adapter.py sends it off the request path).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 3
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env.USE_SSL else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_SESSION_REMEMBER = None
# Every account endpoint is rate-limited in the default cache, which REDIS_URL makes
# shared by every process and dyno. Wrong passwords are django-axes' to count: allauth's
# own login_failed limit is off, so there is one lockout, with one page and one unlock.
ACCOUNT_RATE_LIMITS: dict[str, str | bool] = {
    "login": "30/m/ip",
    "login_failed": False,
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/180s/key",
}
# The address-verification mail's link is good for a day.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1
# The client's address comes from apps.core.clients (FORWARDED_ALLOW_IPS, FORWARDED_HOPS)
# through the adapter; allauth's own X-Forwarded-For reading stays off.
ALLAUTH_TRUSTED_PROXY_COUNT = 0

# Second factors: authenticator app (TOTP, its QR code drawn on the page), recovery codes,
# passkeys both as second factor and as a sign-in without password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_ADAPTER = "apps.accounts.adapter.MFAAdapter"
# The site passkeys belong to: None, each host its own; a domain such as "example.com",
# one passkey for it and every host under it (ALLOWED_HOSTS must all be; bastion.W188).
PASSKEY_RP_ID: str | None = None
# Plain-HTTP origins are refused for passkeys except in development (bastion.E050).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Bastion"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
# A code from the step before or after is taken too, as RFC 6238 recommends for a phone's
# clock and a slow network; each code is still accepted once.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_RATE_LIMITS: dict[str, str | bool] = {"webauthn_login": "10/m/ip"}
# Trusting a browser would let a stolen password alone in for weeks.
MFA_TRUST_ENABLED = False
# Which sessions a user has, where from, and a button that signs the others out. Each is
# recorded at sign-in. Tracking its address and last visit on every request would take
# allauth's UserSessionsMiddleware (14 µs on every request) and a write
# whenever they change; turn both on together if the sessions page should show them.
USERSESSIONS_TRACK_ACTIVITY = False

# Failures are counted in the database, which every process and dyno shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# LOGIN_FAILURE_LIMIT wrong passwords lock out for LOGIN_LOCKOUT_MINUTES, right password
# or not. With a second factor required of staff (ADMIN_2FA), a password alone is worth
# little, so wrong ones lock the (address, client) pair and the client, never the address
# for everyone: knowing an admin's address is not enough to lock the admin out. Without
# it, the address itself is locked too, whoever tries it.
AXES_FAILURE_LIMIT = env.LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=env.LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS: list[str | list[str]] = (
    [["username", "ip_address"], "ip_address"] if ADMIN_2FA else ["username", "ip_address"]
)
AXES_RESET_ON_SUCCESS = True
# allauth signs in with an e-mail address; django-axes counts it as the username.
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.attempted_username"
# The client behind the proxies, as FORWARDED_ALLOW_IPS and FORWARDED_HOPS say.
AXES_CLIENT_IP_CALLABLE = "apps.core.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# What axes stores is not shown in the admin: attempted addresses and form data are
# personal data, and a code typed by mistake in the wrong field is a secret.
AXES_ENABLE_ADMIN = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code", "credential"]
FORWARDED_ALLOW_IPS = env.FORWARDED_ALLOW_IPS
# The dyno's name on Heroku (web.1, release.1), None elsewhere: read by the release gate.
HEROKU_DYNO = env.DYNO
FORWARDED_HOPS = env.FORWARDED_HOPS


# Password validation
# https://docs.djangoproject.com/en/5.2/ref/settings/#auth-password-validators

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalization
# https://docs.djangoproject.com/en/5.2/topics/i18n/

LANGUAGE_CODE = "en-us"

TIME_ZONE = "UTC"

USE_I18N = True

USE_TZ = True


# Static files, served by WhiteNoise with content hashes and compression
# https://docs.djangoproject.com/en/5.2/howto/static-files/
# https://whitenoise.readthedocs.io/en/stable/django.html

STATIC_URL = "static/"

STATIC_ROOT = BASE_DIR / "staticfiles"

# CORS belongs to /api/ alone; static files are for this site's own pages.
WHITENOISE_ALLOW_ALL_ORIGINS = False


# Uploaded files: private objects in an S3-compatible bucket when
# AWS_STORAGE_BUCKET_NAME is set (django-storages); the project folder's
# media/ in development; refused in production without a bucket, because a
# dyno's or container's disk is lost on every restart.
# https://docs.djangoproject.com/en/5.2/topics/files/
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html

MEDIA_URL = "media/"

MEDIA_ROOT = BASE_DIR / "media"

# boto3's own endpoint variables, which it follows when AWS_S3_ENDPOINT_URL is unset.
BOTO3_ENDPOINT_URL = env.AWS_ENDPOINT_URL_S3 or env.AWS_ENDPOINT_URL

if env.AWS_STORAGE_BUCKET_NAME:
    uploads_storage = {
        # django-storages, with types decided from the bytes (apps/core/bucket.py).
        "BACKEND": "apps.core.bucket.InertS3Storage",
        "OPTIONS": {
            "bucket_name": env.AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.AWS_S3_ENDPOINT_URL,
            "region_name": env.AWS_S3_REGION_NAME,
            # None lets boto3 find credentials itself (an instance role, ~/.aws).
            "access_key": env.AWS_ACCESS_KEY_ID,
            "secret_key": (
                env.AWS_SECRET_ACCESS_KEY.get_secret_value() if env.AWS_SECRET_ACCESS_KEY else None
            ),
            # No ACL header: objects are as private as the bucket, which blocks
            # public access. Links to them are signed and expire.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.AWS_QUERYSTRING_EXPIRE,
            "signature_version": "s3v4",
            # A second upload of "report.pdf" gets a new name instead of replacing the first.
            "file_overwrite": False,
        },
    }
elif DEBUG:
    uploads_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    uploads_storage = {"BACKEND": "apps.core.uploads.NoUploadsStorage"}

STORAGES = {
    "default": uploads_storage,
    "staticfiles": {"BACKEND": "apps.core.storage.RememberedURLsStorage"},
}


# Cache: local memory in each process unless REDIS_URL names a shared Redis,
# so that counters such as rate limits hold across processes and dynos.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis

# A Redis that does not answer costs a request at most this long before the
# cache is skipped (apps/core/cache.py), far below the router's 30 s.
cache_socket_timeout = 0.5

if env.REDIS_URL:
    # Lower-case, so it is no setting: an error report lists every upper-case name.
    redis_url = env.REDIS_URL.get_secret_value()
    CACHES = {
        "default": {
            # Django's own RedisCache, made to degrade while Redis is unavailable.
            "BACKEND": "apps.core.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": env.CACHE_KEY_PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": cache_socket_timeout,
                "socket_timeout": cache_socket_timeout,
                # rediss:// only: Heroku Key-Value Store's certificate is
                # self-signed, so there REDIS_SSL_CERT_REQS=none (docs/heroku.md).
                **(
                    {"ssl_cert_reqs": env.REDIS_SSL_CERT_REQS}
                    if redis_url.startswith("rediss://")
                    else {}
                ),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": env.CACHE_KEY_PREFIX,
        }
    }


# Background tasks (django-tasks, the backport of Django 6's django.tasks)
# https://github.com/RealOrangeOne/django-tasks
# https://github.com/RealOrangeOne/django-tasks-db

# "immediate" runs a task inside the request that enqueues it; "database"
# stores it in a table for the worker process (Procfile `worker:`,
# `python manage.py db_worker`). docs/heroku.md has the retry story.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if env.TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}


# A task still RUNNING after this long lost its worker (apps/core/lost_tasks.py): the worker
# queues it again as it starts (`manage.py recover_tasks` does the same) if its path is
# in TASKS_SAFE_TO_REPEAT, and fails it otherwise. Longer than any task may run.
TASKS_STALE_AFTER_SECONDS = 15 * 60
TASKS_SAFE_TO_REPEAT: list[str] = []


# Logging: one line per record on stdout, where Heroku and Docker collect it,
# each with the id of the request it belongs to
# https://docs.djangoproject.com/en/5.2/topics/logging/
# https://django-guid.readthedocs.io/en/latest/settings.html

# The platform's X-Request-ID (Heroku's router sets one) when it is a UUID, else a
# new UUID: a header that is not one never reaches a log line. Echoed in the response.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "UUID_FORMAT": "string",
    "RETURN_HEADER": True,
    # CORS_EXPOSE_HEADERS decides what other origins may read.
    "EXPOSE_HEADER": False,
}

LOG_LEVEL = env.LOG_LEVEL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "one_line_warning": {"()": "apps.core.reporting.OneLineWarning"},
    },
    # LOG_FORMAT: plain (level=... logger=... request_id=... message) or json, one
    # line per record either way (apps/core/log.py).
    "formatters": {
        "plain": {"()": "apps.core.log.PlainFormatter"},
        "json": {"()": "apps.core.log.json_formatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env.LOG_FORMAT,
            "filters": ["request_id"],
        },
        # Requests refused as suspicious: one warning line each, no traceback.
        "suspicious_requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env.LOG_FORMAT,
            "filters": ["request_id", "one_line_warning"],
        },
        # Server errors mailed to ADMINS as Django does, but from a thread of their own
        # and at most ERROR_MAILS_PER_KIND an hour for one kind (apps/core/reporting.py).
        "mail_admins": {
            "class": "apps.core.reporting.BackgroundAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's records reach stdout through the root logger; this replaces Django's
        # default console handler, which would print them again, without the request
        # id, under DEBUG.
        "django": {
            "handlers": ["mail_admins"],
            "level": LOG_LEVEL,
        },
        # A Host outside ALLOWED_HOSTS, too many fields, too large a body: anyone can send
        # such a request, so it is never mailed nor sent to Sentry.
        "django.security": {"handlers": ["suspicious_requests"], "propagate": False},
        # Its lines say whether the header was there and quote a rejected one: noise
        # at best, and a way for any client to write to the log.
        "django_guid": {"level": "ERROR"},
        # Failures and lockouts are warnings; its info lines (one at every start-up,
        # on stdout) would mix into the output of manage.py commands.
        "axes": {"level": "WARNING"},
    },
}


# Security
# https://docs.djangoproject.com/en/5.2/topics/security/
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/

# Defaults that hold with or without HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Scripts read the token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

# USE_SSL: the app is served over HTTPS behind a proxy (Heroku's router, a
# load balancer) that terminates TLS and always overwrites X-Forwarded-Proto.
# gunicorn believes that header only from FORWARDED_ALLOW_IPS and hands Django
# the scheme (wsgi.url_scheme); SECURE_PROXY_SSL_HEADER stays unset, because
# Django would read the header from any peer, including a client that bypasses
# the proxy.
USE_SSL = env.USE_SSL
HSTS_STAGE = env.HSTS_STAGE
HSTS_STAGES = environment.HSTS_STAGES
if USE_SSL:
    SECURE_SSL_REDIRECT = True
    # Probes from inside the platform speak plain HTTP and reveal nothing.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is
    # Secure, has Path=/ and no Domain, so a subdomain cannot overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    MESSAGE_STORAGE = "apps.core.messages.HostFallbackStorage"
    # HSTS is raised in stages (docs/hsts.md): one HSTS_STAGE value each.
    SECURE_HSTS_SECONDS = HSTS_STAGES[HSTS_STAGE]
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_INCLUDE_SUBDOMAINS
    SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD

SILENCED_SYSTEM_CHECKS = [
    # includeSubDomains is an explicit opt-in (HSTS_INCLUDE_SUBDOMAINS): a
    # subdomain still on plain HTTP would become unreachable for max-age.
    "security.W005",
    # Preload is an explicit opt-in (HSTS_PRELOAD): hstspreload.org no longer
    # recommends it, and leaving the list takes months. bastion.E010 guards it.
    "security.W021",
]


# Content Security Policy (django-csp 4)
# https://django-csp.readthedocs.io/en/latest/configuration.html

CSP_REPORT_URL = "/csp-report/"
# Browsers that know report-to (the Reporting API) use it and ignore
# report-uri, but Chromium delivers it only from HTTPS pages; without USE_SSL
# (development over plain HTTP) report-uri alone gets the reports through.
csp_reporting = {"report-uri": [CSP_REPORT_URL], **({"report-to": "csp"} if USE_SSL else {})}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        # Strict CSP: only scripts that carry this response's nonce run, with
        # what they load themselves; no host list to find a gadget on.
        "script-src": [NONCE, STRICT_DYNAMIC],
        # The site's stylesheets, and a <style> block that carries the nonce;
        # style="" attributes stay blocked (docs/frontend.md, "Styles").
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        # Trusted Types: innerHTML, eval and the like refuse plain strings.
        # apps/core/static/core/trusted-types.js creates the two policies allowed:
        # "bastion" for the site's scripts and a "default" that lets only inert
        # HTML parsing (htmx's) through (docs/frontend.md).
        "require-trusted-types-for": ["'script'"],
        "trusted-types": ["bastion", "default"],
        **csp_reporting,
    },
}
# The Django admin loads scripts with plain <script src> tags and writes HTML
# with innerHTML, so its views replace these directives (apps/core/admin_site.py):
# scripts from this site or with the nonce, no Trusted Types.
ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES = {
    "script-src": [SELF, NONCE],
    "require-trusted-types-for": None,
    "trusted-types": None,
}
# What a page adds to the site's policies, by URL path prefix: sources for its
# Content-Security-Policy ("csp", as django-csp's csp_update adds them) and the
# origins allowed a Permissions-Policy feature ("permissions"). The deploy
# checks judge each page's resulting policy with the site's rules
# (docs/frontend.md, "A third-party widget").
PAGE_POLICIES: dict[str, dict[str, dict[str, list[str]]]] = {}
# A stricter policy can be trialled alongside the enforced one: violations of
# this one are reported, never blocked.
CONTENT_SECURITY_POLICY_REPORT_ONLY = (
    {
        "DIRECTIVES": {
            **env.CSP_REPORT_ONLY_POLICY,
            **csp_reporting,
        }
    }
    if env.CSP_REPORT_ONLY_POLICY
    else None
)


# Permissions-Policy (django-permissions-policy)
# https://github.com/adamchainz/django-permissions-policy#settings

# Every feature Chromium recognises in a Permissions-Policy header is denied to
# this site and to any frame in it: the app uses none of them. A name the
# browser does not know (or keeps behind an origin trial) costs a console error
# on every page and protects nothing, so the list is what Chromium accepts:
# django-permissions-policy's names, less those Chromium reports as
# "Unrecognized feature" or "Origin trial controlled feature not enabled"
# (docs/frontend.md says how to redo it). A page that needs a feature gets it
# in PAGE_POLICIES below, e.g. "payment": ["self", "https://pay.example.com"].
denied_features = """
    accelerometer aria-notify autoplay browsing-topics camera captured-surface-control
    ch-device-memory ch-downlink ch-dpr ch-ect ch-prefers-color-scheme
    ch-prefers-reduced-motion ch-prefers-reduced-transparency ch-rtt ch-save-data ch-ua
    ch-ua-arch ch-ua-bitness ch-ua-form-factors ch-ua-full-version ch-ua-full-version-list
    ch-ua-high-entropy-values ch-ua-mobile ch-ua-model ch-ua-platform ch-ua-platform-version
    ch-ua-wow64 ch-viewport-height ch-viewport-width ch-width clipboard-read clipboard-write
    compute-pressure cross-origin-isolated deferred-fetch deferred-fetch-minimal
    digital-credentials-create digital-credentials-get display-capture encrypted-media
    fullscreen gamepad geolocation gyroscope hid identity-credentials-get idle-detection
    interest-cohort keyboard-map language-detector language-model local-fonts local-network
    local-network-access loopback-network magnetometer media-playback-while-not-visible
    microphone midi on-device-speech-recognition otp-credentials payment picture-in-picture
    private-state-token-issuance private-state-token-redemption publickey-credentials-create
    publickey-credentials-get screen-wake-lock serial speaker-selection storage-access
    summarizer sync-xhr translator usb window-management xr-spatial-tracking
"""
PERMISSIONS_POLICY: dict[str, list[str]] = {
    **{feature: [] for feature in denied_features.split()},
    # The admin's jQuery and its related-object pop-ups listen for unload on this site.
    "unload": ["self"],
}


# Cross-origin resource sharing (django-cors-headers), for the JSON API only
# https://github.com/adamchainz/django-cors-headers#configuration

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = env.CORS_ALLOW_CREDENTIALS


# Error tracking (Sentry), on when SENTRY_DSN is set
# https://docs.sentry.io/platforms/python/integrations/django/
# https://docs.sentry.io/platforms/python/data-management/data-collected/

if env.SENTRY_DSN:
    # Imported only when it is on: sentry-sdk costs every process start time and memory.
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    from apps.core import observability

    sentry_sdk.init(
        dsn=env.SENTRY_DSN.get_secret_value(),
        integrations=[DjangoIntegration()],
        # Unset, sentry-sdk takes the platform's commit (HEROKU_BUILD_COMMIT,
        # HEROKU_SLUG_COMMIT, SOURCE_VERSION) or SENTRY_RELEASE.
        release=env.APP_RELEASE,
        environment=env.SENTRY_ENVIRONMENT,
        # 0 leaves tracing off altogether rather than tracing nothing.
        traces_sample_rate=env.SENTRY_TRACES_SAMPLE_RATE or None,
        # No personal data: what send_default_pii=False meant, stricter. data_collection
        # replaces that flag (deprecated in sentry-sdk 2, gone in 3). Headers and query
        # parameters named like auth, token, secret, key, csrf or session are filtered by
        # the SDK; cookies, bodies and the user are not sent. Nor are local variables:
        # their reprs hold form values and full URLs whatever their names.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {
                "request": {
                    "mode": "denylist",
                    "terms": ["cookie", "forwarded", "-ip", "remote-", "via", "-user"],
                }
            },
            "http_bodies": [],
            "url_query_params": {"mode": "denylist"},
            "database_query_data": False,
            "queues": False,
            "gen_ai": {"inputs": False, "outputs": False},
            "graphql": {"document": False, "variables": False},
            "stack_frame_variables": False,
        },
        before_send=observability.before_send,
        before_send_transaction=observability.before_send_transaction,
    )
    # Requests refused as suspicious are anyone's to send: no event, no breadcrumb.
    ignore_logger(observability.SUSPICIOUS_LOGGERS)
