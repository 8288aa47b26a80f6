"""Prometheus metrics of the serving process itself: its HTTP traffic, its spins and the
money they staked and won, and the process (CPU, memory, open files, start time).

Counted in memory as requests end (api/access_log.py) and as spins return (api/game.py): no
database write and no query per request. Per process, like the dispatcher's counters
(dispatch/metrics.py): the processes of `serve --workers N` share one port, and a scrape
reaches one of them; totals over processes need each scraped apart (docs/operations.md).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

from reelhouse.services.rounds import SpinResult

# The route label of a request no route matched (a scan, a typo): one label value for all of
# them, so a stranger's requests cannot grow the series without bound.
UNMATCHED_ROUTE = "unmatched"
# Methods outside this set are counted as `other`, for the same reason.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "reelhouse_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=None,
)
REQUEST_SECONDS = Histogram(
    "reelhouse_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    # A spin waits for the wallet (2 s bet timeout, 4 s win): buckets resolve both edges.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
    registry=None,
)
SPINS = Counter(
    "reelhouse_spins",
    "Spins answered by this process (game client), by currency and the round's state.",
    ["currency", "state"],
    registry=None,
)
BET_MINOR = Counter(
    "reelhouse_spin_bet_minor",
    "Stakes of paid spins, in minor units of the currency (free rounds stake nothing).",
    ["currency"],
    registry=None,
)
WIN_MINOR = Counter(
    "reelhouse_spin_win_minor",
    "Wins of spins (free rounds too), in minor units of the currency, credited or still owed.",
    ["currency"],
    registry=None,
)
# Linux /proc: process_cpu_seconds_total, process_resident_memory_bytes,
# process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds.
PROCESS = ProcessCollector(registry=None)


def observe_request(method: str, route: str | None, status: int, duration_s: float) -> None:
    method_label = method if method in KNOWN_METHODS else "other"
    route_label = route or UNMATCHED_ROUTE
    REQUESTS.labels(method_label, route_label, str(status)).inc()
    REQUEST_SECONDS.labels(method_label, route_label).observe(duration_s)


def observe_spin(result: SpinResult) -> None:
    SPINS.labels(result.currency, result.state.value).inc()
    if result.free_round_id is None:
        BET_MINOR.labels(result.currency).inc(result.bet_minor)
    WIN_MINOR.labels(result.currency).inc(result.win_minor)


def render() -> bytes:
    """The Prometheus text exposition of everything above, read now."""
    registry = CollectorRegistry(auto_describe=False)
    for collector in (REQUESTS, REQUEST_SECONDS, SPINS, BET_MINOR, WIN_MINOR, PROCESS):
        registry.register(collector)
    return generate_latest(registry)
