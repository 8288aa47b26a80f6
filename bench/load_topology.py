"""How Reelhouse's processes are laid out for a load run: its API processes (`reelhouse
serve`, each on its own port, with its arguments) and its dispatchers (`reelhouse worker`).

`reelhouse serve` may or may not run the dispatcher inside itself (`--no-dispatcher` turns
it off where it does) and may or may not fork API workers itself (`--workers N`): the
layouts are chosen from what this checkout's `reelhouse serve --help` offers, so the bench
runs on either.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Topology:
    name: str
    serve_args: tuple[tuple[str, ...], ...]  # one entry per `reelhouse serve` process
    workers: int  # `reelhouse worker` processes
    description: str


@functools.cache
def serve_flags() -> frozenset[str]:
    """Which of the optional flags this checkout's `reelhouse serve` takes."""
    reelhouse_bin = str(Path(sys.executable).with_name("reelhouse"))
    # Wide, so the help's table does not wrap a flag's name.
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    shown = subprocess.run(
        [reelhouse_bin, "serve", "--help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    return frozenset(flag for flag in ("--workers", "--no-dispatcher") if flag in shown)


def single(flags: frozenset[str] | None = None) -> Topology:
    """One API process with its dispatcher: inside it where serve has one, else beside it.
    `flags`: serve's optional flags (default: this checkout's)."""
    if "--no-dispatcher" in (serve_flags() if flags is None else flags):
        return Topology("single", ((),), 0, "1 x serve (dispatcher inside)")
    return Topology("single", ((),), 1, "1 x serve + 1 x worker (serve has no dispatcher)")


def scaled(processes: int, flags: frozenset[str] | None = None) -> Topology:
    """`processes` API processes and as many dispatchers: serve forks them itself where it
    can (one port), else that many serve processes on their own ports, the client sending
    each player to one of them."""
    flags = serve_flags() if flags is None else flags
    no_dispatcher = ("--no-dispatcher",) if "--no-dispatcher" in flags else ()
    if "--workers" in flags:
        args = ("--workers", str(processes), *no_dispatcher)
        shown = " ".join(args)
        return Topology("scaled", (args,), processes, f"serve {shown} + {processes} x worker")
    serve = " ".join(("serve", *no_dispatcher))
    return Topology(
        "scaled",
        (no_dispatcher,) * processes,
        processes,
        f"{processes} x {serve} on their own ports + {processes} x worker",
    )
