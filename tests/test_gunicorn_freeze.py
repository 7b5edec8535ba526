"""gunicorn.conf.py freezes the preloaded app's objects in the master before each fork."""

from __future__ import annotations

import gc
import runpy
from collections.abc import Iterator

import pytest

from tests.support.settings import REPO

GUNICORN_CONF = REPO / "gunicorn.conf.py"


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_the_pre_fork_hook_moves_every_tracked_object_out_of_the_collectors_reach() -> None:
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["preload_app"] is True
    assert gc.get_freeze_count() == 0

    conf["pre_fork"](server=None, worker=None)

    assert gc.get_freeze_count() > 0
    assert sum(len(gc.get_objects(generation)) for generation in range(3)) < gc.get_freeze_count()
