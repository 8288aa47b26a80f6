"""Upstream game providers, one pure codec per protocol (docs/providers.md).

Reelhouse aggregates providers as their operator: a provider calls Reelhouse's wallet
during play and Reelhouse calls the provider to list and launch its games. `base` holds the
typed values every adapter produces and consumes; each protocol (`hub88`, with its halves
`hub88_wire` and `hub88_games`; `slotcity_v4`, `igamingace_a` and `igamingace_b`, Reelhouse's
own wallet dialects spoken by a provider, with `dialect_upstream` and `answers` shared)
turns bytes into those values and back. Like the wallet dialects: no I/O, no clock, no
database; keys and time are arguments.
"""
