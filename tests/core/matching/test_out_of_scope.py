"""Declared out-of-scope topics: the schema, the matcher's decline, and `faqbot why`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from bot.core.curation.evaluate import format_why
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase, OutOfScope
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher

MakeKb = Callable[[Mapping[str, str | bytes]], Path]

ENTRY = """\
entries:
  - id: cost
    title: Cost of access
    answer: Open models are free; closed ones bill per token.
    questions: [is open cheaper than closed, how are closed models priced]
    keywords: [cost, price, per token]
  - id: local
    title: Local deployment
    answer: Open models run on your own servers.
    questions: [can i run a model on my own servers]
"""

DECLARED = """\
out_of_scope:
  - topic: Exact prices of a provider
    questions:
      - what does a provider charge per million tokens
      - exact dollar rate per thousand tokens
    keywords: [per million tokens, rate card]
  - topic: Graphics cards
    questions: [how much vram does a big model need, which gpu should i buy]
"""


def problems(make_kb: MakeKb, text: str) -> list[tuple[int, int, str]]:
    kb, found = load_knowledge(make_kb({"kb.yaml": text}))
    assert kb is None
    return [(p.line, p.column, p.message) for p in found]


# -- the schema -------------------------------------------------------------------------


def test_out_of_scope_loads_merged_across_files(make_kb: MakeKb) -> None:
    more = "out_of_scope:\n  - topic: History\n    questions: [who founded the lab]\n"
    kb, found = load_knowledge(make_kb({"a.yaml": ENTRY + DECLARED, "b.yaml": more}))
    assert found == [] and kb is not None
    assert [t.topic for t in kb.out_of_scope] == [
        "Exact prices of a provider", "Graphics cards", "History"]
    first = kb.out_of_scope[0]
    assert first.keywords == ("per million tokens", "rate card")
    assert kb.out_of_scope[1].keywords == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.topic = "x"  # type: ignore[misc]
    # Not addressable: never an id, never an item.
    assert all(not i.startswith("out-of-scope") for i in kb.ids)
    assert kb.out_of_scope_topic("out-of-scope:2") == kb.out_of_scope[1]
    assert kb.out_of_scope_topic("out-of-scope:9") is None
    assert kb.out_of_scope_topic("cost") is None


def test_a_file_of_out_of_scope_topics_only_is_fine(make_kb: MakeKb) -> None:
    kb, found = load_knowledge(make_kb({"a.yaml": ENTRY, "b.yaml": DECLARED}))
    assert found == [] and kb is not None and len(kb.out_of_scope) == 2


def test_out_of_scope_problems_are_all_reported_with_places(make_kb: MakeKb) -> None:
    text = ENTRY + """\
out_of_scope:
  - topic: Prices
    questions: []
  - questions: [a question]
    colour: red
  - topic: [a, list]
    questions: [fine, 42]
    keywords: text
  - just text
  - topic: No questions
