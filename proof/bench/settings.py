"""Bastion's production settings, with the benchmark's URLconf: one more page, never shipped."""

from config.settings import *  # noqa: F403  (the product's settings, unchanged)

ROOT_URLCONF = "proof.bench.urls"
