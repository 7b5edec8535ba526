"""
WSGI entry point, used by gunicorn and runserver.

https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from config import boot

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve with a configuration that must never reach users: every
# error-level check of `check --deploy` but the management commands' own (a
# missing or weak SECRET_KEY, DEBUG under USE_SSL, ...) stops the server with
# exit status 3, which gunicorn reads as a boot failure. collectstatic and
# other build steps never import this module, so they still run without secrets.
boot.refuse_unsafe_configuration()
