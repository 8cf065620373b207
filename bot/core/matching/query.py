"""A question as the matcher reads it: its content words, their weights and features."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Word(NamedTuple):
    """One content word of the question, after correction (a named tuple: a long question
    makes dozens, and a frozen dataclass takes several times as long to make)."""

    typed: str
    used: str
    stem: str
    features: frozenset[str]
    weight: float
    corrected: bool
    credit: tuple[tuple[str, float], ...] = ()  # (feature, share of the weight it earns)
    everyday: bool = False  # a common word ("time", "good"): it names no topic


@dataclass(slots=True)
class Query:
    text: str
    words: list[Word] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    key: str = ""
    bigrams: dict[str, float] = field(default_factory=dict)
    telling: set[str] = field(default_factory=set)  # features of the words that weigh
    masks: dict[str, int] = field(default_factory=dict)  # feature → bit set of its words
    asked: dict[int, float] = field(default_factory=dict)  # bit set of words → their weight
    basis: float = 0.0  # the weight coverage is a share of (`_basis`)
    letters: list[float] | None = None  # character n-gram similarity by row (`Scorer.letters`)
    coverages: list[float] | None = None  # by row, in a small knowledge base (`Scorer.rank`)
    # Made once the words are known (`QuestionReader.read`), for the scorer's loops over items:
    # (weight, credit) of each word that earns credit, and the features of words not everyday.
    terms: list[tuple[float, tuple[tuple[str, float], ...]]] = field(default_factory=list)
    topical: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(w.weight for w in self.words)
