"""app.json as Heroku reads it: the config vars the Deploy button sets."""

from __future__ import annotations

import json
import secrets
from typing import Any

from tests.support.settings import REPO

# A new app's address has a random suffix nobody knows before the app exists.
APP_HOST = "bastion-3f9a1c2d4e5b.herokuapp.com"


def app_json() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((REPO / "app.json").read_text())
    return result


def config_vars(env: dict[str, Any]) -> dict[str, str]:
    """The config vars Heroku sets from an app.json env block.

    Heroku documents its secret generator only as a pseudo-random string; a
    64-character hex string has the fewest distinct characters of the usual
    forms, so the app's key checks are tried against the weakest one.
    """
    return {
        name: secrets.token_hex(32) if spec.get("generator") == "secret" else spec["value"]
        for name, spec in env.items()
    }
