"""
The Public Suffix List, parsed once per process and only when a check asks.

Parsing one copy of the list takes a large share of a cold start and some MiB of every
process; a configuration without wildcards or origin patterns never needs it.
https://publicsuffix.org/
"""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList


@cache
def public_suffixes() -> PublicSuffixList:
    """Every public suffix: the registries' (co.uk) and the private ones (herokuapp.com)."""
    return PublicSuffixList()


@cache
def icann_suffixes() -> PublicSuffixList:
    """The registries' suffixes only (co.uk, com), without the private section."""
    return PublicSuffixList(only_icann=True)
