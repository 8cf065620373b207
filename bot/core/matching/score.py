"""An item's confidence for a question: the weight it covers, its fit, and its letters alike.

The share of the question's weight it covers, field by field, times how closely its nearest
phrasing fits, blended with how alike the two are letter by letter (`grams`); items ranked with
exact bounds."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bot.core.matching.fit import PhraseFitter
from bot.core.matching.index import Index, Item, Phrase
from bot.core.matching.policy import JOINT_ITEMS
from bot.core.matching.query import Query, Word

Rows = npt.NDArray[np.int64]
Strengths = npt.NDArray[np.float64]

MAX_CANDIDATES = 4  # three did-you-mean choices and the runner-up
POOL = 60  # candidates scored in full in a large knowledge base
COMMON_SHARE = 0.08  # of the items: a word listed by more nominates no candidates alone
ALIKE = 15  # in a large knowledge base, the items most alike letter by letter join the pool


class Scored(NamedTuple):
    """An item scored for a question (a named tuple: cheap to make, several a question)."""

    item: Item
    score: float
    coverage: float
    fit: float
    phrase: Phrase | None
    parts: tuple[float, ...] = ()  # each question word's share of the question it covers
    outscored: float = 0.0  # on the best item: the score of an out-of-scope topic above it
    letters: float = 0.0  # the character n-gram similarity (`grams`)


class Scorer:
    """Scores and ranks an index's items (and its out-of-scope topics) for read questions."""

    def __init__(self, index: Index, fitter: PhraseFitter,
                 links: Mapping[str, frozenset[str]]) -> None:
        self.index = index
        self.weights = index.weights
        self._fitter = fitter
        self.links = links  # item → the items linked to it (`policy.links_by_id`)
        # A knowledge base whose every item is a candidate (`_candidates`): each feature's items
        # and strengths (`best`), so that a question's coverages are a few array operations.
        self._columns = _columns(index) if index.n <= POOL * 2 else None

    def outside(self, query: Query, floor: float) -> list[Scored]:
        """The out-of-scope topics scoring above `floor`, scored like items, best first."""
        total = query.basis
        if not query.words or total <= 0:
            return []
        n = self.index.n
        letters = self.letters(query, range(n, n + len(self.index.outside)))
        share = self.weights.grams
        out: list[Scored] = []
        known = query.coverages  # made by `rank` in a small knowledge base
        for k, found in enumerate(self.index.outside, start=n):
            coverage = known[k] if known else self._coverage(query, found.best, total)
            alike = letters[k]
            if (1 - share) * coverage + share * alike <= floor:  # confidence <= that
                continue
            fit, phrase = self._fitter.fit(query, found)
            score = self._blend(self._confidence(query, coverage, fit, found), alike)
            if score > floor:
                out.append(Scored(found, score, coverage, fit, phrase, letters=alike))
        out.sort(key=lambda s: -s.score)
        return out

    def letters(self, query: Query, rows: Sequence[int] = ()) -> list[float]:
        """The question's character n-gram similarity with every item, then every out-of-scope
        topic (computed once a question); in a large index (`CharGrams.lazy`), with `rows`
        only, the others left at 0."""
        grams = self.index.grams
        if not grams.lazy:
            if query.letters is None:
                query.letters = grams.similarity(query.text)
            return query.letters
        if query.letters is None:
            query.letters = [0.0] * grams.count
        found = grams.similarity(query.text, rows)
        for row in rows:
            query.letters[row] = found[row]
        return query.letters

    def _blend(self, confidence: float, letters: float) -> float:
        share = self.weights.grams
        return (1 - share) * confidence + share * letters

    def rank(self, query: Query, pool: int = POOL, keep: int = MAX_CANDIDATES) -> list[Scored]:
        """Items by confidence, best first. The top `keep` are exact, and so is the best item
        not linked to the first (the runner-up the verdict weighs the lead against)."""
        if not query.words:
            return []
        total = query.basis
        if total <= 0:
            return []
        item = self.index.item
        drafts = self.index.drafts
        candidates = self._candidates(query, pool)
        letters = self.letters(query, candidates)
        share = self.weights.grams
        # (minus a bound of the confidence, item, coverage): the word part is at most the
        # coverage. Sorted, the highest bound first, the earlier item first among equals.
        covered: list[tuple[float, int, float]] = []
        if self._columns is not None:  # every item (and out-of-scope topic): as arrays
            every = self._coverages(query, self._columns, total)
            query.coverages = every.tolist()
            coverages = every[:self.index.n]
            bounds = (1 - share) * coverages + share * np.array(letters[:self.index.n])
            best_first = np.argsort(-bounds, kind="stable")
            best_first = best_first[bounds[best_first] > 0]
            covered = list(zip((-bounds[best_first]).tolist(), best_first.tolist(),
                               coverages[best_first].tolist(), strict=True))
        else:
            coverage_of = self._coverage
            for i in candidates:
                coverage = coverage_of(query, drafts[i].best, total)
                bound = (1 - share) * coverage + share * letters[i]
                if bound > 0:
                    covered.append((-bound, i, coverage))
            covered.sort()
        sides = _sides(query, self.index.opposed)

        def scored_item(coverage: float, i: int) -> Scored:
            found = item(i)
            fit, phrase = self._fitter.fit(query, found)
            confidence = self._confidence(query, coverage, fit, found)
            if sides and _takes_the_other_side(sides, found.title):
                confidence *= self.weights.opposed
            return Scored(found, self._blend(confidence, letters[i]), coverage, fit, phrase,
                          letters=letters[i])

        scored: list[Scored] = []
        best: list[float] = []  # the `keep` best scores so far, a heap: the least is best[0]
        for bound, i, coverage in covered:
            # Nothing further down can enter the top `keep`.
            if len(best) >= keep and -bound < best[0]:
                break
            found = scored_item(coverage, i)
            scored.append(found)
            if len(best) < keep:
                heapq.heappush(best, found.score)
            elif found.score > best[0]:
                heapq.heapreplace(best, found.score)
        order = self.index.position
        scored.sort(key=lambda s: (-s.score, order[s.item.id]))
        if scored and all(self.linked(scored[0].item, s.item) for s in scored[1:keep]):
            # The `keep` exact items are all linked to the best: the rival may be one scored
            # below them or one not scored yet. Go on down until nothing left can beat it.
            top = scored[0].item
            rival = max((s.score for s in scored[keep:] if not self.linked(top, s.item)),
                        default=0.0)
            for bound, i, coverage in covered[len(scored):]:
                if -bound < rival:
                    break
                if not self.linked(top, item(i)):
                    found = scored_item(coverage, i)
                    scored.append(found)
                    rival = max(rival, found.score)
            scored.sort(key=lambda s: (-s.score, order[s.item.id]))
        for n, s in enumerate(scored[:JOINT_ITEMS]):  # what `policy.verdict` needs
            scored[n] = s._replace(parts=self._parts(query, s.item.best, total))
        return scored

    def _candidates(self, query: Query, pool: int) -> list[int]:
        """Every item of a small knowledge base; in a large one, the `pool` items sharing the
        most question weight and (unless its n-grams are lazy) the `ALIKE` most alike letter
        by letter."""
        index = self.index
        if index.n <= pool * 2:
            return list(range(index.n))
        cap = max(50, int(index.n * COMMON_SHARE))
        acc: dict[int, float] = {}
        ranked = sorted(query.words, key=lambda w: -w.weight)
        rarest: tuple[int, str] | None = None
        for word in ranked:
            for feature in word.features:
                postings = index.postings.get(feature)
                if not postings:
                    continue
                if len(postings) > cap:
                    if rarest is None or len(postings) < rarest[0]:
                        rarest = (len(postings), feature)
                    continue
                weight = word.weight
                for i in postings:
                    acc[i] = acc.get(i, 0.0) + weight
        if not acc and rarest is not None:
            for i in index.postings.get(rarest[1], ())[: pool * 4]:
                acc[i] = 1.0
        chosen = heapq.nlargest(pool, acc, key=acc.__getitem__)
        if index.grams.lazy:
            return chosen
        letters = self.letters(query)
        alike = heapq.nlargest(ALIKE, range(index.n), key=letters.__getitem__)
        return chosen + [i for i in alike if i not in acc]

    def _confidence(self, query: Query, coverage: float, fit: float, item: Item) -> float:
        """coverage × (base + (1 − base) × fit), less for an item matching everyday words
        only."""
        w = self.weights
        score = coverage * (w.base + (1 - w.base) * fit)
        return score if _topical(query, item.best) else score * w.everyday

    @staticmethod
    def _strength(word: Word, best: dict[str, float]) -> float:
        """How strongly an item (its `best` feature values) explains one word, 0 to 1."""
        strength = 0.0
        for feature, share in word.credit:
            value = best.get(feature)
            if value is not None and value * share > strength:
                strength = value * share
        return strength

    @staticmethod
    def _coverage(query: Query, best: dict[str, float], total: float) -> float:
        """The IDF-weighted share of the question that an item (its `best`) explains."""
        covered = 0.0
        get = best.get
        for weight, credit in query.terms:  # Scorer._strength, inlined: it runs for every item
            strength = 0.0
            for feature, share in credit:
                value = get(feature)
                if value is not None and value * share > strength:
                    strength = value * share
            if strength:
                covered += weight * strength
        return min(1.0, covered / total)

    def _coverages(self, query: Query, columns: dict[str, tuple[Rows, Strengths]],
                   total: float) -> Strengths:
        """`_coverage` of every item, then every out-of-scope topic, at once: the same
        operations in the same order."""
        count = self.index.n + len(self.index.outside)
        covered = np.zeros(count)
        for weight, credit in query.terms:
            if len(credit) == 1:  # most words
                feature, share = credit[0]
                column = columns.get(feature)
                if column is not None:
                    rows, values = column
                    covered[rows] += weight * (values * share)
                continue
            strength = np.zeros(count)
            for feature, share in credit:
                column = columns.get(feature)
                if column is not None:
                    rows, values = column
                    strength[rows] = np.maximum(strength[rows], values * share)
            covered += weight * strength
        return np.minimum(1.0, covered / total)

    def parts(self, query: Query, ids: Sequence[str]) -> dict[str, tuple[float, ...]]:
        """`_parts` of the items with these ids (the unknown ones left out)."""
        total = query.basis
        if not query.words or total <= 0:
            return {}
        position, item = self.index.position, self.index.item
        return {i: self._parts(query, item(position[i]).best, total)
                for i in ids if i in position}

    @staticmethod
    def _parts(query: Query, best: dict[str, float], total: float) -> tuple[float, ...]:
        """`_coverage` word by word: each word's covered share of the question."""
        return tuple(word.weight * Scorer._strength(word, best) / total for word in query.words)

    def linked(self, top: Item, other: Item) -> bool:
        """Whether answering `top` is also fine when `other` is close behind."""
        return other.id in self.links.get(top.id, ())


