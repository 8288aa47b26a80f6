"""The demo's aggregated provider: the provider kit's Hub88-style supplier, started beside
Reelhouse, registered as provider `demo-supplier`, its catalogue synced and offered to the
demo operator, so the demo's games list shows its games and its game page plays rounds
through the relay into the demo casino's wallet.

Both key pairs (the supplier's, and Reelhouse's own for this provider) are made at the
first start and kept in the demo's data directory (mode 600), so a restart reuses them and
the stored provider still verifies the supplier. The supplier listens on a fresh port at
every start; the provider's base URL follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.provider_kit.hub88_supplier import SupplierGames, SupplierWallet
from reelhouse.provider_kit.hub88_supplier.keys import (
    load_private_key,
    new_private_key,
    private_pem,
    public_pem,
)
from reelhouse.providers import hub88_wire
from reelhouse.services import provider_games, providers
from reelhouse.services.platform import Platform
from reelhouse.tls import client_tls_context

SUPPLIER_NAME = "demo-supplier"
SUPPLIER_TITLE = "Demo Supplier"
SUPPLIER_KEY_FILE = "demo-supplier-key.pem"  # the supplier's private key
REELHOUSE_KEY_FILE = "reelhouse-key-for-demo-supplier.pem"  # Reelhouse's, for this provider


@dataclass
class DemoSupplier:
    games: SupplierGames
    provider_id: int
    wallet_http: httpx.Client

    def stop(self) -> None:
        self.games.stop()
        self.wallet_http.close()


def _key(var_dir: Path, file_name: str) -> RSAPrivateKey:
    """The key kept in `file_name`, made on the first start (RSA 2048: a fraction of a
    second, once)."""
    path = var_dir / file_name
    if not path.exists():
        path.write_bytes(private_pem(new_private_key()))
        path.chmod(0o600)
    return load_private_key(path.read_bytes())


def start_supplier(var_dir: Path) -> tuple[SupplierGames, RSAPrivateKey, RSAPrivateKey]:
    """The supplier's games server, listening; with its key and Reelhouse's key for it."""
    supplier_key = _key(var_dir, SUPPLIER_KEY_FILE)
    reelhouse_key = _key(var_dir, REELHOUSE_KEY_FILE)
    games = SupplierGames(reelhouse_key.public_key())
    games.start()
    return games, supplier_key, reelhouse_key


def aggregate_supplier(
    platform: Platform,
    reelhouse_url: str,
    operator_name: str,
    started: tuple[SupplierGames, RSAPrivateKey, RSAPrivateKey],
) -> DemoSupplier:
    """Registers the running supplier (or moves the registered one to its new address),
    syncs its catalogue, offers it to `operator_name`, and connects its game page to
    Reelhouse's relay for it."""
    games, supplier_key, reelhouse_key = started
    provider_id = _registered(platform, games.base_url, supplier_key, reelhouse_key)
    fetch = platform.upstream_fetch
    assert fetch is not None, "build_platform wires the real transport"
    provider_games.sync_catalogue(platform, SUPPLIER_NAME, fetch)
    providers.enable_for_operator(platform, SUPPLIER_NAME, operator_name, True)
    http = httpx.Client(verify=client_tls_context())
    games.connect_wallet(
        SupplierWallet(f"{reelhouse_url}/upstream/{SUPPLIER_NAME}", supplier_key, http)
    )
    return DemoSupplier(games, provider_id, http)


def _registered(
    platform: Platform, base_url: str, supplier_key: RSAPrivateKey, reelhouse_key: RSAPrivateKey
) -> int:
    try:
        known = providers.get_provider(platform, SUPPLIER_NAME)
    except ReelhouseError as exc:
        if exc.code is not ApiCode.PROVIDER_NOT_FOUND:
            raise
        spec = providers.NewProvider(
            name=SUPPLIER_NAME,
            title=SUPPLIER_TITLE,
            protocol=hub88_wire.NAME,
            base_url=base_url,
            verify_key_pem=public_pem(supplier_key),
            sign_key_pem=private_pem(reelhouse_key),
        )
        return providers.add_provider(platform, spec)
    providers.set_base_url(platform, SUPPLIER_NAME, base_url)
    return known.id
