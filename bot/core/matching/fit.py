"""How closely a question fits an item's nearest phrasing: the matcher's *fit*.

With what it remembers of each phrasing, so that comparing one costs set operations, not word
loops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.matching.index import Item, Phrase
from bot.core.matching.query import Query
from bot.core.matching.weights import Weights
from bot.core.memo import Memo


@dataclass(frozen=True, slots=True)
class Digest:
    """What `fit` needs of a phrasing, as sets and sums (made on its first comparison)."""

    stems: frozenset[str]
    stem_weight: dict[str, float]  # each stem's weight, summed over its positions
    concepts: dict[str, tuple[int, ...]]  # concept → the positions it marks
    concepts_at: dict[int, tuple[str, ...]]  # position → its concepts, in order
    concept_names: frozenset[str]  # the keys of `concepts`
    pairs: dict[str, int]  # adjacent stems and how often the phrasing has them

    @classmethod
    def of(cls, phrase: Phrase) -> Digest:
        stem_weight: dict[str, float] = {}
        for word_stem, weight in zip(phrase.stems, phrase.weights, strict=True):
            stem_weight[word_stem] = stem_weight.get(word_stem, 0.0) + weight
        pairs: dict[str, int] = {}
        for pair in phrase.pairs:
            pairs[pair] = pairs.get(pair, 0) + 1
        concepts: dict[str, list[int]] = {}
        at: dict[int, list[str]] = {}
        for i, concept in phrase.concepts:
            concepts.setdefault(concept, []).append(i)
            at.setdefault(i, []).append(concept)
        return cls(frozenset(stem_weight), stem_weight,
                   {c: tuple(sorted(set(i))) for c, i in concepts.items()},
                   {i: tuple(c) for i, c in at.items()}, frozenset(concepts), pairs)


class PhraseFitter:
    """Fits questions to phrasings; one per matcher. The digests and bit sets of `items` are
    made at once (with the index, as everything that does not depend on the question); those
    of any other item on its first comparison (a large index finishes items on first use)."""

    def __init__(self, items: Iterable[Item] = (),
                 shared: Memo[Phrase, Digest] | None = None, *,
                 phrasings: int = Weights().phrasings) -> None:
        self._phrasings = phrasings  # compared in full at most (Weights.phrasings)
        # Digests of equal phrasings, kept by a library across its builds (BuildMemory), so
        # that a reload makes only those of the phrasings that changed.
        self._shared = shared
        self._digests: dict[int, Digest] = {}  # by id(phrase)
        self._bits: dict[int, dict[str, int]] = {}  # by id(item): feature → its phrasings
        for item in items:
            self._bits_of(item)
            for phrase in item.phrases:
                self._digest(phrase)

    def _digest(self, phrase: Phrase) -> Digest:
        """The phrasing's digest: made once, or taken from an earlier build's."""
        digest = self._digests.get(id(phrase))
        if digest is None:
            shared = self._shared
            digest = shared.get(phrase) if shared is not None else None
            if digest is None:
                digest = Digest.of(phrase)
                if shared is not None:
                    shared.put(phrase, digest)
            self._digests[id(phrase)] = digest
        return digest

    def _bits_of(self, item: Item) -> dict[str, int]:
        bits = self._bits.get(id(item))
        if bits is None:
            bits = self._bits[id(item)] = bits_of(item)
        return bits

    def sharing(self, query: Query, item: Item) -> list[int]:
        """The item's phrasings worth comparing in full, in order: those sharing the most
        question weight, at most `phrasings`, the earlier phrasing first among equals.

        Phrasings that share only near-weightless words ("open", "model") cannot fit well, so
        only `telling` features count. Phrasings are grouped by the weight they share, each
        group a bit set (bit n: phrasing n), so a word common to every phrasing costs a few
        integer operations, not one per phrasing."""
        bits = self._bits_of(item)
        telling = query.telling or query.features
        sharers: list[tuple[float, int]] = []  # (weight, the phrasings) of each word sharing
        seen = 0
        for word in query.words:
            has = 0
            for feature in word.features:
                if feature in telling:
                    has |= bits.get(feature, 0)
            if has:
                sharers.append((word.weight, has))
                seen |= has
        if seen.bit_count() <= self._phrasings:  # all of them, in order
            return [n for n in range(seen.bit_length()) if seen >> n & 1]
        groups: dict[float, int] = {}  # shared weight → the phrasings sharing exactly that
        seen = 0
        for weight, has in sharers:
            regrouped: dict[float, int] = {}
            for shared, group in groups.items():
                inside = group & has
                if inside:
                    more = shared + weight
                    regrouped[more] = regrouped.get(more, 0) | inside
                outside = group & ~has
                if outside:
                    regrouped[shared] = regrouped.get(shared, 0) | outside
            fresh = has & ~seen
            if fresh:
                regrouped[weight] = regrouped.get(weight, 0) | fresh
            seen |= has
            groups = regrouped
        sharing: list[int] = []
        for shared in sorted(groups, reverse=True):
            group = groups[shared]
            while group and len(sharing) < self._phrasings:
                low = group & -group
                sharing.append(low.bit_length() - 1)
                group ^= low
            if len(sharing) >= self._phrasings:
                break
        sharing.sort()
        return sharing

    def fit(self, query: Query, item: Item) -> tuple[float, Phrase | None]:
        """How closely the question matches the item's nearest phrasing, in [0, 1].

        Per phrasing that shares a word or synonym with the question: the F1 of the share of
        the phrasing the question covers and the share of the question (of its `basis`) the
        phrasing covers (both IDF-weighted, adjacent pairs of words counting again), or the
        rapidfuzz similarity of the sorted stems, whichever is higher.
        """
        features = query.features
        total = query.basis
        bigrams = query.bigrams
        masks = query.masks
        asked_by = query.asked
        words = query.words
        best_fit, best_phrase = 0.0, None
        sharing = self.sharing(query, item)
        phrases = item.phrases
        digests = self._digests
        for number in sharing:
            phrase = phrases[number]
            if phrase.total <= 0:
                continue
            digest = digests.get(id(phrase)) or self._digest(phrase)
            hits = digest.stems & features
            covered = 0.0
            mask = 0
            # Sorted: a set's order changes with the process's hash seed, and a sum with it,
            # in its last bit (which of two equal phrasings is the closest, say).
            for found_stem in sorted(hits) if len(hits) > 1 else hits:
                covered += digest.stem_weight[found_stem]
                mask |= masks[found_stem]
            if digest.concepts:
                asked_concepts = digest.concept_names & features
                if asked_concepts:
                    phrase_stems = phrase.stems
                    at = digest.concepts_at
                    positions = (digest.concepts[next(iter(asked_concepts))]
                                 if len(asked_concepts) == 1 else
                                 sorted({i for c in asked_concepts for i in digest.concepts[c]}))
                    for i in positions:
                        if phrase_stems[i] in hits:
                            continue
                        for concept in at[i]:  # the first asked concept of the position
                            if concept in features:
                                covered += phrase.weights[i]
                                mask |= masks[concept]
                                break
            share = covered / phrase.total
            if share > 0:
                asked = asked_by.get(mask)
                if asked is None:
                    asked = asked_by[mask] = sum(w.weight for bit, w in enumerate(words)
                                                 if mask >> bit & 1)
                pairs = 0.0
                shared = digest.pairs.keys() & bigrams.keys()
                for pair in sorted(shared) if len(shared) > 1 else shared:  # as above
                    pairs += bigrams[pair] * digest.pairs[pair]
                covered += pairs
                # Words in the same order count again: a bonus, never a penalty.
                share = covered / (phrase.total + pairs)
                recall = min(1.0, (asked + pairs) / (total + pairs))
                share = 2 * share * recall / (share + recall) if share + recall else 0.0
            elif best_fit > 0:
                continue
            similar = fuzz.ratio(query.key, phrase.key) / 100.0
            fit = share if share > similar else similar
            if fit > best_fit:
                best_fit, best_phrase = fit, phrase
        return best_fit, best_phrase


def bits_of(item: Item) -> dict[str, int]:
    """Each feature's phrasings as a bit set (bit n: phrasing n)."""
    out: dict[str, int] = {}
    for feature, numbers in item.by_feature.items():
        mask = 0
        for number in numbers:
            mask |= 1 << number
        out[feature] = mask
    return out
