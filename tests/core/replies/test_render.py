"""Replies built from the knowledge base and the matcher's verdict (real data, no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import ComparisonTable, Entry, KnowledgeBase, Source, TableRow
from bot.core.matching.match import Candidate, Match, Verdict
from bot.core.replies.render import (
    FACTOR_HEADER,
    covered_topics,
    find_factor,
    render_item,
    render_match,
    render_none,
    render_suggestions,
    render_table,
    render_topics,
    render_unknown_factor,
)
from bot.core.replies.reply import ALTERNATIVES_TITLE, Choice, ReplyKind, choices_title

TINY = Path(__file__).resolve().parents[2] / "fixtures" / "tiny" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded, problems = load_knowledge(TINY)
    assert problems == []
    assert loaded is not None
    return loaded


def match(verdict: Verdict, *ids_scores: tuple[str, float]) -> Match:
    return Match("q", verdict, tuple(Candidate(i, s) for i, s in ids_scores))


def test_answer_reply_for_an_entry(kb: KnowledgeBase) -> None:
    reply = render_match(kb, match(Verdict.ANSWER, ("tea-brewing", 0.9), ("coffee-grinding", 0.4)))
    assert reply.kind is ReplyKind.ANSWER
    assert reply.item_id == "tea-brewing"
    assert reply.title == "Brewing tea"
    assert reply.body == "Steep the leaves for three minutes in water just off the boil."
    assert reply.table is None
    assert reply.choices == ()
    assert [c.id for c in reply.see_also] == ["coffee-grinding", "drinks-table"]
    assert [c.title for c in reply.see_also] == ["Grinding coffee", "Tea and coffee compared"]
    assert reply.footer == "The Tiny Guide — Brewing"


def test_answer_reply_for_the_table(kb: KnowledgeBase) -> None:
    reply = render_match(kb, match(Verdict.ANSWER, ("drinks-table", 0.8)))
    assert reply.kind is ReplyKind.ANSWER
    assert reply.item_id == "drinks-table"
    assert reply.title == "Tea and coffee compared"
    assert reply.body == "How tea and coffee differ."
    assert reply.table is not None
    assert reply.table.columns == (FACTOR_HEADER, "Tea", "Coffee")
    assert reply.table.rows == (
        ("Caffeine", "About 40 mg a cup", "About 95 mg a cup"),
        ("Where it grows", "China, India and Kenya", "Brazil, Vietnam and Colombia"),
        ("Price per cup", "A few cents", "Tens of cents"),
    )
    assert [c.id for c in reply.see_also] == ["tea-brewing", "coffee-grinding"]
    assert reply.footer == "The Tiny Guide — Comparison"
    assert render_table(kb) == reply


def test_answer_reply_for_one_row(kb: KnowledgeBase) -> None:
    reply = render_match(kb, match(Verdict.ANSWER, ("row-caffeine", 0.7)))
    assert reply.kind is ReplyKind.ANSWER
    assert reply.item_id == "row-caffeine"
    assert reply.title.startswith("Caffeine")
    assert reply.table is not None
    assert reply.table.columns == (FACTOR_HEADER, "Tea", "Coffee")
    assert reply.table.rows == (("Caffeine", "About 40 mg a cup", "About 95 mg a cup"),)
    # A row links to its own related ids and back to the whole table, never to itself.
    assert [c.id for c in reply.see_also] == ["coffee-grinding", "drinks-table"]
    assert reply.footer == "The Tiny Guide — Comparison"


def test_suggest_reply_offers_the_candidates(kb: KnowledgeBase) -> None:
    m = match(Verdict.SUGGEST, ("tea-brewing", 0.45), ("coffee-grinding", 0.42),
              ("row-caffeine", 0.35), ("flat-tyre", 0.31))
    reply = render_match(kb, m)
    assert reply.kind is ReplyKind.SUGGEST
    assert [c.id for c in reply.choices] == ["tea-brewing", "coffee-grinding", "row-caffeine"]
    assert [c.title for c in reply.choices] == ["Brewing tea", "Grinding coffee", "Caffeine"]
    assert reply.item_id is None
    assert reply.table is None
    assert render_suggestions(kb, m.suggestions) == reply


def test_an_answer_offers_its_alternatives_as_choices(kb: KnowledgeBase) -> None:
    m = Match("q", Verdict.ANSWER, (Candidate("tea-brewing", 0.5), Candidate("flat-tyre", 0.45),
                                    Candidate("gone", 0.44)), offered=("flat-tyre", "gone"))
    reply = render_match(kb, m)
    assert reply.kind is ReplyKind.ANSWER and reply.item_id == "tea-brewing"
    assert reply.choices == (Choice("flat-tyre", "Fixing a flat tyre"),)  # unknown ids dropped
    assert choices_title(reply) == ALTERNATIVES_TITLE
    plain = render_item(kb, "tea-brewing")
    assert plain is not None and reply.see_also == plain.see_also
    alone = render_match(kb, match(Verdict.ANSWER, ("tea-brewing", 0.9)))
    assert alone.choices == () and choices_title(alone) is None


def test_none_reply_names_topics_and_never_guesses(kb: KnowledgeBase) -> None:
    # Even with a weak best candidate, a "none" verdict shows no answer and no choices.
    reply = render_match(kb, match(Verdict.NONE, ("flat-tyre", 0.2)))
    assert reply == render_none(kb)
    assert reply.kind is ReplyKind.NONE
    assert reply.item_id is None
    assert reply.choices == ()
    assert reply.see_also == ()
    assert reply.table is None
    # It names a few topics the knowledge base covers...
    named = [c.title for c in covered_topics(kb) if c.title in reply.body]
    assert len(named) >= 2
    assert "Brewing tea" in reply.body
    assert "Fixing a flat tyre" in reply.body
    # ...but never the weak candidate's answer.
    assert "puncture" not in reply.body
    assert "Steep the leaves" not in reply.body


def test_none_reply_offers_the_closest_entries_instead_of_a_tour(kb: KnowledgeBase) -> None:
    closest = Match("tyre at night", Verdict.NONE, (Candidate("flat-tyre", 0.12),
                                                    Candidate("gone", 0.11)),
                    offered=("flat-tyre", "gone"))
    reply = render_match(kb, closest)
    assert reply.kind is ReplyKind.NONE and reply.title == "No answer in the knowledge base"
    assert reply.choices == (Choice("flat-tyre", "Fixing a flat tyre"),)  # an unknown id dropped
    assert reply.body.startswith("The knowledge base has no answer to that, and I'd rather not "
                                 "guess.")
    assert "came closest" in reply.body and "topics such as" not in reply.body
    assert "puncture" not in reply.body  # still no answer given
    gone = Match("x", Verdict.NONE, (Candidate("gone", 0.12),), offered=("gone",))
    assert render_match(kb, gone) == render_none(kb)  # none known: the tour


def test_none_reply_for_an_answer_verdict_without_a_known_id(kb: KnowledgeBase) -> None:
    reply = render_match(kb, match(Verdict.ANSWER, ("no-such-id", 0.99)))
    assert reply.kind is ReplyKind.NONE


def test_none_reply_for_an_empty_match(kb: KnowledgeBase) -> None:
    assert render_match(kb, Match("q", Verdict.SUGGEST, ())).kind is ReplyKind.NONE
    assert render_match(kb, Match("q", Verdict.ANSWER, ())).kind is ReplyKind.NONE


def test_covered_topics_one_per_group_and_the_table_then_the_rest(kb: KnowledgeBase) -> None:
    ids = [c.id for c in covered_topics(kb)]
    assert ids == ["tea-brewing", "flat-tyre", "drinks-table", "coffee-grinding"]


def test_the_none_reply_names_up_to_five_even_in_one_group() -> None:
    entries = tuple(Entry(id=f"e{n}", title=f"Entry {n}", answer="A.", group="Only group")
                    for n in range(1, 8))
    body = render_none(KnowledgeBase(entries=entries)).body
    assert [f"Entry {n}" in body for n in range(1, 8)] == [True] * 5 + [False] * 2
    two = render_none(KnowledgeBase(entries=entries[:2])).body
    assert "• Entry 1\n• Entry 2\n" in two


def test_render_item_for_unknown_id_is_none(kb: KnowledgeBase) -> None:
    assert render_item(kb, "no-such-id") is None
    assert render_item(kb, "flat-tyre") is not None


def test_see_also_excludes_unknown_ids_and_itself() -> None:
    entry = Entry(id="a", title="Alpha", answer="A.", related=("ghost", "a", "b", "b", "row-x"))
    other = Entry(id="b", title="Beta", answer="B.")
    table = ComparisonTable(
        id="t", title="Table", columns=("L", "R"),
        rows=(TableRow(id="row-x", factor="X", cells=("1", "2"), related=("ghost", "row-x")),),
        related=("missing",),
    )
    kb = KnowledgeBase(entries=(entry, other), table=table)
    reply = render_item(kb, "a")
    assert reply is not None
    assert [c.id for c in reply.see_also] == ["b", "row-x"]
    assert reply.footer is None  # no source, no footer
    row_reply = render_item(kb, "row-x")
    assert row_reply is not None
    assert [c.id for c in row_reply.see_also] == ["t"]
    table_reply = render_item(kb, "t")
    assert table_reply is not None
    assert table_reply.see_also == ()


def test_no_table() -> None:
    kb = KnowledgeBase(entries=(Entry(id="a", title="Alpha", answer="A.",
                                      source=Source("Doc")),))
    reply = render_table(kb)
    assert reply.kind is ReplyKind.ERROR
    assert reply.table is None
    assert find_factor(kb, "cost") is None
    none = render_none(kb)
    assert "Alpha" in none.body


def test_topics_lists_every_id(kb: KnowledgeBase) -> None:
    reply = render_topics(kb)
    assert reply.kind is ReplyKind.INFO
    assert "(7)" in reply.title
    for item_id in kb.ids:
        assert f"`{item_id}`" in reply.body
    assert "**Drinks**" in reply.body
    assert "**Bicycles**" in reply.body


@pytest.mark.parametrize(("text", "row_id"), [
    ("caffeine", "row-caffeine"),
    ("Caffeine", "row-caffeine"),
    ("row-caffeine", "row-caffeine"),
    ("stimulant", "row-caffeine"),
    ("cost", "row-price"),
    ("price  per   cup", "row-price"),
    ("PRICE-PER-CUP", "row-price"),
    ("tea", None),
    ("", None),
])
def test_find_factor(kb: KnowledgeBase, text: str, row_id: str | None) -> None:
    row = find_factor(kb, text)
    assert (row.id if row else None) == row_id


def test_unknown_factor_lists_the_factors(kb: KnowledgeBase) -> None:
    reply = render_unknown_factor(kb, "sugar")
    assert reply.kind is ReplyKind.ERROR
    assert "Caffeine" in reply.body
    assert "Price per cup" in reply.body


def test_an_entry_with_a_source_url_links_to_it() -> None:
    entry = Entry(id="install", title="Install", answer="Run it.",
                  source=Source("Docs", "Install", "https://docs.example.org/i.html#install"))
    reply = render_item(KnowledgeBase(entries=(entry,)), "install")
    assert reply is not None
    assert reply.link == "https://docs.example.org/i.html#install"
    assert reply.footer == "Docs — Install"
    plain = render_item(KnowledgeBase(entries=(Entry(id="x", title="X", answer="Y"),)), "x")
    assert plain is not None and plain.link is None
