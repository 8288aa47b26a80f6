"""The data directory's optional configuration file, `reelhouse.env`.

One `NAME=value` a line, the names those of the environment variables
(docs/operations.md: configuration); blank lines and lines starting with `#` are skipped, and
one pair of matching quotes around a value is removed. The environment wins over the file,
so a unit file or a shell can still override one setting. It is what lets every command
(`serve`, `worker`, `operator ...`) given only the data directory read the same settings,
a PostgreSQL URL among them. The same lines work as a systemd `EnvironmentFile=`.

Bounded before it is read (CONFIG_FILE_MAX_BYTES), and strict: a line that is not a
Reelhouse setting is refused with its line number rather than skipped, so a typing mistake
never silently leaves a default in force.
"""

from __future__ import annotations

import re
from pathlib import Path

from reelhouse.domain.limits import CONFIG_FILE_MAX_BYTES

CONFIG_FILE_NAME = "reelhouse.env"
SETTING_NAME = re.compile(r"REELHOUSE_[A-Z0-9_]{1,64}", re.ASCII)
QUOTES = ('"', "'")


class ConfigFileError(ValueError):
    """The file cannot be used; the message names the line."""


def _value(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in QUOTES and text[-1] == text[0]:
        return text[1:-1]
    return text


def parse_config(text: str, *, forbidden: frozenset[str] = frozenset()) -> dict[str, str]:
    """The settings a file's text sets. `forbidden`: names the file may not set (the data
    directory: the file is found through it)."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition("=")
        name = name.strip()
        if not sep or not SETTING_NAME.fullmatch(name):
            raise ConfigFileError(f"line {number}: expected REELHOUSE_NAME=value")
        if name in forbidden:
            raise ConfigFileError(f"line {number}: {name} cannot be set in this file")
        if name in found:
            raise ConfigFileError(f"line {number}: {name} is set twice")
        found[name] = _value(value)
    return found


def read_config(data_dir: Path, *, forbidden: frozenset[str] = frozenset()) -> dict[str, str]:
    """The settings of `<data_dir>/reelhouse.env`; nothing when there is no such file."""
    path = data_dir / CONFIG_FILE_NAME
    try:
        with path.open("rb") as file:
            raw = file.read(CONFIG_FILE_MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigFileError(f"cannot read it: {exc.strerror or exc}") from exc
    if len(raw) > CONFIG_FILE_MAX_BYTES:
        raise ConfigFileError(f"larger than {CONFIG_FILE_MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError("not UTF-8 text") from exc
    return parse_config(text, forbidden=forbidden)
