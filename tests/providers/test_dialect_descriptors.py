"""The three dialect upstream descriptors say what the relay asks of them: one callback URL
or one path per operation, players by account, no free rounds, and the contract's bet
timeout as a provider's default answer deadline."""

from __future__ import annotations

import pytest

from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.wallet import CommandKind
from reelhouse.providers.registry import PROTOCOL_NAMES, get_protocol

DIALECT_NAMES = (slotcity_v4.NAME, igamingace_a.NAME, igamingace_b.NAME)


def test_every_dialect_has_an_upstream_protocol_beside_hub88() -> None:
    assert set(PROTOCOL_NAMES) == {"hub88", *DIALECT_NAMES}
    assert get_protocol("hub88").answer_deadline_ms is None  # the contract does not say


@pytest.mark.parametrize("name", DIALECT_NAMES)
def test_a_dialect_upstream_descriptor(name: str) -> None:
    protocol = get_protocol(name)
    assert protocol.session_tokens is False and protocol.free_rounds is False
    # Either one URL with the command in the body, or one path per operation.
    assert (protocol.callback_path is None) == bool(protocol.wallet_paths)
    assert protocol.answer_deadline_ms == get_dialect(name).timeouts_ms[CommandKind.BET]
    # Flavour B's userAuth creates its player: no registration comes first.
    assert (protocol.encode_player is None) == (name == igamingace_b.NAME)
