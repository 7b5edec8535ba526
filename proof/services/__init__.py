"""Proof that the cache, uploads and background tasks work against the real servers."""