"""
    assert problems(make_kb, text) == [
        (13, 16, "'questions' is empty"),
        (14, 5, "missing required field 'topic'"),
        (15, 5, "unknown field 'colour' in an out-of-scope topic (allowed: topic, questions, "
                "keywords)"),
        (16, 12, "'topic' must be text, not a list"),
        (17, 23, "each item of 'questions' must be text, not a number; quote it"),
        (18, 15, "'keywords' must be a list, not text"),
        (19, 5, "an out-of-scope topic must be a mapping of fields, not text"),
        (20, 5, "missing required field 'questions'"),
    ]


@pytest.mark.parametrize(("value", "message"), [
    ("", "'out_of_scope' is empty"),
    (" []", "'out_of_scope' is empty"),
    (" text", "'out_of_scope' must be a list of topics, not text"),
    (" {topic: x}", "'out_of_scope' must be a list of topics, not a mapping"),
])
def test_out_of_scope_must_be_a_non_empty_list(make_kb: MakeKb, value: str,
                                                message: str) -> None:
    assert [m for _, _, m in problems(make_kb, ENTRY + f"out_of_scope:{value}\n")] == [message]


# -- the matcher ----------------------------------------------------------------------


@pytest.fixture
def declared(make_kb: MakeKb) -> Matcher:
    kb, found = load_knowledge(make_kb({"kb.yaml": ENTRY + DECLARED}))
    assert found == [] and kb is not None
    return Matcher.build(kb)


def test_an_out_of_scope_topic_declines_its_near_miss(declared: Matcher) -> None:
    match = declared.match("what does anthropic charge per million tokens?")
    assert match.verdict is Verdict.NONE
    assert match.answer_id is None and match.suggestions == ()
    # The recorded best is still an item, never the topic.
    assert all(not c.id.startswith("out-of-scope") for c in match.candidates)


def test_topics_are_scored_with_the_items_coverage_arrays_alike(declared: Matcher) -> None:
    # A small knowledge base's `rank` covers topics too (`Scorer._coverages`); `outside` takes
    # them from there: the same floats as a topic covered on its own.
    scorer = declared.scorer
    query = declared.reader.read("what does anthropic charge per million tokens?")
    scorer.rank(query)
    assert query.coverages is not None
    topics = query.coverages[declared.index.n:]
    assert topics == [scorer._coverage(query, topic.best, query.basis)
                      for topic in declared.index.outside]
    assert max(topics) > 0


def test_a_fusing_layer_reads_once_and_gets_topics_above_a_floor(declared: Matcher) -> None:
    # What the semantic layer asks of the lexical matcher: one read question, the items'
    # confidences, then only the topics that score above the floor it needs.
    question = "what does anthropic charge per million tokens?"
    query = declared.read(question)
    lexical = declared.lexical(query, 4)
    assert lexical is not None and set(lexical.scores) <= {"cost", "local"}
    assert lexical.answer is None  # the topic declines it: answered by neither matcher
    items = lexical.scores
    every = declared.outside(query)
    explained = {c.id: c.score for c in declared.explain(question, 5)}
    assert every == {i: explained[i] for i in every}
    assert items["cost"] == explained["cost"]
    prices, graphics = every["out-of-scope:1"], every.get("out-of-scope:2", 0.0)
    assert prices > graphics + 0.1  # the graphics cards share only letters with it
    assert declared.outside(query, (prices + graphics) / 2) == {"out-of-scope:1": prices}
    assert declared.outside(query, prices) == {}
    assert set(declared.parts(query, ["cost", "unknown"])) == {"cost"}
    assert declared.lexical(declared.read("thanks!"), 4) is None


def test_the_in_scope_neighbour_still_answers(declared: Matcher) -> None:
    assert declared.match("is open cheaper than closed?").answer_id == "cost"
    assert declared.match("how are closed models priced").answer_id == "cost"
    assert declared.match("can i run a model on my own servers").answer_id == "local"


def test_without_the_declaration_the_near_miss_gets_an_item(declared: Matcher) -> None:
    question = "what price per million tokens do closed models charge"
    assert declared.match(question).verdict is Verdict.NONE
    bare = Matcher.build(dataclasses.replace(declared.kb, out_of_scope=()))
    assert bare.match(question).answer_id == "cost"


def test_an_out_of_scope_topic_far_behind_changes_nothing(declared: Matcher) -> None:
    kb: KnowledgeBase = declared.kb
    topic = OutOfScope("Unrelated", ("gizmo doohickey flurbtastic",))
    assert len(kb.out_of_scope) == 2
    other = Matcher.build(dataclasses.replace(kb, out_of_scope=(topic,)))
    assert other.match("is open cheaper than closed?").answer_id == "cost"


def test_autocomplete_never_offers_an_out_of_scope_phrasing(declared: Matcher) -> None:
    for typed in ("", "what does a provider charge", "vram", "gpu"):
        assert all(not i.startswith("out-of-scope") for _, i in declared.complete(typed))


def test_why_labels_the_out_of_scope_candidate(declared: Matcher) -> None:
    text = format_why(declared, "how much vram does llama need")
    assert text.startswith("verdict: none\n")
    assert "1. out-of-scope:2 — out of scope: Graphics cards" in text
    assert "declines a question it matches best" in text
    explained = declared.explain("how much vram does llama need")
    assert explained[0].id == "out-of-scope:2"


def test_the_readme_example_loads_with_its_out_of_scope_topic(make_kb: MakeKb) -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The knowledge base", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    # The example's see-also points at a row it leaves out for brevity.
    example = example.replace("related: [factor-data-privacy]", "related: [factor-cost]")
    kb, found = load_knowledge(make_kb({"kb.yaml": example}))
    assert found == [] and kb is not None
    assert [t.topic for t in kb.out_of_scope] == ["Prices of a specific provider's API"]
