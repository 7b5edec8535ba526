"""
The project's own settings plus the proof-only site, for the proof's servers and tests.

A star import, because this module must be the project's settings exactly, whatever
config/settings.py holds now or later, with only the two lines below added.
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "proof.site"]

ROOT_URLCONF = "proof.site.urls"
