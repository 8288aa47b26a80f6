"""CPU seconds spent by processes and by the whole machine, read from /proc (Linux), so the
benchmark needs nothing installed to see where a round's CPU goes.

A process's own figure (`/proc/<pid>/stat`, utime + stime) leaves out its children until
they exit, and `reelhouse serve --workers N` runs its API in child processes: a role's
figure is the sum over its processes and all their living descendants.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces), or
    None once the process is gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def _parent_of(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None  # field 4 of stat: ppid


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of one living process (0 if it is gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # Fields 14 and 15 of stat (utime, stime); index 0 here is field 3.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S


def with_descendants(pids: Iterable[int]) -> set[int]:
    """`pids` and every living process below them."""
    roots = set(pids)
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found = set(roots)
    grew = True
    while grew:
        below = {child for child, parent in parents.items() if parent in found}
        grew = not below <= found
        found |= below
    return found


def tree_cpu_seconds(pids: Iterable[int]) -> float:
    return sum(process_cpu_seconds(pid) for pid in with_descendants(pids))


@dataclass(frozen=True)
class MachineCpu:
    """The machine's CPU time so far (all cores), busy and in total, in seconds."""

    busy_s: float
    total_s: float

    @staticmethod
    def now() -> MachineCpu:
        line = (PROC / "stat").read_text().splitlines()[0].split()
        ticks = [int(v) for v in line[1:9]]  # user nice system idle iowait irq softirq steal
        idle = ticks[3] + ticks[4]
        return MachineCpu((sum(ticks) - idle) / CLOCK_TICKS_PER_S, sum(ticks) / CLOCK_TICKS_PER_S)

    def busy_share_since(self, before: MachineCpu) -> float:
        """The share of all cores busy between `before` and this (1.0: every core busy)."""
        total = self.total_s - before.total_s
        if total <= 0:
            return 0.0
        # Busy and total are sums of floats: their ratio can pass 1 by a rounding error.
        return min(1.0, max(0.0, (self.busy_s - before.busy_s) / total))
