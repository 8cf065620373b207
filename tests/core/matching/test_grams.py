"""Character n-gram similarity (`CharGrams`): cosines of TF-IDF vectors of in-word n-grams."""

from __future__ import annotations

import math

import pytest

from bot.core.matching.grams import CharGrams, word_grams

TEXTS = ["How do I add a reaction? Call message.add_reaction with the emoji.",
         "How do I upload an image? Send a discord.File with the message.",
         "How do I set a playing status? Change the presence with an activity."]


def test_a_words_grams_run_from_the_shortest_to_the_longest_with_its_edges() -> None:
    assert word_grams("ab", (2, 3)) == [" a", "ab", "b ", " ab", "ab "]
    assert word_grams("a", (2, 5)) == [" a", "a ", " a "]  # no n-gram longer than the word


def test_a_text_is_most_alike_itself_and_cosines_stay_in_the_unit_interval() -> None:
    grams = CharGrams(TEXTS, (2, 5))
    for n, text in enumerate(TEXTS):
        scores = grams.similarity(text)
        assert scores[n] == pytest.approx(1.0)
        assert all(0.0 <= s <= 1.0 + 1e-9 for s in scores)
        assert max(range(len(TEXTS)), key=scores.__getitem__) == n


def test_a_typo_and_a_word_form_find_their_text() -> None:
    grams = CharGrams(TEXTS, (2, 5))
    for question in ("make the bot reeact", "reactions", "uploding pictures", "presense"):
        scores = grams.similarity(question)
        assert sum(scores) > 0, question
    assert max(range(3), key=grams.similarity("reeact").__getitem__) == 0
    assert max(range(3), key=grams.similarity("uploding").__getitem__) == 1
    assert max(range(3), key=grams.similarity("presense").__getitem__) == 2


def test_nothing_in_common_is_zero_and_an_empty_index_answers_nothing() -> None:
    grams = CharGrams(TEXTS, (2, 5))
    assert grams.similarity("") == [0.0, 0.0, 0.0]
    assert grams.similarity("zzqx") == [0.0, 0.0, 0.0]
    assert CharGrams([], (2, 5)).similarity("reaction") == []


def test_the_cosine_is_the_tf_idf_one_worked_by_hand() -> None:
    # Two texts, n-grams of 2 letters: "ab" → " a", "ab", "b "; "ac" → " a", "ac", "c ".
    grams = CharGrams(["ab", "ac"], (2, 2))
    idf_shared, idf_own = 1.0, math.log(3 / 2) + 1  # " a" is in both, the rest in one
    norm = math.sqrt(idf_shared ** 2 + 2 * idf_own ** 2)
    assert grams.similarity("ab")[1] == pytest.approx(idf_shared ** 2 / norm ** 2)
    # A word said twice counts 1 + log 2 times, not twice.
    twice = [1 + math.log(2)] * 3
    query = [twice[0] * idf_shared, twice[1] * idf_own, twice[2] * idf_own]
    expected = (query[0] * idf_shared + query[1] * idf_own + query[2] * idf_own) / (
        math.sqrt(sum(q * q for q in query)) * norm)
    assert grams.similarity("ab ab")[0] == pytest.approx(expected)


def test_question_words_never_grow_the_vocabulary() -> None:
    grams = CharGrams(TEXTS, (2, 5))
    before = grams.similarity("reaction")
    for n in range(200):
        grams.similarity(f"unseenword{n} reaction")
    assert grams.similarity("reaction") == before


def test_dense_vectors_and_posting_lists_give_the_same_cosines() -> None:
    texts = [*TEXTS, "How do I ban a member? Use guild.ban with a reason."]
    dense = CharGrams(texts, (2, 5))  # a few texts: one dense matrix
    postings = CharGrams(texts, (2, 5), dense=0)
    for question in ("make the bot reeact", "ban someone", "upload a picture", "zzz"):
        assert postings.similarity(question) == pytest.approx(dense.similarity(question),
                                                              abs=1e-12)
    assert dense.similarity("ban someone")[3] > 0.1


def test_a_large_index_makes_vectors_on_demand_with_the_same_cosines() -> None:
    texts = [*TEXTS, "How do I ban a member? Use guild.ban with a reason.",
             "How do I react to a message? message.add_reaction adds one."]
    eager = CharGrams(texts, (2, 5))
    # Lazy, with every text in the IDF sample: the same IDF, so the same cosines.
    lazy = CharGrams(texts, (2, 5), eager=2, sample=len(texts))
    assert lazy.lazy and not eager.lazy
    for question in ("make the bot reeact", "ban someone", "upload a picture"):
        wanted = eager.similarity(question)
        got = lazy.similarity(question, [0, 3, 4])
        assert got[1] == got[2] == 0.0  # not asked for
        for row in (0, 3, 4):
            assert got[row] == pytest.approx(wanted[row], abs=1e-6)


def test_a_lazy_index_estimates_its_idf_from_a_sample() -> None:
    texts = [f"entry {n} about widget number {n}" for n in range(40)] + ["reaction emoji"]
    lazy = CharGrams(texts, (2, 5), eager=10, sample=8)  # the last text is not sampled
    scores = lazy.similarity("reaction", [40, 0])
    assert scores[40] > scores[0] >= 0.0  # n-grams the sample never saw still count
