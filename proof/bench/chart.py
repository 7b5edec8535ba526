"""The benchmark's chart: requests per second and latency for each stack and endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

COLOURS = {"bastion": "#1f5f8b", "baseline": "#9aa5b1", "limit": "#d9dde1"}
# The endpoints the stacks share come first, so the bars to compare stand together.
ENDPOINTS = ("page", "healthz", "database", "static")


def draw(report: dict[str, Any], path: Path) -> None:
    rows = sorted(
        (
            (ENDPOINTS.index(endpoint_key), key, entry["label"], endpoint)
            for key, entry in report["stacks"].items()
            for endpoint_key, endpoint in entry["endpoints"].items()
        ),
        key=lambda row: row[0],  # stable: the stacks keep their order within an endpoint
    )
    labels = [f"{label}  {endpoint['path'][:34]}" for _, _, label, endpoint in rows]
    colours = [COLOURS[key] for _, key, _, _ in rows]
    positions = list(range(len(rows)))[::-1]

    figure, (throughput, latency) = plt.subplots(
        1, 2, figsize=(12, 0.45 * len(rows) + 1.6), sharey=True, width_ratios=(3, 2)
    )
    rps = [endpoint["requests_per_second"] for *_, endpoint in rows]
    throughput.barh(positions, rps, color=colours)
    for position, value in zip(positions, rps, strict=True):
        throughput.text(value, position, f" {value:,.0f}", va="center", fontsize=8)
    throughput.set_yticks(positions, labels, fontsize=8)
    throughput.set_xlabel("requests per second (higher is better)")
    throughput.margins(x=0.15)

    p50 = [endpoint["p50_ms"] for *_, endpoint in rows]
    p99 = [endpoint["p99_ms"] for *_, endpoint in rows]
    latency.barh(positions, p99, color="#f0b429", label="p99")
    latency.barh(positions, p50, color="#8d6708", label="p50")
    latency.set_xlabel("latency in ms (lower is better)")
    latency.legend(loc="lower right", fontsize=8)

    settings = report["settings"]
    figure.suptitle(
        f"{settings['workers']} workers each; Bastion: gunicorn.conf.py"
        f" ({settings['bastion_gunicorn']['worker_class']},"
        f" {settings['bastion_gunicorn']['threads']} threads), startproject: gunicorn's defaults"
        f" (sync); {settings['connections']} connections ({settings['page_connections']} on the"
        f" pages), {report['machine']['cpus']} CPUs",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
