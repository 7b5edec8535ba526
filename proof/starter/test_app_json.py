"""app.json against both schemas in proof/starter/schemas (SOURCES.md there says where they
come from). What a user of the Deploy button would notice is tested in tests/test_app_json.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.heroku import app_json
from tests.support.settings import REPO

SCHEMAS = sorted((Path(__file__).parent / "schemas").glob("*.schema.json"))


def check_jsonschema(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(document)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("schema", SCHEMAS, ids=[schema.stem for schema in SCHEMAS])
def test_app_json_is_valid_against_the_schema(schema: Path) -> None:
    result = check_jsonschema(schema, REPO / "app.json")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema_name", "break_it"),
    [
        # A misspelt key would be ignored by Heroku without a word.
        ("app.json.schema.json", lambda app: app.update(enviroments=app["environments"])),
        # The stricter schema wants every config var explained.
        ("heroku-mcp-app-json.schema.json", lambda app: app["env"].update(USE_SSL="true")),
    ],
    ids=["misspelt-key", "bare-string-env-value"],
)
def test_each_schema_rejects_a_broken_app_json(
    schema_name: str, break_it: Callable[[dict[str, Any]], None], tmp_path: Path
) -> None:
    broken = app_json()
    break_it(broken)
    document = tmp_path / "app.json"
    document.write_text(json.dumps(broken))

    result = check_jsonschema(Path(__file__).parent / "schemas" / schema_name, document)

    assert result.returncode == 1, result.stdout + result.stderr
