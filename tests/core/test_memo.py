"""Bounded memos, and a library's build memory: loads and builds remember only through it."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.load import load_knowledge
from bot.core.library import Library
from bot.core.matching.matcher import Matcher
from bot.core.memo import BuildMemory, Memo

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "kb"


def test_a_full_memo_forgets_its_oldest_value() -> None:
    memo: Memo[str, int] = Memo(2)
    assert memo.put("a", 1) == 1
    memo.put("b", 2)
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, 2, 3)
    assert len(memo) == 2


def test_without_a_memory_nothing_is_remembered() -> None:
    kb, _ = load_knowledge(TINY)
    assert kb is not None
    assert Matcher.build(kb).index.memory is None


def test_a_memory_holds_what_a_load_and_a_build_made_and_serves_the_next() -> None:
    memory = BuildMemory()
    kb, _ = load_knowledge(TINY, memory)
    assert kb is not None
    first = Matcher.build(kb, memory)
    sizes = (len(memory.parsed), len(memory.split), len(memory.finders), len(memory.digests))
    assert all(sizes), sizes
    again, _ = load_knowledge(TINY, memory)
    second = Matcher.build(kb, memory)
    assert (len(memory.parsed), len(memory.split), len(memory.finders),
            len(memory.digests)) == sizes  # nothing new to remember
    assert second.index.synonyms is first.index.synonyms  # equal synonyms: the same finder
    assert again == kb


def test_each_library_owns_its_memory() -> None:
    one, two = Library.open(TINY), Library.open(TINY)
    assert one.current.matcher.index.memory is not two.current.matcher.index.memory