def _columns(index: Index) -> dict[str, tuple[Rows, Strengths]]:
    """Each feature's items, then out-of-scope topics, and their strengths for it (their
    `best`), as arrays."""
    rows: dict[str, list[int]] = {}
    values: dict[str, list[float]] = {}
    bests = [*(draft.best for draft in index.drafts), *(topic.best for topic in index.outside)]
    for i, best in enumerate(bests):
        for feature, value in best.items():
            if feature not in rows:
                rows[feature], values[feature] = [], []
            rows[feature].append(i)
            values[feature].append(value)
    return {f: (np.array(rows[f], dtype=np.int64), np.array(values[f])) for f in rows}


def _topical(query: Query, best: dict[str, float]) -> bool:
    """Whether the item matches a word of the question that is not an everyday word."""
    return any(feature in best for feature in query.topical)


def _sides(query: Query, opposed: tuple[tuple[frozenset[str], frozenset[str]], ...]
           ) -> list[tuple[frozenset[str], frozenset[str]]]:
    """(the side the question takes, the side it does not) of each contrast it takes one
    side of and asks something about: "arguments for open weights" names open and not
    closed. A question that is only a side ("open") names it, and takes it for no one."""
    features = query.features
    out: list[tuple[frozenset[str], frozenset[str]]] = []
    for a, b in opposed:
        has_a, has_b = not a.isdisjoint(features), not b.isdisjoint(features)
        if has_a != has_b and any(w.features.isdisjoint(a) and w.features.isdisjoint(b)
                                  for w in query.words):
            out.append((a, b) if has_a else (b, a))
    return out


def _takes_the_other_side(sides: list[tuple[frozenset[str], frozenset[str]]],
                          title: frozenset[str]) -> bool:
    """Whether an item's title names the side the question does not, and not its own."""
    return any(title.isdisjoint(mine) and not title.isdisjoint(other)
               for mine, other in sides)
