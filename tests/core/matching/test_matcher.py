"""The matcher on a tiny knowledge base built in code: scoring, verdicts, thresholds, synonyms,
typos, table routing, explanations and autocomplete. No mocks, no files."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.knowledge.models import (
    ComparisonTable,
    Entry,
    KnowledgeBase,
    Lexicon,
    TableRow,
    Thresholds,
)
from bot.core.matching.index import EAGER_ITEMS
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher
from bot.core.matching.score import MAX_CANDIDATES, POOL
from bot.core.matching.weights import Weights


def tiny_kb(*, thresholds: Thresholds | None = None, strict_entry: bool = False,
            synonyms: dict[str, tuple[str, ...]] | None = None) -> KnowledgeBase:
    """Five entries and a two-row comparison table about open and closed models."""
    entries = (
        Entry(id="local-deployment", title="Local deployment",
              answer="Open models can run entirely on your own servers, keeping data private.",
              questions=("can i run a model on my own servers",),
              keywords=("on-premises", "own servers")),
        Entry(id="transparency", title="Transparency and auditability",
              answer="Researchers can inspect behaviour and find biases.",
              questions=("can open models be audited",), keywords=("audit", "bias")),
        Entry(id="accountability", title="Accountability",
              answer="A single responsible party is easier to hold accountable for harmful "
                     "outputs.",
              questions=("who is liable when a model causes harm",),
              keywords=("liability", "responsible party")),
        Entry(id="licensing", title="Hybrid licensing",
              answer="Some models are free for research but need a licence for commercial use.",
              questions=("can i use a research model commercially",),
              keywords=("commercial license", "non-commercial"),
              thresholds=Thresholds(answer=0.99, suggest=0.2, margin=0.05) if strict_entry
              else None),
        Entry(id="investment", title="Sustained investment",
              answer="Training frontier models costs hundreds of millions of dollars.",
              questions=("who pays for frontier research",), keywords=("funding", "revenue")),
    )
    table = ComparisonTable(
        id="comparison", title="Open vs closed at a glance", columns=("Open", "Closed"),
        questions=("show me the comparison table",), keywords=("comparison", "side by side"),
        rows=(
            TableRow(id="factor-cost", factor="Cost to access",
                     cells=("Free (compute costs only)", "Per-token API pricing"),
                     aliases=("cost", "price")),
            TableRow(id="factor-privacy", factor="Data privacy",
                     cells=("Full control", "Data sent to provider"),
                     aliases=("privacy",)),
        ),
    )
    return KnowledgeBase(
        entries=entries, table=table,
        synonyms=synonyms if synonyms is not None else {
            "on-premises": ("self-host", "self-hosting", "in-house", "run locally"),
            "accountability": ("sue", "blame"),
        },
        thresholds=thresholds or Thresholds(),
    )


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(tiny_kb())


def test_build_keeps_the_knowledge_base(matcher: Matcher) -> None:
    assert matcher.kb.entry("transparency") is not None


# -- scoring ------------------------------------------------------------------------------


def test_an_alternate_question_answers_with_full_confidence(matcher: Matcher) -> None:
    match = matcher.match("Can open models be audited?")
    assert match.verdict is Verdict.ANSWER
    assert match.answer_id == "transparency"
    top = matcher._score("Can open models be audited?")[0]
    assert top.coverage == top.fit == 1.0  # word for word: the word-level part is whole
    # The letters part compares the question with all of the item's text, answer included.
    share = Weights().grams
    assert match.score == round((1 - share) + share * top.letters, 4) > 0.7


def test_a_typo_the_corrector_misses_still_finds_its_item_by_letters() -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="reactions", title="How do I add a reaction?",
              answer="Call message.add_reaction with the emoji."),
        Entry(id="images", title="How do I upload an image?",
              answer="Send a discord.File with the message."),
        Entry(id="status", title="How do I set a playing status?",
              answer="Change the presence with an activity."),
    ))
    matcher = Matcher.build(kb)
    assert matcher.reader.correct("reeact") is None  # two edits from "reaction"
    assert matcher.explain("make the bot reeact with a thumbs up")[0].id == "reactions"


def test_c_cpp_and_csharp_are_three_languages() -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="c", title="Where do I start with C?", answer="Read K&R, then write a shell."),
        Entry(id="cpp", title="Where do I start with C++?", answer="Read a recent C++ primer."),
        Entry(id="csharp", title="Where do I start with C#?", answer="Install the .NET SDK."),
    ))
    matcher = Matcher.build(kb)
    assert matcher.match("how do i start learning c#").answer_id == "csharp"
    assert matcher.match("how do i start learning c++").answer_id == "cpp"
    assert matcher.match("how do i start learning c").answer_id == "c"


def test_a_past_form_finds_the_entry_that_names_the_verb() -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="forget", title="What if I forget my password?", answer="Use the reset link."),
        Entry(id="refund", title="Can I get a refund?", answer="Within 14 days, yes."),
        Entry(id="ship", title="When will my order ship?", answer="Within two working days."),
    ))
    matcher = Matcher.build(kb)
    assert matcher.match("help i forgot it").answer_id == "forget"
    assert '"forget" in title' in matcher.explain("help i forgot it")[0].reasons


def test_one_rare_word_is_enough(matcher: Matcher) -> None:
    assert matcher.match("cost?").answer_id == "factor-cost"
    assert matcher.match("auditability").answer_id == "transparency"


def test_rare_words_outweigh_common_ones(matcher: Matcher) -> None:
    # "models" is everywhere; "funding" is one entry's keyword.
    assert matcher.match("funding for models").answer_id == "investment"


def test_answer_text_counts_when_phrasings_do_not(matcher: Matcher) -> None:
    best = matcher.match("hundreds of millions of dollars").best
    assert best is not None
    assert best.id == "investment"


def test_candidates_are_ranked_and_bounded(matcher: Matcher) -> None:
    match = matcher.match("open models data")
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(match.candidates) <= MAX_CANDIDATES
    assert all(0.0 <= s <= 1.0 for s in scores)


# -- synonyms, typos, normalisation ---------------------------------------------------------


def test_synonym_phrase_expands_the_question(matcher: Matcher) -> None:
    match = matcher.match("can we self-host it?")
    assert match.answer_id == "local-deployment"


def test_synonyms_are_phrase_aware(matcher: Matcher) -> None:
    # "run it locally" holds the member "run locally" once "it" (a stop word) is dropped.
    assert matcher.match("could we run it locally").answer_id == "local-deployment"


def test_synonyms_match_in_both_directions(matcher: Matcher) -> None:
    assert matcher.match("who can i sue").answer_id == "accountability"


def test_without_the_synonym_the_word_is_unknown() -> None:
    plain = Matcher.build(tiny_kb(synonyms={}))
    assert plain.match("who can i sue").verdict is not Verdict.ANSWER


def test_typos_are_corrected_word_by_word(matcher: Matcher) -> None:
    assert matcher.match("transparancy").answer_id == "transparency"
    assert matcher.match("can open modles be audeted").answer_id == "transparency"
    assert matcher.match("pricce").answer_id == "factor-cost"


def test_a_typo_of_a_stop_word_is_not_an_unknown_word(matcher: Matcher) -> None:
    assert matcher.match("who is liable whne a model causes harm").answer_id == "accountability"


def test_mentions_urls_emoji_and_case_are_ignored(matcher: Matcher) -> None:
    match = matcher.match("<@123456> @faqbot CAN OPEN MODELS BE AUDITED?? 🤔 https://x.y/z")
    assert match.answer_id == "transparency"


def test_glued_words_are_split(matcher: Matcher) -> None:
    assert matcher.match("ownservers").answer_id == "local-deployment"


# -- verdicts ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "hi bot", "good morning everyone!", "thanks!", "hey there", "lol", "ok cool",
    "what's the weather in berlin", "tell me a joke", "recommend a pizza place",
])
def test_small_talk_and_unrelated_questions_get_no_answer(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).verdict is Verdict.NONE


@pytest.mark.parametrize("text", ["1", "2024?", "who", "why?", "who are you", "ok but why"])
def test_numbers_or_interrogatives_alone_ask_nothing(matcher: Matcher, text: str) -> None:
    match = matcher.match(text)
    assert match.verdict is Verdict.NONE
    assert match.candidates == ()


def test_ambiguous_question_suggests(matcher: Matcher) -> None:
    # Both an entry and the cost row speak of frontier costs and pricing.
    kb = tiny_kb(thresholds=Thresholds(answer=0.5, suggest=0.1, margin=0.6))
    match = Matcher.build(kb).match("models cost")
    assert match.verdict is Verdict.SUGGEST
    assert 1 <= len(match.suggestions) <= 3
    assert match.answer_id is None


def test_a_question_spanning_two_items_suggests_both(matcher: Matcher) -> None:
    match = matcher.match("audit or funding")
    assert match.verdict is Verdict.SUGGEST
    assert {"transparency", "investment"} <= set(match.suggestions)


def test_two_linked_items_each_answering_half_suggest_both() -> None:
    kb = tiny_kb()
    linked = dataclasses.replace(kb, entries=tuple(
        dataclasses.replace(e, related=("investment",)) if e.id == "transparency" else e
        for e in kb.entries))
    match = Matcher.build(linked).match("audit or funding")
    assert match.verdict is Verdict.SUGGEST  # linked, yet neither answers the whole question
    assert {"transparency", "investment"} <= set(match.suggestions)
    # A linked runner-up that adds nothing the best leaves out is no rival.
    assert Matcher.build(linked).match("audit transparency").answer_id == "transparency"


def test_suggestions_only_with_the_suggest_verdict(matcher: Matcher) -> None:
    match = matcher.match("can open models be audited")
    assert match.verdict is Verdict.ANSWER
    assert match.suggestions == ()


def shop_kb(*, related: tuple[str, ...] = ()) -> KnowledgeBase:
    return KnowledgeBase(entries=(
        Entry(id="hours", title="Opening hours", answer="We open at nine and close at six.",
              questions=("when are you open",)),
        Entry(id="holidays", title="Holiday hours", answer="On public holidays we open at ten.",
              questions=("are you open on holidays",), related=related),
        Entry(id="parking", title="Parking", answer="Park behind the shop.",
              questions=("where can i park",)),
    ))


def test_an_answer_with_a_thin_lead_offers_the_runner_up() -> None:
    match = Matcher.build(shop_kb()).match("open on sunday")
    assert match.verdict is Verdict.ANSWER and match.answer_id == "holidays"
    assert match.alternatives == ("hours",)
    # A clear lead offers nothing; nor does a runner-up the answer already links to.
    assert Matcher.build(shop_kb()).match("when do you open").alternatives == ()
    linked = Matcher.build(shop_kb(related=("hours",))).match("open on sunday")
    assert linked.answer_id == "holidays" and linked.alternatives == ()


def test_kb_thresholds_apply() -> None:
    strict = Matcher.build(tiny_kb(thresholds=Thresholds(answer=1.0, suggest=0.99, margin=0)))
    assert strict.match("audit bias models something else").verdict is Verdict.NONE
    lenient = Matcher.build(tiny_kb(thresholds=Thresholds(answer=0.05, suggest=0.01, margin=0)))
    assert lenient.match("audit bias models something else").verdict is Verdict.ANSWER


def test_entry_thresholds_override_the_kb() -> None:
    matcher = Matcher.build(tiny_kb(strict_entry=True))
    match = matcher.match("commercial license for a research model")
    assert match.best is not None
    assert match.best.id == "licensing"
    assert match.verdict is Verdict.SUGGEST  # the entry asks for 0.99 before answering
    assert match.suggestions[0] == "licensing"
    # Other entries keep the knowledge base's thresholds.
    assert matcher.match("can open models be audited").verdict is Verdict.ANSWER


def test_related_runner_up_is_not_ambiguity() -> None:
    entries = (
        Entry(id="a", title="Open model benefits", answer="x",
              questions=("benefits of open models",), related=("b",)),
        Entry(id="b", title="Open model benefits for research", answer="y",
              questions=("benefits of open models for research",)),
        Entry(id="c", title="Something else entirely", answer="z"),
    )
    match = Matcher.build(KnowledgeBase(entries=entries)).match("benefits of open models")
    assert match.verdict is Verdict.ANSWER
    assert match.answer_id == "a"


def test_the_runner_up_is_found_past_items_linked_to_the_best() -> None:
    # The best item's four related items fill the exactly ranked places; the unrelated item
    # matches too little to rank among them, yet the margin is measured against it.
    linked = tuple(Entry(id=f"linked-{n}", title=f"Benefits {n}", answer="x",
                         questions=(f"open model benefits {word}",))
                   for n, word in enumerate(("overview", "summary", "list", "recap")))
    best = Entry(id="best", title="Open model benefits", answer="x",
                 questions=("open model benefits",), related=tuple(e.id for e in linked))
    rival = Entry(id="rival", title="Survey", answer="y", questions=("open model survey",))
    limits = Thresholds(answer=0.3, suggest=0.2, margin=0.9)
    match = Matcher.build(KnowledgeBase(entries=(best, *linked, rival), thresholds=limits)
                          ).match("open model benefits")
    assert match.candidates[0].id == "best"
    assert "rival" not in [c.id for c in match.candidates]
    assert match.verdict is Verdict.SUGGEST
    alone = Matcher.build(KnowledgeBase(entries=(best, *linked), thresholds=limits))
    assert alone.match("open model benefits").verdict is Verdict.ANSWER


# -- the table -----------------------------------------------------------------------------


def test_a_factor_question_routes_to_its_row(matcher: Matcher) -> None:
    assert matcher.match("cost open vs closed").answer_id == "factor-cost"
    assert matcher.match("privacy open or closed?").answer_id == "factor-privacy"


def test_a_comparison_question_routes_to_the_table(matcher: Matcher) -> None:
    assert matcher.match("show me the comparison").answer_id == "comparison"
    assert matcher.match("side by side").answer_id == "comparison"


def test_cells_count_for_their_row(matcher: Matcher) -> None:
    best = matcher.match("per-token api pricing").best
    assert best is not None
    assert best.id == "factor-cost"


# -- explanations ---------------------------------------------------------------------------


def test_explain_lists_the_words_that_matched(matcher: Matcher) -> None:
    top = matcher.explain("who can i sue for harmfull outputs")[0]
    assert top.id == "accountability"
    text = " ".join(top.reasons)
    assert '"sue"' in text and "synonyms" in text
    assert 'read as "harmful"' in text
    assert "closest phrasing" in text


def test_explain_names_the_field_each_word_matched_in(matcher: Matcher) -> None:
    def fields(question: str, item_id: str) -> str:
        found = next(c for c in matcher.explain(question, 10) if c.id == item_id)
        return " ".join(found.reasons)

    # "transparency" in the title, "bias" a keyword, "researchers" only in the answer.
    said = fields("transparency bias researchers", "transparency")
    assert '"transparency" in title' in said
    assert '"bias" in keyword' in said
    assert '"researchers" in answer' in said
    assert '"provider" in table cells' in fields("data sent to the provider", "factor-privacy")
    assert '"liable" in question' in fields("liable", "accountability")


def test_explain_names_the_answer_of_each_candidate_with_long_answers() -> None:
    # Every candidate's answer read once, whatever the number of words found only there.
    words = [f"term{n}" for n in range(300)]
    kb = KnowledgeBase(entries=tuple(
        Entry(id=f"e{n}", title=f"Topic {n}",
              answer=" ".join(words[(n * 7 + k) % 300] for k in range(1500)))
        for n in range(5)))
    question = " ".join(words[k * 13 % 300] for k in range(40))
    explained = Matcher.build(kb).explain(question)
    assert explained
    for candidate in explained:
        assert sum(reason.endswith(" in answer") for reason in candidate.reasons) >= 10


def test_explain_names_words_not_covered(matcher: Matcher) -> None:
    top = matcher.explain("audit quantum bananas")[0]
    assert any("not covered" in reason and "bananas" in reason for reason in top.reasons)


def test_explain_respects_the_limit(matcher: Matcher) -> None:
    assert len(matcher.explain("open models", limit=2)) <= 2
    assert matcher.explain("open models", limit=0) == ()
    assert matcher.explain("") == ()


# -- autocomplete ----------------------------------------------------------------------------


def test_complete_empty_lists_titles(matcher: Matcher) -> None:
    choices = matcher.complete("")
    assert choices[0] == ("Local deployment", "local-deployment")
    assert len(matcher.complete("", limit=3)) == 3


def test_complete_empty_shows_each_label_once() -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="refunds-card", title="Refunds", answer="Card refunds take a week."),
        Entry(id="refunds-gift", title="Refunds", answer="Gift cards are not refunded."),
        Entry(id="long-a", title="Shipping " + "x" * 120 + " a", answer="a"),
        Entry(id="long-b", title="Shipping " + "x" * 120 + " b", answer="b"),
        Entry(id="party", title="🎉", answer="Parties on Fridays.")))
    choices = Matcher.build(kb).complete("")
    labels = [label for label, _ in choices]
    assert len(labels) == len(set(labels))
    assert [item_id for _, item_id in choices] == ["refunds-card", "long-a", "party"]
    assert all(len(label) <= 100 for label in labels)


def test_complete_reads_the_first_hundred_characters_of_a_pasted_page(matcher: Matcher) -> None:
    # A choice is at most 100 characters; comparing a whole page with each cost 0.2 s.
    start = "can open models be audited by outside researchers for bias and "
    page = start + "safety, " * 500
    assert matcher.complete(page) == matcher.complete(page[:100])
    assert matcher.complete(page)[0][1] == "transparency"


def test_complete_finds_phrasings_as_typed(matcher: Matcher) -> None:
    ids = [item_id for _, item_id in matcher.complete("can open mod")]
    assert "transparency" in ids[:3]
    ids = [item_id for _, item_id in matcher.complete("transparncy")]
    assert ids[0] == "transparency"


def test_complete_labels_are_unique_short_and_bounded() -> None:
    long_question = "why " + "really " * 30 + "open"
    kb = KnowledgeBase(entries=tuple(
        Entry(id=f"e{n}", title=f"Open topic {n}", answer="a",
              questions=(long_question, "open question")) for n in range(40)))
    choices = Matcher.build(kb).complete("open", limit=25)
    labels = [label for label, _ in choices]
    assert len(choices) <= 25
    assert len(labels) == len(set(labels))
    assert all(len(label) <= 100 for label in labels)


# -- scale -----------------------------------------------------------------------------------


def test_every_items_coverage_at_once_is_the_item_by_item_one(matcher: Matcher) -> None:
    # A small knowledge base scores every item and out-of-scope topic with array operations
    # (`Scorer._coverages`); a large one its candidates one by one (`Scorer._coverage`): the
    # same floats.
    scorer = matcher.scorer
    assert scorer._columns is not None
    for question in ("can i run it locally on my own servers", "who can i sue for harm",
                     "self-hosting vs closed api cost", "transparancy of open models"):
        query = matcher.reader.read(question)
        bests = [*(d.best for d in matcher.index.drafts),
                 *(topic.best for topic in matcher.index.outside)]
        one_by_one = [scorer._coverage(query, best, query.basis) for best in bests]
        assert any(one_by_one)
        assert scorer._coverages(query, scorer._columns, query.basis).tolist() == one_by_one
    assert any(len(credit) > 1 for _, credit in matcher.reader.read("run locally").terms)


def test_candidate_generation_on_a_large_kb_still_finds_the_entry() -> None:
    # Enough entries for candidate generation and for items finished on first use.
    filler = tuple(
        Entry(id=f"filler-{n}", title=f"Open model topic {n}", answer="open models and data",
              questions=(f"what about open model topic {n}",))
        for n in range(max(POOL * 5, EAGER_ITEMS + 50)))
    special = Entry(id="special", title="Quantisation", answer="Smaller weights.",
                    questions=("how does quantisation shrink a model",))
    matcher = Matcher.build(KnowledgeBase(entries=(*filler, special)))
    assert matcher.match("does quantisation shrink open models").answer_id == "special"
    assert matcher.match("quantizaton").answer_id == "special"
    assert matcher.match("what about open model topic 77").answer_id == "filler-77"
    assert matcher.complete("quantisation shrink")[0][1] == "special"


def _pair_kb(thresholds: Thresholds) -> KnowledgeBase:
    """Two entries that share their topic word ("gizmo") and a third about something else."""
    return KnowledgeBase(entries=(
        Entry(id="gizmo-price", title="Gizmo price", answer="The gizmo costs ten coins.",
              questions=("how much is a gizmo",), keywords=("gizmo", "doohickey")),
        Entry(id="gizmo-setup", title="Gizmo setup", answer="Plug the gizmo in.",
              questions=("how do i set up a gizmo",), keywords=("gizmo", "doohickey")),
        Entry(id="widget", title="Widget repair", answer="Widgets are repaired by hand.",
              questions=("how do i repair a widget",), keywords=("widget",)),
        *(Entry(id=name, title=f"{name.capitalize()} care", answer=f"Dust the {name}.",
                questions=(f"how do i clean a {name}",), keywords=(name,))
          for name in ("kettle", "lantern", "bicycle", "sprocket", "teapot")),
    ), thresholds=thresholds)


def test_two_items_covering_the_same_words_do_not_cover_the_question_together() -> None:
    # Each covers "gizmo doohickey" only; "flurbtastic" is unknown. Counted twice, the two
    # would seem to cover the whole question between them.
    matcher = Matcher.build(_pair_kb(Thresholds(answer=0.95, suggest=0.65, margin=0.0)))
    scored = matcher._score("gizmo doohickey flurbtastic")
    assert scored[0].coverage + scored[1].coverage >= 0.9  # the sum would say "joint"
    close = Weights().joint_share * 0.65
    assert all(close <= s.score < 0.65 for s in scored[:2])  # each close to suggesting
    assert matcher.match("gizmo doohickey flurbtastic").verdict is Verdict.NONE


def test_two_items_covering_different_words_suggest_both() -> None:
    matcher = Matcher.build(_pair_kb(Thresholds(answer=0.95, suggest=0.45, margin=0.0)))
    scored = matcher._score("price or repair")
    assert all(s.score < 0.45 for s in scored)  # neither would be suggested on its own
    match = matcher.match("price or repair")
    assert match.verdict is Verdict.SUGGEST
    assert {"gizmo-price", "widget"} <= set(match.suggestions)


def test_only_the_phrasings_sharing_the_most_weight_are_compared() -> None:
    # Thirty phrasings share the topic word; the one that also shares the rare words is
    # still the closest phrasing found, although only a few phrasings are compared in full.
    names = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
             "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
             "zulu amber cobalt denim ember")
    fillers = tuple(f"gizmo {word}" for word in names.split(" "))
    kb = KnowledgeBase(entries=(
        Entry(id="gizmo", title="Gizmo", answer="All about the gizmo.",
              questions=(*fillers, "does the gizmo need a flux capacitor")),
        *(Entry(id=name, title=f"{name.capitalize()} care", answer=f"Dust the {name}.",
                questions=(f"how do i clean a {name}",), keywords=(name,))
          for name in ("kettle", "lantern", "bicycle", "sprocket", "teapot")),
    ))
    matcher = Matcher.build(kb)
    assert len(matcher.index.items[0].phrases) > 30
    top = matcher._score("gizmo flux capacitor?")[0]
    assert top.item.id == "gizmo"
    assert top.phrase is not None and top.phrase.text == "does the gizmo need a flux capacitor"
    assert top.fit > 0.9


def _sides_kb() -> KnowledgeBase:
    """Two items that differ by the side of a contrast the knowledge base draws often."""
    return KnowledgeBase(entries=(
        Entry(id="overview", title="The open vs closed gizmo debate", answer="Both have fans.",
              questions=("open vs closed gizmos", "is it open vs closed for gizmos")),
        Entry(id="case-open", title="The case for open gizmos",
              answer="Anyone can repair them.", questions=("why are open gizmos good",)),
        Entry(id="case-closed", title="The case for closed gizmos",
              answer="Makers keep them safe.",
              questions=("what reasons do makers give for not sharing gizmo designs",)),
        *(Entry(id=name, title=f"{name.capitalize()} care", answer=f"Dust the {name}.",
                questions=(f"how do i clean a {name}",), keywords=(name,))
          for name in ("kettle", "lantern", "bicycle", "sprocket", "teapot")),
    ))


def test_an_item_titled_for_the_other_side_of_a_contrast_counts_less() -> None:
    matcher = Matcher.build(_sides_kb())
    unopposed = Matcher.build(_sides_kb(), weights=Weights(opposed=1.0))
    assert len(matcher.index.opposed) == 1  # "open vs closed", set against each other twice
    question = "give me reasons for open gizmo designs"
    scores = {s.item.id: s.score for s in matcher._score(question)}
    plain = {s.item.id: s.score for s in unopposed._score(question)}
    assert scores["case-closed"] < plain["case-closed"]
    assert scores["case-open"] == plain["case-open"]  # its title is on the question's side
    assert scores["overview"] == plain["overview"]  # names both sides
    # A question naming both sides, or neither, or only a side, takes no side.
    for both in ("open or closed gizmo designs", "reasons for gizmo designs", "open"):
        assert ({s.item.id: s.score for s in matcher._score(both)}
                == {s.item.id: s.score for s in unopposed._score(both)})


# -- the knowledge base's own words (lexicon) ---------------------------------------------------


def bot_kb(lexicon: Lexicon | None = None) -> KnowledgeBase:
    """A bot library's FAQ, where "bot" is a topic word, with an optional lexicon."""
    return KnowledgeBase(
        entries=(
            Entry(id="bot-token", title="Where do I get a bot token?",
                  answer="Create an application in the developer portal and copy its token."),
            Entry(id="fine-tuning", title="Can I fine tune the classifier?",
                  answer="Yes: train the classifier further on your own labelled examples."),
            Entry(id="rate-limits", title="Why am I rate limited?",
                  answer="Too many requests in a short time; slow down and retry later."),
        ),
        lexicon=lexicon or Lexicon(),
    )


