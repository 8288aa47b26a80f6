from __future__ import annotations

import pytest

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import Dialect, OperatorDialect
from reelhouse.dialects.registry import DIALECT_NAMES, UnknownDialect, get_dialect


def test_slotcity_v4_is_registered_under_its_name() -> None:
    assert "slotcity-v4" in DIALECT_NAMES
    dialect = get_dialect("slotcity-v4")
    assert dialect is slotcity_v4.SLOTCITY_V4
    assert dialect.name == "slotcity-v4"


def test_every_listed_name_resolves() -> None:
    for name in DIALECT_NAMES:
        assert get_dialect(name).name == name


@pytest.mark.parametrize("name", ["", "SlotCity-v4", "slotcity-v3", "igamingace-c"])
def test_an_unknown_name_is_refused(name: str) -> None:
    with pytest.raises(UnknownDialect, match="slotcity-v4"):
        get_dialect(name)


def test_slotcity_v4_implements_both_sides() -> None:
    # Checked by mypy: the assignments fail to type-check if a method drifts.
    reelhouse_side: Dialect = slotcity_v4.SLOTCITY_V4
    operator_side: OperatorDialect[slotcity_v4.SlotCityCallback] = slotcity_v4.SLOTCITY_V4
    assert reelhouse_side.name == operator_side.name == "slotcity-v4"
