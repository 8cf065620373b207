"""Reading a question (`QuestionReader`): content words, corrections, splits and weights, on a
small knowledge base built in code. No mocks, no files."""

from __future__ import annotations

from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.matching.index import Index
from bot.core.matching.read import MAX_WORDS, QuestionReader


def household_kb() -> KnowledgeBase:
    return KnowledgeBase(entries=(
        Entry(id="funding", title="How the lab is funded", answer="Grants and revenue.",
              questions=("who funded the lab",), keywords=("funded", "favour")),
        *(Entry(id=name, title=f"{name.capitalize()} care", answer=f"Dust the {name}.",
                questions=(f"how do i clean a {name}",), keywords=(name,))
          for name in ("kettle", "lantern", "bicycle", "sprocket", "teapot")),
    ))


def reader() -> QuestionReader:
    return QuestionReader(Index(household_kb()))


def test_small_talk_and_empty_questions_have_no_words() -> None:
    read = reader().read
    assert read("").words == []
    assert read("hello there!").words == []
    assert read("who").words == []  # an interrogative alone asks nothing


def test_content_words_are_read_and_stop_words_dropped() -> None:
    query = reader().read("how do i clean the kettle")
    assert [w.used for w in query.words] == ["clean", "kettle"]
    assert query.basis == query.total > 0


def test_a_word_the_knowledge_base_never_uses_weighs_like_a_rare_one() -> None:
    words = {w.used: w for w in reader().read("clean the zorblax kettle").words}
    assert words["zorblax"].credit == ()  # it matches nothing
    assert words["zorblax"].weight >= words["kettle"].weight


def test_a_typo_is_corrected_and_a_glued_word_split() -> None:
    read = reader().read
    assert [(w.typed, w.used, w.corrected) for w in read("ketle").words] == [
        ("ketle", "kettle", True)]
    assert [w.used for w in read("kettlecare").words] == ["kettle", "care"]


def test_a_long_question_is_read_up_to_its_word_limit() -> None:
    query = reader().read(" ".join(["kettle"] * (MAX_WORDS + 20)))
    assert len(query.words) == MAX_WORDS


def test_a_common_english_word_is_not_read_as_another() -> None:
    read, correct = reader().read, reader().correct
    assert not any(w.corrected for w in read("who founded the lab").words)
    assert correct("founded") is None  # a real word: "founded" is not "funded"
    assert correct("fudned") == "funded"  # a typo is still corrected
    assert correct("favor") == "favour"  # and so is a spelling the list lacks