def test_general_english_knows_no_domain_word() -> None:
    matcher = Matcher.build(bot_kb())
    assert matcher.match("bot").verdict is not Verdict.NONE  # a topic word here
    assert matcher.match("clf").verdict is Verdict.NONE  # nobody taught it this spelling


def test_the_lexicon_respells_and_silences_words() -> None:
    lexicon = Lexicon(respellings=(("clf", "classifier"),), stop_words=frozenset({"bot"}))
    matcher = Matcher.build(bot_kb(lexicon))
    assert matcher.match("clf").answer_id == "fine-tuning"
    assert matcher.match("bot").verdict is Verdict.NONE  # only a stop word left: small talk


def test_weak_words_weigh_less_than_the_same_word_unweakened() -> None:
    plain = Matcher.build(bot_kb()).explain("token limited", 3)
    weak = Matcher.build(bot_kb(Lexicon(weak_words=frozenset({"token"})))).explain(
        "token limited", 3)
    assert plain[0].id == "bot-token"  # "token" is the rarer, heavier word
    assert weak[0].id == "rate-limits"  # weakened, it loses to "limited"


def test_the_lexicon_respells_into_names_ending_in_plus_or_hash() -> None:
    """A respelling may name "c++" or "c#", which the matcher reads as words of their own."""
    kb = KnowledgeBase(entries=(
        Entry(id="cpp", title="Which C++ standard do you target?", answer="C++20."),
        Entry(id="csharp", title="Is there a C# binding?", answer="Yes, on NuGet."),
        Entry(id="c", title="Does it build with a plain C compiler?", answer="Yes, C99."),
    ), lexicon=Lexicon(respellings=(("cpp", "c++"), ("csharp", "c#"))))
    matcher = Matcher.build(kb)
    assert matcher.match("cpp?").answer_id == "cpp"
    assert matcher.match("any csharp?").answer_id == "csharp"
    plain = Matcher.build(dataclasses.replace(kb, lexicon=Lexicon()))
    assert plain.match("cpp?").answer_id is None and plain.match("any csharp?").answer_id is None
