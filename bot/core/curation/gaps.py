"""Group the questions the bot could not answer well into clusters of similar phrasings.

Pure: no I/O, no clock, no Discord. The same questions, in any order, give the same groups.
Greedy leader clustering: distinct normalised phrasings are visited most frequent first and
each joins the most similar existing group, or starts its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

from bot.core.text import fold

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 75.0
MAX_TEXTS = 10
MAX_CANDIDATES = 5


class GapQuestion(NamedTuple):
    """One asked question: its text, when, and the item ids that could answer it, best first."""

    text: str
    asked_at: dt.datetime | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GapGroup:
    """Similar questions the knowledge base answers badly or not at all."""

    example: str
    count: int
    texts: tuple[str, ...]
    last_asked: dt.datetime | None
    candidates: tuple[str, ...]


def similarity(left: str, right: str) -> float:
    """0-100: token-set overlap tempered by word order, so a short subset is not a match."""
    return (fuzz.token_set_ratio(left, right) + fuzz.token_sort_ratio(left, right)) / 2


def group_questions(
    rows: Iterable[GapQuestion | Sequence[object]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_texts: int = MAX_TEXTS,
    max_candidates: int = MAX_CANDIDATES,
) -> list[GapGroup]:
    """Cluster questions by similarity; largest groups first.

    A row is a `GapQuestion` or a plain tuple `(text, asked_at?, *candidate_ids)` where
    `asked_at` is a datetime, an ISO-8601 string or None. Empty candidate ids are ignored.
    """
    questions = [_coerce(row) for row in rows]
    by_key: dict[str, list[GapQuestion]] = defaultdict(list)
    for question in questions:
        key = fold(question.text)
        if key:
            by_key[key].append(question)
    order = sorted(by_key, key=lambda key: (-len(by_key[key]), len(key), key))
    leaders: list[str] = []
    members: dict[str, list[str]] = {}
    for key in order:
        best, best_score = None, threshold
        for leader in leaders:
            score = similarity(key, leader)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = leader, score
        if best is None:
            leaders.append(key)
            members[key] = [key]
        else:
            members[best].append(key)
    groups = [
        _build(
            [q for key in members[leader] for q in by_key[key]],
            max_texts=max_texts,
            max_candidates=max_candidates,
        )
        for leader in leaders
    ]
    groups.sort(key=lambda group: (-group.count, group.example.casefold(), group.example))
    return groups


def _build(questions: list[GapQuestion], *, max_texts: int, max_candidates: int) -> GapGroup:
    # Rank phrasings by how often their normalised form was asked, then by their own count,
    # then shortest: the example is the most common way of asking.
    phrasings = Counter(" ".join(q.text.split()) for q in questions)
    keys = Counter(fold(q.text) for q in questions)
    ranked = sorted(phrasings, key=lambda text: (-keys[fold(text)], -phrasings[text],
                                                 len(text), text))
    weights: dict[str, float] = defaultdict(float)
    for question in questions:
        for rank, item_id in enumerate(question.candidates):
            weights[item_id] += 1 / (rank + 1)
    candidates = sorted(weights, key=lambda item_id: (-weights[item_id], item_id))
    times = [q.asked_at for q in questions if q.asked_at is not None]
    return GapGroup(
        example=ranked[0],
        count=len(questions),
        texts=tuple(ranked[:max_texts]),
        last_asked=max(times) if times else None,
        candidates=tuple(candidates[:max_candidates]),
    )


def _coerce(row: GapQuestion | Sequence[object]) -> GapQuestion:
    if isinstance(row, GapQuestion):
        return row
    text = str(row[0]) if row else ""
    when = row[1] if len(row) > 1 else None
    ids = tuple(str(item) for item in row[2:] if item)
    return GapQuestion(text, _when(when), tuple(dict.fromkeys(ids)))


def _when(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            logger.debug("ignoring unreadable timestamp %r", value)
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None
