"""The product's fixtures, shared with the proof (proof imports the product, never the reverse).

Every proof runs with the proof-only site installed, as proof.site.settings installs it:
pytest-django has already set Django up with the project's settings by the time this
module is imported, so the two settings that differ are switched here, for the whole run.
"""

import pytest
from django.test.utils import override_settings

from proof.harness.fixtures import (
    database,
    database_proxy,
    migrated_database,
    module_stack,
    proxied_url,
    serve,
    static_files,
)
from proof.site import settings as site_settings
from tests.support.fixtures import (
    clean_env,
    collected_static,
    no_error_tracking_left_running,
    production,
)

__all__ = [
    "clean_env",
    "collected_static",
    "database",
    "database_proxy",
    "migrated_database",
    "module_stack",
    "no_error_tracking_left_running",
    "production",
    "proxied_url",
    "serve",
    "static_files",
]


def pytest_configure(config: pytest.Config) -> None:
    override_settings(
        INSTALLED_APPS=site_settings.INSTALLED_APPS, ROOT_URLCONF=site_settings.ROOT_URLCONF
    ).enable()
