"""How the platforms start the project's processes: the Procfile's commands, the image's CMD."""

from __future__ import annotations

import json
import shlex

from tests.support.settings import REPO


def procfile() -> dict[str, list[str]]:
    """Each process type of the Procfile and its command, split as a shell would."""
    processes = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        processes[kind.strip()] = shlex.split(command)
    return processes


def production_stage() -> str:
    """The Dockerfile's production stage, the image a platform runs."""
    return (REPO / "Dockerfile").read_text().split("FROM base AS production")[1]


def image_command() -> list[str]:
    """The production image's CMD (exec form)."""
    lines = [line for line in production_stage().splitlines() if line.startswith("CMD ")]
    assert len(lines) == 1, lines
    command: list[str] = json.loads(lines[0].removeprefix("CMD "))
    return command
