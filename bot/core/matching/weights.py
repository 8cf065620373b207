"""Every number a question's score is made of, each with what it multiplies.

One frozen record, passed to `Matcher.build` (the defaults serve every knowledge base; a
knowledge base's own `matcher:` thresholds are the override, read by `policy`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    """The matcher's knobs. Field strengths are shares of a phrasing's: a question word found
    in that field explains that share of its weight."""

    # -- how much a word counts, by the field of the item it is found in --------------------
    phrase: float = 1.0  # a title, alternate question, keyword, alias or factor
    answer: float = 0.7  # the answer's text
    cell: float = 0.6  # a table row's cells; fields at least this strong nominate candidates
    row_context: float = 0.8  # a row's share of its table's title, keywords and columns
    context: float = 0.4  # the table's own listing of its factors and columns
    # A word only an item's example questions mention, while at most `namers` other items name
    # it in a title, keyword or alias, is theirs: here it counts `example`.
    example: float = 0.7
    namers: int = 1
    # Two words set against each other ("X vs Y") in this many phrasings are a contrast the
    # knowledge base draws; an item whose title takes the side the question does not is
    # multiplied by `opposed`.
    contrast: int = 2
    opposed: float = 0.85

    # -- how much a question word weighs (its IDF, times...) ---------------------------------
    weak: float = 0.6  # a weak word: an interrogative, or the lexicon's `weak_words`
    common: float = 0.35  # an everyday word that rarely names a topic ("good", "time")
    number: float = 0.5  # an unseen word with a digit in it
    unseen_everyday: float = 0.35  # an unseen everyday English word ("seem", "ago")
    unseen_familiar: float = 0.7  # an unseen, but familiar, English word
    corrected: float = 0.85  # the credit of a typo read as a known word
    synonym: float = 0.5  # the least credit of a word matched through its synonym group
    bigram: float = 0.5  # two adjacent words matched together, of their mean weight
    telling: float = 0.2  # of the heaviest word's weight: lighter words pick no phrasings
    # A question's weight counts in full up to `basis` rare words' worth, the rest at `spread`:
    # the asides of a long chat question dilute its coverage less.
    basis: float = 4.0
    spread: float = 0.2

    # -- confidence = (1 − grams) × coverage × (base + (1 − base) × fit) + grams × letters ----
    base: float = 0.45
    # The share of the confidence that is the character n-gram similarity of the question and
    # the item's whole text (`grams`: typos, word forms, code names, and how often the answer
    # says a word), the rest being the word-level score. Chosen on the two byo FAQs.
    grams: float = 0.5
    gram_sizes: tuple[int, int] = (2, 5)  # the shortest and longest n-grams, in characters
    everyday: float = 0.5  # an item that matches only everyday words of the question
    # An item's phrasings compared in full with the question (`fit`): those sharing the most
    # question weight. 4 scores as 6 did on every question set (blind4: one more right) and is
    # 5-10% quicker at the p99 of the shipped knowledge base and the discord.py FAQ.
    phrasings: int = 4

    # -- two items answering one question -----------------------------------------------------
    joint_share: float = 0.6  # of `suggest`: how close each of two items must come
    joint_coverage: float = 0.9  # how much of the question the two must cover between them
    # An item explaining at most `half` of a question, with a linked one explaining the rest,
    # is one of two halves: the question is ambiguous between them.
    half: float = 0.5 + 1e-6

    # -- no answer ---------------------------------------------------------------------------
    # Of `suggest`: an item scoring this much, when none answers, is offered as maybe related
    # instead of a tour of the knowledge base; out-of-scope topics are scored from here up (one
    # matching better declines the question with nothing offered).
    related: float = 0.6

    # -- an answer's alternatives ----------------------------------------------------------
    # A runner-up scoring at least this share of the answer's score (and reaching `suggest`)
    # is offered under the answer ("Not it?"): the lead is too thin to rule it out.
    alternative: float = 0.8
