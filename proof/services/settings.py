"""The project's settings with a proof-only URLconf: the project's URLs plus a cache probe."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "proof.services.urls"
