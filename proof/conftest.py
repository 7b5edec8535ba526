"""The product's fixtures, shared with the proof (proof imports the product, never the reverse)."""

from tests.conftest import clean_env, collected_static, production

__all__ = ["clean_env", "collected_static", "production"]
