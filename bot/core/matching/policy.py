"""The verdict: answer, suggest or decline, from the scores of ranked items and their thresholds.

One policy for every matcher (lexical, or fused with the semantic layer), so that a knowledge
base's thresholds mean the same whichever scores them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.knowledge.models import KnowledgeBase, TableRow, Thresholds
from bot.core.matching.match import Verdict
from bot.core.matching.weights import Weights

# An out-of-scope topic scoring above the best item by this many of its `margin`s declines the
# question: a quarter of a margin, since a topic that scores higher ("when was gemma released"
# over the open-weight models) is what the question asks.
OUTSCORED = 0.25


def decide(best: float, rival: float, limits: Thresholds, *, outside: float = 0.0,
           joint: bool = False, split: bool = False, agreed: bool = False) -> Verdict:
    """`answer` when the best item reaches its `answer` threshold and leads its rival (the best
    item not linked to it) by `margin`; `suggest` when it reaches `suggest`, or when two items
    answer the question together (`joint`) or the best answers only half of it and another
    the rest (`split`: then never `answer`); else `none`. An out-of-scope topic scoring
    `outside` above the best by OUTSCORED of a margin declines it.

    `agreed`: the best item is the lexical matcher's own answer (with the semantic layer); a
    `suggest` of it is then an `answer`. The layer can put another item first, answer what words
    alone do not, or decline what it finds nothing alike in (under `suggest`, or an out-of-scope
    topic above it); but ranking the same item first while finding the closest items alike in
    meaning (a thinner lead) is no doubt the words had. That holds for two items answering
    together too (`joint`, `split`): those rules read the words each item explains, as the
    lexical verdict did; only which items come close enough differs on the fused scale.
    Measured over 22 sets: 10 suggestions become answers, 6 of them right (the discord.py FAQ
    0.743 → 0.757; shipped blind2, blind7, blind10; home automation); of the 4 wrong, 3 offer
    the right item under the answer ("Not it?"). The lexical matcher alone answers all 10 the
    same. (Overall cannot fall by this rule: a suggestion never counts as right.)"""
    if outside and outside - best >= OUTSCORED * limits.margin:
        return Verdict.NONE
    if best >= limits.answer and best - rival >= limits.margin and not split:
        return Verdict.ANSWER
    if best >= limits.suggest or joint:
        return Verdict.ANSWER if agreed else Verdict.SUGGEST
    return Verdict.NONE


def declining_score(best: float, limits: Thresholds, w: Weights) -> float | None:
    """The least score of an out-of-scope topic that declines a question whose best item
    scores `best` (what `decide` asks of one), or None when no topic can change the verdict:
    the best item is too weak for anything but `none` (neither `suggest` nor `joint`) with
    nothing offered (`related`)."""
    if best < limits.suggest * min(w.joint_share, w.related):
        return None
    return best + OUTSCORED * limits.margin


JOINT_ITEMS = 3  # two items answering one question are among the best this many
ALTERNATIVES = 2  # runner-ups offered under an answer, at most
RELATED = 3  # items offered as maybe related when none answers, at most


@dataclass(frozen=True, slots=True)
class Ranked:
    """An item as the verdict sees it: its score, and each question word's share of the
    question it explains (`parts`, from the word-level score; empty when not known)."""

    id: str
    score: float
    parts: tuple[float, ...] = ()


def verdict(ranked: Sequence[Ranked], limits: Thresholds, links: Mapping[str, frozenset[str]],
            w: Weights, *, outside: float = 0.0, answered: str | None = None) -> Verdict:
    """`decide` for items ranked best first (`parts` known for the first JOINT_ITEMS): the
    rival is the best item not linked to the first, or one answering the half of the question
    the first leaves out; two close items covering the question between them are `joint`; and
    when the first explains only half of it and such an item the rest, it is `split`. The
    first is `agreed` when it is `answered` (the lexical matcher's own answer)."""
    if not ranked:
        return Verdict.NONE
    top = ranked[0]
    linked = links.get(top.id, frozenset())
    rival = next((r.score for r in ranked[1:] if r.id not in linked or other_half(top, r, w)),
                 0.0)
    close = limits.suggest * w.joint_share
    split = any(other_half(top, r, w) for r in ranked[1:JOINT_ITEMS] if r.score >= close)
    near = [r for r in ranked[:JOINT_ITEMS] if r.score >= close]
    joint = len(near) >= 2 and covered(near[0], near[1]) >= w.joint_coverage
    return decide(top.score, rival, limits, outside=outside, joint=joint, split=split,
                  agreed=top.id == answered)


def decision(ranked: Sequence[Ranked], limits: Thresholds, links: Mapping[str, frozenset[str]],
             w: Weights, *, outside: float = 0.0, shown: int, answered: str | None = None
             ) -> tuple[Verdict, tuple[str, ...]]:
    """`verdict`, and what is offered beside it, from the first `shown` items (those a Match
    lists): on an answer its `alternatives`, on none the items `related` to the question."""
    decided = verdict(ranked, limits, links, w, outside=outside, answered=answered)
    if decided is Verdict.ANSWER:
        return decided, alternatives(ranked[:shown], limits, links, w)
    if decided is Verdict.NONE:
        return decided, related(ranked[:shown], limits, w, outside=outside)
    return decided, ()


def related(ranked: Sequence[Ranked], limits: Thresholds, w: Weights, *,
            outside: float = 0.0) -> tuple[str, ...]:
    """When no item answers: those scoring at least `w.related` of `suggest`, to offer as
    maybe related (a member who worded the question far from the entry can still find it),
    unless an out-of-scope topic matches the question better than any of them."""
    floor = limits.suggest * w.related
    if not ranked or outside >= ranked[0].score:
        return ()
    return tuple(r.id for r in ranked[:RELATED]
                 if r.score >= floor and (not r.parts or sum(r.parts) > 0))


def alternatives(ranked: Sequence[Ranked], limits: Thresholds,
                 links: Mapping[str, frozenset[str]], w: Weights) -> tuple[str, ...]:
    """The runner-ups to offer under an answer ("Not it?"): items not linked to it (those
    are its "see also") that reach `suggest` and score at least `w.alternative` of its score."""
    if not ranked:
        return ()
    top = ranked[0]
    linked = links.get(top.id, frozenset())
    floor = max(limits.suggest, w.alternative * top.score)
    offered = [r.id for r in ranked[1:] if r.id not in linked and r.score >= floor]
    return tuple(offered[:ALTERNATIVES])


def covered(a: Ranked, b: Ranked) -> float:
    """How much of the question two items explain between them: the union of the words they
    cover (two items covering the same words cover no more)."""
    return sum(map(max, a.parts, b.parts))


def other_half(top: Ranked, other: Ranked, w: Weights) -> bool:
    """Whether `other` answers the half of the question `top` leaves out ("grind or steep")."""
    if not top.parts or not other.parts or sum(top.parts) > w.half:
        return False
    return covered(top, other) >= w.joint_coverage


def thresholds_by_id(kb: KnowledgeBase, default: Thresholds | None = None
                     ) -> dict[str, Thresholds]:
    """Every item's effective thresholds: its own, else `default` (the knowledge base's)."""
    base = default or kb.thresholds
    return {item.id: item.thresholds or base for item in kb.items()}


def links_by_id(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """For each item linked to any, the items whose closeness does not make a question
    ambiguous: those related to it either way, and a table with its rows (an item linked to
    none is left out: most of a large imported knowledge base)."""
    links: dict[str, set[str]] = {}
    pairs: list[tuple[str, str]] = []
    for item in kb.items():
        pairs += [(item.id, r) for r in item.related]
        if isinstance(item, TableRow) and kb.table is not None:
            pairs.append((item.id, kb.table.id))
    for a, b in pairs:
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in links.items()}
