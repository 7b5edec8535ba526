"""The proof site's settings (the product's, unchanged) with the benchmark's URLconf."""

from proof.site.settings import *  # noqa: F403

ROOT_URLCONF = "proof.bench.urls"
