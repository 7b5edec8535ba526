"""What one request may cost: bastion.W033 and W034."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from apps.core.checks import limits
from tests.apps.core.checks import ids


def test_debug_propagate_exceptions_fires_w033(production: Settings) -> None:
    production.DEBUG_PROPAGATE_EXCEPTIONS = True

    assert ids(limits.check_errors_and_limits()) == {"bastion.W033"}


@pytest.mark.parametrize(
    "name",
    [
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
    ],
)
def test_a_removed_upload_limit_fires_w034(production: Settings, name: str) -> None:
    setattr(production, name, None)

    messages = limits.check_errors_and_limits()

    assert ids(messages) == {"bastion.W034"}
    assert name in messages[0].msg
