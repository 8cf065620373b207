"""The matcher's decision for one question: a verdict and its scored candidates."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


def unit(score: float) -> float:
    """A score as a Candidate holds it: within [0, 1], to four decimals."""
    return round(min(1.0, max(0.0, score)), 4)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One scored candidate for a question, with what made it match."""

    id: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """The matcher's decision for one question."""

    question: str
    verdict: Verdict
    candidates: tuple[Candidate, ...]
    # Ids offered beside the verdict: on an answer, runner-ups close enough to offer under it
    # ("Not it?", `alternatives`); on none, items that come close without answering (`related`).
    offered: tuple[str, ...] = ()

    @property
    def alternatives(self) -> tuple[str, ...]:
        return self.offered if self.verdict is Verdict.ANSWER else ()

    @property
    def related(self) -> tuple[str, ...]:
        return self.offered if self.verdict is Verdict.NONE else ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def answer_id(self) -> str | None:
        best = self.best
        return best.id if self.verdict is Verdict.ANSWER and best else None

    @property
    def score(self) -> float:
        best = self.best
        return best.score if best else 0.0

    @property
    def suggestions(self) -> tuple[str, ...]:
        if self.verdict is not Verdict.SUGGEST:
            return ()
        return tuple(candidate.id for candidate in self.candidates[:3])
