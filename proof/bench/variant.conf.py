"""The shipped gunicorn.conf.py with a few settings changed, for `python -m proof.bench.workers`.

BENCH_GUNICORN holds a JSON object of gunicorn settings (worker_class, threads, preload_app)
and "freeze": whether the master calls gc.freeze() before forking each worker.
"""

import gc
import json
import os
import runpy
from pathlib import Path
from typing import Any

_shipped = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
globals().update({name: value for name, value in _shipped.items() if not name.startswith("_")})
_variant = json.loads(os.environ["BENCH_GUNICORN"])
_freeze = _variant.pop("freeze")
globals().update(_variant)
globals().pop("pre_fork", None)


if _freeze:

    def pre_fork(server: Any, worker: Any) -> None:
        gc.freeze()
