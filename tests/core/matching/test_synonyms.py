"""The synonym finder: members found in word keys, and one finder per set of synonyms."""

from __future__ import annotations

from bot.core.knowledge.models import Lexicon
from bot.core.matching.synonyms import SynonymFinder
from bot.core.matching.text import Tokenizer
from bot.core.memo import BuildMemory

TOKENIZER = Tokenizer()


def keys(text: str) -> list[str]:
    return [TOKENIZER.key_of(word) for word in TOKENIZER.tokens(text)]


def test_one_word_and_phrase_members_are_found_in_order() -> None:
    finder = SynonymFinder({"on-premises": ("self-host", "run locally"), "cost": ("price",)},
                           TOKENIZER)
    found = finder.find(keys("can i run it locally and what is the price"))
    concepts = [concept for _, _, concept in found]
    assert concepts == ["≈on-premises", "≈cost"]
    assert finder.find(keys("can i run it locally and what is the price")) == found


def test_a_finder_is_shared_by_equal_synonyms_only() -> None:
    finders = BuildMemory().finders
    one = SynonymFinder.of({"cost": ("price", "fees")}, TOKENIZER, finders)
    assert SynonymFinder.of({"cost": ("price", "fees")}, Tokenizer(), finders) is one
    assert SynonymFinder.of({"cost": ("price",)}, TOKENIZER, finders) is not one
    other_words = Tokenizer(Lexicon(stop_words=frozenset({"fees"})))
    assert SynonymFinder.of({"cost": ("price", "fees")}, other_words, finders) is not one


def test_a_remembered_result_is_immutable_and_found_again() -> None:
    finder = SynonymFinder({"cost": ("price",)}, TOKENIZER)
    first = finder.find(keys("price"))
    assert first == ((0, 1, "≈cost"),)
    assert isinstance(first, tuple)  # shared with the next build: nothing can change it
    assert finder.find(keys("price")) == first
