"""The documented configuration: .env.example and the README name every variable the app reads."""

from __future__ import annotations

import re

from tests.support.settings import REPO


def test_the_env_example_lists_every_variable_and_the_readme_documents_each() -> None:
    from config.env import Env

    example = (REPO / ".env.example").read_text()
    readme = (REPO / "README.md").read_text()

    for name in Env.model_fields:
        assert re.search(rf"^#? ?{name}=", example, re.M), name
        assert f"| `{name}` |" in readme, name
