"""What a game provider runs on its side: a demo and test supplier for Reelhouse's upstream
(aggregator) interfaces, as `operator_kit` is the casino's side.

`hub88_supplier` speaks the Hub88 supplier API from the supplier's chair: it calls the
aggregator's wallet (bets, wins, rollbacks, with the supplier's own retry and rollback
rules) and answers the aggregator's launch, catalogue and free-round requests. It is an
independent implementation of the public contract (docs/providers.md, "The demo supplier"):
it imports only `reelhouse.domain` and third-party packages, never Reelhouse's own Hub88
codec, so a test that drives one against the other catches the codec's misreadings.
"""
