"""A demo casino: the operator-side wallet a casino runs to play Reelhouse games.

It keeps players' balances in its own database and answers SlotCity-v4 callbacks the way
the spec asks. It imports only `reelhouse.domain` and `reelhouse.dialects`, so it could ship
as its own package. Run it with `python -m reelhouse.operator_kit.demo_casino --help`.
"""

from reelhouse.operator_kit.demo_casino.app import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import AdminRefusal, Casino

__all__ = ["AdminRefusal", "Casino", "create_casino_app"]
