"""The per-key sliding-window rate limit, on a clock the test moves."""

from __future__ import annotations

import pytest

from bot.core import cooldown
from bot.core.cooldown import Cooldown


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_hits_per_window_then_the_wait_until_the_next() -> None:
    clock = Clock()
    limit = Cooldown(2, 30.0, clock)
    assert limit.hit("ann") is None
    clock.now += 10
    assert limit.hit("ann") is None
    clock.now += 5
    assert limit.hit("ann") == pytest.approx(15.0)  # the first hit leaves the window at +30
    assert limit.hit("bob") is None  # each key has its own window
    clock.now += 15
    assert limit.hit("ann") is None
    assert limit.hit("ann") == pytest.approx(10.0)


def test_only_idle_keys_are_forgotten_when_too_many_are_tracked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cooldown, "MAX_TRACKED_KEYS", 3)
    clock = Clock()
    limit = Cooldown(1, 10.0, clock)
    assert limit.hit("a") is None and limit.hit("b") is None
    clock.now += 9
    assert limit.hit("c") is None
    clock.now += 1
    assert limit.hit("d") is None  # a fourth key: a and b, idle, are forgotten
    assert len(limit._hits) == 2
    assert limit.hit("c") == pytest.approx(9.0)  # c was not idle: still limited
    assert limit.hit("d") == pytest.approx(10.0)


@pytest.mark.parametrize(("rate", "per"), [(0, 1.0), (1, 0.0), (1, -5.0)])
def test_a_limit_that_allows_nothing_is_refused(rate: int, per: float) -> None:
    with pytest.raises(ValueError, match="rate must be at least 1"):
        Cooldown(rate, per)


def test_a_hit_taken_back_frees_its_place() -> None:
    clock = Clock()
    limit = Cooldown(1, 300.0, clock=clock)
    assert limit.hit("ann") is None
    assert limit.hit("ann") == 300.0
    limit.forget_last("ann")  # what the hit was for did not happen
    assert limit.hit("ann") is None
    limit.forget_last("bob")  # never hit: nothing to take back
    assert limit.hit("bob") is None
