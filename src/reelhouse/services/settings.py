"""Deployment settings, read once at start: from the environment, then from the data
directory's optional configuration file (services/config_file.py) for what the environment
does not set.

Light to import (the command line reads it before it knows which command runs): what it
needs of the store is imported where it is used."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from reelhouse.domain.limits import (
    API_RATE_BURST,
    API_RATE_PER_SECOND,
    DB_MAX_OVERFLOW_DEFAULT,
    DB_POOL_SIZE_DEFAULT,
)
from reelhouse.services.config_file import CONFIG_FILE_NAME, ConfigFileError, read_config

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DATA_DIR_ENV = "REELHOUSE_DATA_DIR"
KEY_ENV = "REELHOUSE_SECRET_KEY"
KEY_FILE_NAME = "secret.key"
DATABASE_FILE_NAME = "reelhouse.db"
DATABASE_URL_ENV = "REELHOUSE_DATABASE_URL"
DB_POOL_SIZE_ENV = "REELHOUSE_DB_POOL_SIZE"
DB_MAX_OVERFLOW_ENV = "REELHOUSE_DB_MAX_OVERFLOW"
SERVE_DISPATCHER_ENV = "REELHOUSE_SERVE_DISPATCHER"
MIN_EFFECTIVE_RTP_ENV = "REELHOUSE_MIN_EFFECTIVE_RTP"
# The least RTP (percent) an operator's max win per round may leave any game at its largest
# bet (services/win_cap.py). 85 % is below every variant the catalogue offers (88 and up) and
# at or above the minimum many jurisdictions set; a deployment under a stricter one raises it.
MIN_EFFECTIVE_RTP_DEFAULT = Decimal(85)


class ConfigError(ValueError):
    """A setting Reelhouse cannot start with; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    public_base_url: str  # where players' browsers reach Reelhouse (launch URLs)
    allow_private_callbacks: bool  # loopback/private callback URLs (demo, tests)
    # Durable retries of wins and cancels: backoff from the base doubling up to the cap,
    # for the window; then the manual queue. The window must stay shorter than the time
    # transaction ids are kept (forever here), so a late retry can never apply twice.
    retry_window: dt.timedelta = field(default=dt.timedelta(hours=72))
    retry_backoff_base_seconds: float = 10.0
    retry_backoff_cap_seconds: float = 3600.0
    # Edges (docs/security.md): proxies whose X-Forwarded-For is believed (none by default),
    # and each operator's Main API request rate per process.
    trusted_proxies: tuple[Network, ...] = ()
    api_rate_per_second: float = API_RATE_PER_SECOND
    api_rate_burst: int = API_RATE_BURST
    # Where Reelhouse keeps its files (the key file, the default SQLite database, the demo's
    # databases), and where the key came from (named in a key mismatch error at start).
    data_dir: Path | None = None
    key_source: str = KEY_ENV
    # PostgreSQL connections per process: kept open, and opened on top under bursts. Every
    # process (`serve` and each of its --workers, every `worker`) holds up to the sum; the
    # budget against max_connections is in docs/operations.md. SQLite ignores both.
    db_pool_size: int = DB_POOL_SIZE_DEFAULT
    db_max_overflow: int = DB_MAX_OVERFLOW_DEFAULT
    # Whether `reelhouse serve` runs the dispatcher (the outbox drain) inside each of its
    # processes; off for deployments that run `reelhouse worker` separately.
    dispatcher_in_serve: bool = True
    # The floor under the effective RTP an operator's max win per round leaves (3033).
    min_effective_rtp: Decimal = MIN_EFFECTIVE_RTP_DEFAULT


def data_dir_from(env: dict[str, str]) -> Path:
    """REELHOUSE_DATA_DIR, else $XDG_DATA_HOME/reelhouse, else ~/.local/share/reelhouse: never
    relative, so every command finds the same files wherever it is started."""
    configured = env.get(DATA_DIR_ENV, "")
    if configured:
        path = Path(configured).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"{DATA_DIR_ENV} must be an absolute path, not {configured!r}")
        return path
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "reelhouse"
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "share" / "reelhouse"


def _secret_key_from(env: dict[str, str], data_dir: Path, database_url: str) -> tuple[str, str]:
    """The key and where it came from. REELHOUSE_SECRET_KEY wins (production sets it,
    docs/operations.md); else the key file in the data directory. Without either a key file
    is made, so the demo runs out of the box, but never for a database that already holds
    sealed values: a new key cannot open them, and would stand beside them as a second key."""
    from reelhouse.store.key_check import holds_sealed_values
    from reelhouse.store.secrets import SecretKeyError, new_key_text

    configured = env.get(KEY_ENV)
    if configured:
        return configured, KEY_ENV
    key_file = data_dir / KEY_FILE_NAME
    source = f"the key file {key_file}"
    if key_file.exists():
        return key_file.read_text().strip(), source
    if holds_sealed_values(database_url):
        raise SecretKeyError(
            f"no secret key: {KEY_ENV} is not set and {key_file} does not exist, but the"
            f" database ({redacted_url(database_url)}) holds secrets sealed with a key. Set"
            f" {KEY_ENV}, or {DATA_DIR_ENV} to the data directory that holds its key file;"
            " no new key is made for sealed data."
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = new_key_text()
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key, source


def redacted_url(url: str) -> str:
    """A database URL for a message: without its password."""
    head, sep, tail = url.rpartition("@")
    if not sep:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':', 1)[0]}@{tail}"


