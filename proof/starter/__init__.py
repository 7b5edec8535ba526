"""Tests about the starter's own files."""
