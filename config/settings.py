"""
Django settings for Bastion.

Every value that differs between environments comes from config/env.py,
which reads the environment (and `.env`) once; the README lists each variable.

https://docs.djangoproject.com/en/5.2/topics/settings/
https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from csp.constants import NONCE, NONE, SELF

from config import env as environment

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
API_PAGE_SIZE = env.API_PAGE_SIZE
# The largest request body the JSON API and the CSP report endpoint accept.
API_MAX_BODY_BYTES = 16 * 1024
CSP_REPORT_MAX_BYTES = 16 * 1024
# A readiness probe that takes longer than this answers 503.
READINESS_TIMEOUT_SECONDS = 1.5


# Applications
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Third party
    "corsheaders",
    "csp",
    # Bastion
    "apps.core",
    "apps.demo",  # the showcase; `make remove-demo` deletes it
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry these headers too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    "default": environment.database_config(
        env.DATABASE_URL.get_secret_value(),
        conn_max_age=env.DATABASE_CONN_MAX_AGE,
        ssl_require=env.DATABASE_SSL_REQUIRE,
    )
}


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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "apps.core.storage.CompressedManifestStaticFilesStorage"},
}

# CORS belongs to /api/ alone; static files are for this site's own pages.
WHITENOISE_ALLOW_ALL_ORIGINS = False


# Logging: one line per record on stdout, where Heroku and Docker collect it
# https://docs.djangoproject.com/en/5.2/topics/logging/

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "level={levelname} logger={name} {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": env.LOG_LEVEL},
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
# The demo's scripts read the token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

# USE_SSL: the app is served over HTTPS behind a proxy (Heroku's router, a
# load balancer) that terminates TLS and always overwrites X-Forwarded-Proto.
USE_SSL = env.USE_SSL
HSTS_STAGE = env.HSTS_STAGE
HSTS_STAGES = environment.HSTS_STAGES
if USE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Probes from inside the platform speak plain HTTP and reveal nothing.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is
    # Secure, has Path=/ and no Domain, so a subdomain cannot overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
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
CSP_REPORTING = {"report-uri": [CSP_REPORT_URL], **({"report-to": "csp"} if USE_SSL else {})}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        **CSP_REPORTING,
    },
}
# A stricter policy can be trialled alongside the enforced one: violations of
# this one are reported, never blocked.
CONTENT_SECURITY_POLICY_REPORT_ONLY = (
    {
        "DIRECTIVES": {
            **env.CSP_REPORT_ONLY_POLICY,
            **CSP_REPORTING,
        }
    }
    if env.CSP_REPORT_ONLY_POLICY
    else None
)


# Permissions-Policy (django-permissions-policy)
# https://github.com/adamchainz/django-permissions-policy#settings

# Every browser feature django-permissions-policy 4.34 knows is denied to this
# site and to any frame in it: the app uses none of them. The library rejects a
# name it does not know (ImproperlyConfigured) but publishes no list of the
# names it knows, so its list is written out here. A page that needs a feature
# gets the origins that may use it, e.g. "camera": ["self"].
denied_features = """
    accelerometer ambient-light-sensor aria-notify autofill autoplay bluetooth
    browsing-topics camera captured-surface-control ch-device-memory ch-downlink ch-dpr
    ch-ect ch-prefers-color-scheme ch-prefers-reduced-motion ch-prefers-reduced-transparency
    ch-rtt ch-save-data ch-ua ch-ua-arch ch-ua-bitness ch-ua-form-factors ch-ua-full-version
    ch-ua-full-version-list ch-ua-high-entropy-values ch-ua-mobile ch-ua-model
    ch-ua-platform ch-ua-platform-version ch-ua-wow64 ch-viewport-height ch-viewport-width
    ch-width clipboard-read clipboard-write compute-pressure cross-origin-isolated
    deferred-fetch deferred-fetch-minimal device-attributes digital-credentials-create
    digital-credentials-get display-capture document-domain encrypted-media
    execution-while-not-rendered execution-while-out-of-viewport
    focus-without-user-activation fullscreen gamepad geolocation gyroscope haptics hid
    identity-credentials-get idle-detection interest-cohort keyboard-map language-detector
    language-model local-fonts local-network local-network-access loopback-network
    magnetometer manual-text media-playback-while-not-visible microphone midi
    on-device-speech-recognition otp-credentials payment picture-in-picture
    private-state-token-issuance private-state-token-redemption publickey-credentials-create
    publickey-credentials-get rewriter screen-wake-lock serial shared-storage
    shared-storage-select-url speaker-selection storage-access summarizer sync-xhr tools
    translator unload usb vertical-scroll vr web-app-installation web-share webnn
    window-management writer xr-spatial-tracking
"""
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in denied_features.split()}


# Cross-origin resource sharing (django-cors-headers), for the JSON API only
# https://github.com/adamchainz/django-cors-headers#configuration

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = env.CORS_ALLOW_CREDENTIALS
