"""
What each middleware costs a request, in-process: the stack with it against the stack without.

    .venv/bin/python -m proof.bench.middleware /healthz
    .venv/bin/python -m proof.bench.middleware /bench/page/ --rounds 30

Runs the settings `make bench` measures (the project's own, USE_SSL on behind the proxy,
DEBUG off, a fresh PostgreSQL database migrated by the release step, the planted pages
added) and makes one WSGI handler with the whole MIDDLEWARE, one without each entry in
turn, and one with none, all in one process. Each round pairs a batch of the whole stack
with a batch of every other variant, back to back, 20 ms each, so that a slower spell of
the machine falls on both batches of a pair. A middleware's cost, in CPU µs per request,
comes from the median over the rounds of the ratio within its pairs (`report` says how);
± says how far the machine's noise can move it.

An entry that others need (sessions, without which authentication refuses every request)
cannot be measured alone: its row says so instead of giving a figure. Run it again after
changing MIDDLEWARE, to see what a middleware of your own costs every request.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from proof.bench import inprocess
from proof.bench.profile import production_application, request

# Short batches in many pairs: both batches of a pair then mostly share one spell of
# the machine, slow or fast.
SECONDS_PER_BATCH = 0.02


@dataclass
class Variant:
    label: str
    middleware: list[str]
    application: Any = None
    batches: Iterator[float] | None = None
    best: float = float("inf")
    refused: str = ""
    ratios: list[float] = field(default_factory=list)


def variants(stack: Sequence[str]) -> list[Variant]:
    """The whole stack, the stack without each entry, and no middleware at all."""
    return [
        Variant("the whole stack", list(stack)),
        *(Variant(path, [other for other in stack if other != path]) for path in stack),
        Variant("no middleware at all", []),
    ]


def build(variant: Variant, path: str) -> None:
    """Make the variant's handler and check that it answers `path` with a 200."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    # Each middleware reads its settings when it is made; MIDDLEWARE itself is read
    # only here, so the handlers can serve side by side once made.
    with override_settings(MIDDLEWARE=variant.middleware):
        variant.application = WSGIHandler()
    # Silenced: a variant that fails would log the error Django logs for any failing request.
    logging.disable(logging.CRITICAL)
    try:
        status = request(variant.application, path)
    except Exception as error:  # any failure means another entry needs this one
        status = f"{type(error).__name__}: {error}"
    finally:
        logging.disable(logging.NOTSET)
    if not status.startswith("200"):
        variant.refused = f"answers {status.split(':')[0]} without it: another entry needs it"
        return
    variant.batches = inprocess.batches(variant.application, path, SECONDS_PER_BATCH)


def measure(all_variants: list[Variant], rounds: int) -> None:
    """Pair a batch of the whole stack with a batch of each other variant, `rounds` times."""
    whole, *others = [variant for variant in all_variants if variant.batches is not None]
    assert whole.batches is not None
    for number in range(rounds):
        for variant in others if number % 2 == 0 else reversed(others):
            assert variant.batches is not None
            if number % 2 == 0:  # which of the pair runs first alternates too
                with_it, without_it = next(whole.batches), next(variant.batches)
            else:
                without_it, with_it = next(variant.batches), next(whole.batches)
            whole.best = min(whole.best, with_it)
            variant.ratios.append(without_it / with_it)


def report(all_variants: list[Variant], path: str) -> str:
    """A line per variant: its CPU µs per request, what the entry left out costs, and ±.

    A variant's figure is the whole stack's best batch times the median ratio of its
    pairs. A slower spell of the machine (another tenant, a lower clock) slows both
    batches of a pair by the same factor, which the ratio cancels; the difference of two
    bests would carry whichever spell the fewer batches missed. ± is the median's 95%
    interval, 1.58 times the spread of the middle half of the ratios over √pairs.
    """
    whole = all_variants[0]
    width = max(len(variant.label) for variant in all_variants)
    lines = [
        f"{path}: CPU µs per request, and what each entry costs the whole stack",
        f"{'':<{width}}  {'µs':>7}  {'cost':>6}  {'±':>5}",
    ]
    for variant in all_variants:
        if variant.refused:
            figures = variant.refused
        elif variant is whole:
            figures = f"{whole.best:>7.1f}"
        else:
            quartiles = statistics.quantiles(variant.ratios)
            figure = whole.best * statistics.median(variant.ratios)
            spread = (quartiles[2] - quartiles[0]) / len(variant.ratios) ** 0.5
            interval = whole.best * 1.58 * spread
            figures = f"{figure:>7.1f}  {whole.best - figure:>6.1f}  {interval:>5.1f}"
        lines.append(f"{variant.label:<{width}}  {figures}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof.bench.middleware", description=__doc__)
    parser.add_argument("path", help="the URL path to request, like /healthz")
    parser.add_argument("--rounds", type=int, default=150, help="pairs of batches per variant")
    args = parser.parse_args(argv)

    with production_application("middleware", "proof.bench.settings"):
        from django.conf import settings

        all_variants = variants(settings.MIDDLEWARE)
        for variant in all_variants:
            build(variant, args.path)
        if all_variants[0].batches is None:
            raise SystemExit(f"{args.path}: the whole stack {all_variants[0].refused}")
        measure(all_variants, args.rounds)
        print(report(all_variants, args.path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
