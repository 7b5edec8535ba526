"""The project's settings, unchanged, with the benchmark's URLconf.

Not the proof site's: the benchmark measures the product an owner runs, with nothing the
proofs add (their app, pages and views) loaded at start-up or held in memory.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "proof.bench.urls"
