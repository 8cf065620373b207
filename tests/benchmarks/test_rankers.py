"""The baseline rankers on the tiny knowledge base and on a corpus small enough to count by hand."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from benchmarks.rankers import (
    BM25,
    bm25_ranker,
    item_fields,
    item_texts,
    token_sort_ranker,
    wratio_ranker,
)
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "kb"


@pytest.fixture(scope="module")
def tiny() -> KnowledgeBase:
    kb, problems = load_knowledge(TINY)
    assert kb is not None, problems
    return kb


def test_every_item_is_its_fields_as_an_import_gives_them(tiny: KnowledgeBase) -> None:
    fields = item_fields(tiny)
    assert list(fields) == list(tiny.ids)
    assert fields["tea-brewing"][0] == "Brewing tea"
    assert "Steep the leaves for three minutes in water just off the boil." in fields["tea-brewing"]
    assert "how long should tea steep" in fields["tea-brewing"]
    assert fields["row-caffeine"] == ["Caffeine", "caffeine", "stimulant", "About 40 mg a cup",
                                      "About 95 mg a cup", "which has more caffeine, tea or coffee"]
    assert fields["drinks-table"] == ["Tea and coffee compared", "compare tea and coffee",
                                      "compare", "comparison", "table",
                                      "How tea and coffee differ."]
    assert item_texts(tiny)["row-price"] == "\n".join(fields["row-price"])


def test_bm25_scores_by_the_okapi_formula() -> None:
    docs = [["tea", "tea", "leaves"], ["coffee", "beans"], ["tea", "coffee", "milk", "sugar"]]
    bm25 = BM25(["a", "b", "c"], docs, k1=1.5, b=0.75)
    average = 9 / 3
    idf_tea = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    ranked = dict(bm25.rank("Tea?"))
    assert set(ranked) == {"a", "c"}
    assert ranked["a"] == pytest.approx(
        idf_tea * 2 * 2.5 / (2 + 1.5 * (1 - 0.75 + 0.75 * 3 / average)))
    assert ranked["c"] == pytest.approx(
        idf_tea * 1 * 2.5 / (1 + 1.5 * (1 - 0.75 + 0.75 * 4 / average)))
    assert bm25.rank("milk and tea")[0][0] == "c"  # the rarer word decides
    assert bm25.rank("nothing in common") == []


def test_bm25_over_the_tiny_knowledge_base_finds_a_word_only_in_an_answer(
        tiny: KnowledgeBase) -> None:
    rank = bm25_ranker(tiny)
    assert rank("which wheel has the puncture")[0][0] == "flat-tyre"
    assert rank("espresso")[0][0] == "coffee-grinding"


def test_fuzzy_rankers_score_an_item_by_its_best_field(tiny: KnowledgeBase) -> None:
    for make in (wratio_ranker, token_sort_ranker):
        ranked = make(tiny)("How do I fix a flat tyre?")
        assert ranked[0] == ("flat-tyre", 100.0)
        assert len({item_id for item_id, _ in ranked}) == len(ranked)
        assert all(a[1] >= b[1] for a, b in itertools.pairwise(ranked))
