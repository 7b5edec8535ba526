"""The project's settings with a proof-only URLconf: the project's URLs plus a cache probe."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "proof.services.urls"

# The proof's task writes one row and returns: running it again after its worker died
# does no harm (apps/core/lost_tasks.py).
TASKS_SAFE_TO_REPEAT = ["proof.services.tasks.mark"]
