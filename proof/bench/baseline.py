"""
The framework baseline: a project exactly as `django-admin startproject` makes it.

Three edits and nothing more: DEBUG off, ALLOWED_HOSTS set, and one view that answers
like Bastion's /healthz (same decorators, same bytes). Its admin login page renders the
same template as Bastion's, with Django's default middleware and settings.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from proof.harness import BIN, HOST

HEALTHZ = """

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns.append(path("healthz", healthz))
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    # A Django release that writes its template differently must stop the run, not skew it.
    if text.count(old) != 1:
        raise RuntimeError(f"{path} no longer holds {old!r} once; update proof/bench/baseline.py")
    path.write_text(text.replace(old, new))


def create(directory: Path) -> Path:
    """Generate the project in `directory`, a new folder; return it."""
    directory.mkdir()
    subprocess.run(
        [str(BIN / "django-admin"), "startproject", "baseline", str(directory)], check=True
    )
    settings = directory / "baseline" / "settings.py"
    _edit(settings, "DEBUG = True", "DEBUG = False")
    _edit(settings, "ALLOWED_HOSTS = []", f"ALLOWED_HOSTS = [{HOST!r}]")
    urls = directory / "baseline" / "urls.py"
    urls.write_text(urls.read_text() + HEALTHZ)
    return directory