def with_config_file(data_dir: Path, values: dict[str, str]) -> dict[str, str]:
    """The environment's values over the data directory's configuration file's."""
    try:
        configured = read_config(data_dir, forbidden=frozenset({DATA_DIR_ENV}))
    except ConfigFileError as exc:
        raise ConfigError(f"{data_dir / CONFIG_FILE_NAME}: {exc}") from exc
    return configured | values


def apply_config_file(environ: MutableMapping[str, str]) -> None:
    """The data directory's configuration file into `environ`, for each setting it does not
    hold yet. The command line does this at start: settings read straight from the
    environment (the metrics and admin tokens, the log level, the node id) then come from the
    file too, and so do those of the processes `serve --workers` starts."""
    data_dir = data_dir_from(dict(environ))
    for name, value in with_config_file(data_dir, {}).items():
        environ.setdefault(name, value)


def require_database(database_url: str, data_dir: Path, values: dict[str, str]) -> None:
    """ConfigError unless the database exists and holds Reelhouse's tables: a command that
    works on stored data, pointed at the wrong place, says so instead of creating an empty
    database there."""
    from reelhouse.store.presence import holds_schema

    if holds_schema(database_url):
        return
    origin = f"from {DATA_DIR_ENV} or --data-dir" if values.get(DATA_DIR_ENV) else "the default"
    raise ConfigError(
        f"no Reelhouse database at {redacted_url(database_url)} (data directory {data_dir},"
        f" {origin}). Give --data-dir (or {DATA_DIR_ENV}) the data directory `reelhouse serve`"
        f" uses, or set {DATABASE_URL_ENV} (in the environment or in"
        f" {data_dir / CONFIG_FILE_NAME}); `reelhouse db-upgrade` creates a new database"
    )


def load_settings(
    env: dict[str, str] | None = None, *, existing_database: bool = False
) -> Settings:
    """The settings, from `env` (default: the process environment) and the data directory's
    configuration file. `existing_database`: the command works on stored data, so a missing
    database is a ConfigError, checked before anything (a key file) is made."""
    values = dict(os.environ if env is None else env)
    data_dir = data_dir_from(values)
    values = with_config_file(data_dir, values)
    database_url = values.get(DATABASE_URL_ENV, f"sqlite:///{data_dir / DATABASE_FILE_NAME}")
    if existing_database:
        require_database(database_url, data_dir, values)
    key, key_source = _secret_key_from(values, data_dir, database_url)
    return Settings(
        database_url=database_url,
        secret_key=key,
        data_dir=data_dir,
        key_source=key_source,
        public_base_url=values.get("REELHOUSE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        allow_private_callbacks=values.get("REELHOUSE_ALLOW_PRIVATE_CALLBACKS", "0") == "1",
        retry_window=dt.timedelta(hours=float(values.get("REELHOUSE_RETRY_WINDOW_HOURS", "72"))),
        retry_backoff_base_seconds=float(values.get("REELHOUSE_RETRY_BACKOFF_BASE_SECONDS", "10")),
        retry_backoff_cap_seconds=float(values.get("REELHOUSE_RETRY_BACKOFF_CAP_SECONDS", "3600")),
        trusted_proxies=parse_networks(values.get("REELHOUSE_TRUSTED_PROXIES", "")),
        api_rate_per_second=float(
            values.get("REELHOUSE_API_RATE_PER_SECOND", str(API_RATE_PER_SECOND))
        ),
        api_rate_burst=int(values.get("REELHOUSE_API_RATE_BURST", str(API_RATE_BURST))),
        db_pool_size=_count(values, DB_POOL_SIZE_ENV, DB_POOL_SIZE_DEFAULT, minimum=1),
        db_max_overflow=_count(values, DB_MAX_OVERFLOW_ENV, DB_MAX_OVERFLOW_DEFAULT, minimum=0),
        dispatcher_in_serve=values.get(SERVE_DISPATCHER_ENV, "1") == "1",
        min_effective_rtp=_percent(values, MIN_EFFECTIVE_RTP_ENV, MIN_EFFECTIVE_RTP_DEFAULT),
    )


def _percent(values: dict[str, str], name: str, default: Decimal) -> Decimal:
    """A percentage setting from 0 to 100 (plain decimal text); ConfigError names the variable."""
    text = values.get(name, str(default))
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or not 0 <= number <= 100:
        raise ConfigError(f"{name} must be a percentage from 0 to 100, not {text!r}")
    return number


def _count(values: dict[str, str], name: str, default: int, *, minimum: int) -> int:
    """A whole number setting of at least `minimum`; ConfigError names the variable."""
    text = values.get(name, str(default))
    try:
        number = int(text)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {text!r}")
    return number


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR networks; ValueError names a bad one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise ConfigError(
                    f"REELHOUSE_TRUSTED_PROXIES: not an address or network: {item!r}"
                ) from exc
    return tuple(networks)
