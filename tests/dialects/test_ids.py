"""Generated ids stay exact in a JavaScript number (below 2^53), unique and increasing, under
a fake clock: bursts beyond a tick's sequence borrow ahead, a clock stepping back takes no id
back, and nodes never collide."""

from __future__ import annotations

import pytest

from reelhouse.domain import ids
from reelhouse.domain.ids import EPOCH_MS, MAX_NODE, MAX_SEQUENCE, TICK_MS, IdGenerator


class FakeClock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


# The last millisecond the layout covers, and a day in 2026.
LAST_MS = EPOCH_MS + ((1 << ids.TIME_BITS) - 1) * TICK_MS
SOME_DAY_MS = 1_767_225_599_123


def test_the_largest_possible_id_is_below_2_53() -> None:
    clock = FakeClock(LAST_MS)
    generator = IdGenerator(MAX_NODE, clock)
    made = [generator.next_id() for _ in range(MAX_SEQUENCE + 1)]
    assert max(made) == 2**53 - 1
    assert all(0 <= i < 2**53 for i in made)
    # An id is exact as an IEEE double (what JSON.parse makes of it).
    assert all(int(float(i)) == i for i in made)


def test_ids_are_unique_and_increasing_through_bursts_and_ticks() -> None:
    clock = FakeClock(SOME_DAY_MS)
    generator = IdGenerator(5, clock)
    made = []
    for step in range(40):
        # Bursts of three ticks' worth of ids in one tick: the generator borrows ahead.
        made += [generator.next_id() for _ in range(3 * (MAX_SEQUENCE + 1) if step % 7 else 3)]
        clock.ms += 3
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(i < 2**53 for i in made)


def test_a_clock_stepping_back_takes_no_id_back() -> None:
    clock = FakeClock(SOME_DAY_MS)
    generator = IdGenerator(1, clock)
    first = generator.next_id()
    clock.ms -= 60_000
    assert generator.next_id() > first


def test_ids_sort_by_time_across_nodes() -> None:
    clock = FakeClock(SOME_DAY_MS)
    early = IdGenerator(MAX_NODE, clock).next_id()
    clock.ms += TICK_MS
    later = IdGenerator(0, clock).next_id()
    assert early < later


def test_two_nodes_never_make_the_same_id() -> None:
    clock = FakeClock(SOME_DAY_MS)
    a, b = IdGenerator(3, clock), IdGenerator(4, clock)
    made_a = {a.next_id() for _ in range(2000)}
    made_b = {b.next_id() for _ in range(2000)}
    assert not made_a & made_b


def test_the_default_generator_is_below_2_53() -> None:
    assert all(0 < ids.new_id() < 2**53 for _ in range(1000))


@pytest.mark.parametrize("configured", ["64", "1023", "-1"])
def test_a_node_outside_the_layout_is_a_configuration_error(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ids.NODE_ENV, configured)
    with pytest.raises(ValueError, match="0-63"):
        IdGenerator()


def test_the_configured_node_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ids.NODE_ENV, "42")
    made = IdGenerator(clock_ms=FakeClock(SOME_DAY_MS)).next_id()
    assert (made >> ids.SEQUENCE_BITS) & MAX_NODE == 42
