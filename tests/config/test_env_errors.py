"""Error lines come from the fields: the hint from description=, secrecy from SecretStr."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, SecretStr, ValidationError

from config.boot import error_lines
from config.env import Env


class WithNewVariables(Env):
    """Env as a colleague extends it: each new field carries its own description."""

    EMAIL_BATCH_SIZE: int = Field(50, ge=1, description="a whole number, 1 or more")
    EMAIL_API_TOKEN: SecretStr | None = Field(
        None, min_length=32, description="the provider's API token, 32 or more characters"
    )


def lines_for(monkeypatch: pytest.MonkeyPatch, model: type[Env], **values: str) -> list[str]:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as error:
        model(_env_file=None)
    return error_lines(error.value, model)


def test_a_new_field_gets_its_hint_from_its_description_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = lines_for(monkeypatch, WithNewVariables, EMAIL_BATCH_SIZE="0")

    assert lines == [
        "Configuration error: EMAIL_BATCH_SIZE='0' is invalid (Input should be greater than or "
        "equal to 1); expected a whole number, 1 or more."
    ]


def test_a_new_secret_field_never_shows_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = lines_for(monkeypatch, WithNewVariables, EMAIL_API_TOKEN="tok-hunter2")

    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: EMAIL_API_TOKEN is invalid (")
    assert lines[0].endswith("expected the provider's API token, 32 or more characters.")
    assert "hunter2" not in lines[0]


def test_a_variable_with_several_bad_items_gets_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = lines_for(monkeypatch, Env, ALLOWED_HOSTS='["example.com", 2, 3]', DEBUG="maybe")

    assert [line.split(" is invalid")[0] for line in lines] == [
        "Configuration error: DEBUG='maybe'",
        "Configuration error: ALLOWED_HOSTS",
    ]


def test_a_bad_part_of_a_json_value_names_the_variable_not_the_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = lines_for(monkeypatch, Env, CSP_REPORT_ONLY_POLICY='{"img-src": "self"}')

    assert lines == [
        "Configuration error: CSP_REPORT_ONLY_POLICY is invalid (Input should be a valid list); "
        "expected a CSP policy as a JSON object of directive to list of sources."
    ]


def test_the_value_shown_is_the_one_in_the_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOGIN_FAILURE_LIMIT=500\n")
    monkeypatch.delenv("LOGIN_FAILURE_LIMIT", raising=False)

    with pytest.raises(ValidationError) as error:
        Env(_env_file=env_file)

    assert error_lines(error.value, Env) == [
        "Configuration error: LOGIN_FAILURE_LIMIT='500' is invalid (Input should be less than or "
        "equal to 100); expected a whole number from 1 to 100."
    ]


def test_every_variable_says_what_a_right_value_looks_like() -> None:
    missing = [name for name, field in Env.model_fields.items() if not field.description]

    assert missing == []
