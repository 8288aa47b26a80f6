"""Deployment settings, read from the environment once at start."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from reelhouse.domain.limits import API_RATE_BURST, API_RATE_PER_SECOND
from reelhouse.store.secrets import new_key_text

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_DATABASE_URL = "sqlite:///var/reelhouse.db"
DEFAULT_KEY_FILE = Path("var/secret.key")


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


def _secret_key_from(env: dict[str, str], key_file: Path) -> str:
    """REELHOUSE_SECRET_KEY wins. Without it a key file under var/ is made once, so the
    embedded demo runs out of the box; production sets the variable (docs/operations.md)."""
    configured = env.get("REELHOUSE_SECRET_KEY")
    if configured:
        return configured
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = new_key_text()
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(env: dict[str, str] | None = None) -> Settings:
    values = dict(os.environ if env is None else env)
    return Settings(
        database_url=values.get("REELHOUSE_DATABASE_URL", DEFAULT_DATABASE_URL),
        secret_key=_secret_key_from(values, DEFAULT_KEY_FILE),
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
    )


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR networks; ValueError names a bad one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"REELHOUSE_TRUSTED_PROXIES: not an address or network: {item!r}"
                ) from exc
    return tuple(networks)
