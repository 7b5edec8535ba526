"""
WSGI entry point, used by gunicorn and runserver.

https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from apps.core.checks import refuse_unsafe_configuration

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Refuse to serve with a configuration that must never reach users, such as
# a missing or weak SECRET_KEY with DEBUG off. collectstatic and other build
# steps never import this module, so they still run without secrets.
refuse_unsafe_configuration()

application = get_wsgi_application()
