"""What a person may be shown of a wallet call's detail: Reelhouse's words, never the
wallet's bytes.

A call's `detail` (WalletOutcome.detail, kept on the call for logs) quotes up to 200 bytes of
an answer Reelhouse could not read. Shown back to a user, that turns Reelhouse into a way to
read whatever answers at a callback URL (a server on Reelhouse's own network, if one ever
slipped past the address checks). So pages and API answers show the detail only up to the
first quotation or parenthesis: by the dialects' convention everything the wallet sent is
quoted (`repr`) or inside parentheses (a parser's complaint), so what is left is the
dialect's own description ("HTTP 500", "malformed answer", "result 1001 to bet") or the
transport's ("deadline: no complete answer within 2.0 s").
"""

from __future__ import annotations

SHOWN_DETAIL_MAX_CHARS = 200  # our own descriptions are one short sentence
_WALLET_TEXT_STARTS = "('\"\n\r"


def shown_detail(detail: str) -> str:
    cut = min((i for i in map(detail.find, _WALLET_TEXT_STARTS) if i >= 0), default=len(detail))
    return detail[:cut].rstrip(" :,")[:SHOWN_DETAIL_MAX_CHARS]
