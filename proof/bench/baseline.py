"""
The framework baseline: a project exactly as `django-admin startproject` makes it.

Five edits and nothing more: DEBUG off, ALLOWED_HOSTS set, the database Bastion uses (the
same PostgreSQL server and database, through the same psycopg), one view that answers
like Bastion's /healthz (same decorators, same bytes), and the benchmark's planted pages
(proof/bench/page.py, copied in as it is, so both projects render the same template). It
runs under gunicorn's defaults (sync workers, no config file), as a plain project would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

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

from baseline import page  # noqa: E402

urlpatterns += page.urlpatterns
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    # A Django release that writes its template differently must stop the run, not skew it.
    if text.count(old) != 1:
        raise RuntimeError(f"{path} no longer holds {old!r} once; update proof/bench/baseline.py")
    path.write_text(text.replace(old, new))


def database(url: str) -> str:
    """Django's DATABASES entry for a postgres:// URL, as the template writes its own."""
    parts = urlsplit(url)
    entry = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }
    return f"DATABASES = {{'default': {entry!r}}}"


def create(directory: Path, database_url: str) -> Path:
    """Generate the project in `directory`, a new folder, on `database_url`; return it."""
    directory.mkdir()
    subprocess.run(
        [str(BIN / "django-admin"), "startproject", "baseline", str(directory)], check=True
    )
    settings = directory / "baseline" / "settings.py"
    _edit(settings, "DEBUG = True", "DEBUG = False")
    _edit(settings, "ALLOWED_HOSTS = []", f"ALLOWED_HOSTS = [{HOST!r}]")
    _edit(
        settings,
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n"
        "        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}",
        database(database_url),
    )
    shutil.copy(Path(__file__).with_name("page.py"), directory / "baseline" / "page.py")
    urls = directory / "baseline" / "urls.py"
    urls.write_text(urls.read_text() + HEALTHZ)
    # Served from compiled bytecode, as Bastion is.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(directory)], check=True)
    return directory
