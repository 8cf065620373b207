"""Bounded memos: the oldest value goes first, and forget_all empties the registered ones."""

from __future__ import annotations

from bot.core.memo import Memo, forget_all


def test_a_full_memo_forgets_its_oldest_value() -> None:
    memo: Memo[str, int] = Memo(2, registered=False)
    assert memo.put("a", 1) == 1
    memo.put("b", 2)
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, 2, 3)


def test_forget_all_empties_registered_memos_only() -> None:
    shared: Memo[str, int] = Memo(4)
    own: Memo[str, int] = Memo(4, registered=False)
    shared.put("x", 1)
    own.put("x", 1)
    forget_all()
    assert shared.get("x") is None
    assert own.get("x") == 1
