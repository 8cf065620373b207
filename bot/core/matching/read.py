"""A question as the matcher reads it: cleaned, split, corrected, marked with concepts, weighed.

Each word is corrected against the knowledge base's vocabulary (or split in two), marked with
its synonym concepts, and weighed."""

from __future__ import annotations

import itertools

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.matching.english import is_english, is_everyday
from bot.core.matching.index import Index
from bot.core.matching.query import Query, Word
from bot.core.matching.text import (
    ASKING_WORDS,
    COMMON_WORDS,
    MAX_QUESTION_CHARS,
    STOP_MARK,
    stem,
)
from bot.core.matching.weights import Weights

MAX_WORDS = 40  # of a question: words beyond are not read
MAX_CORRECTIONS = 50_000  # typos a reader remembers before it forgets them all


class QuestionReader:
    """Reads questions against one index; remembers its typo corrections (one per matcher)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.weights = index.weights
        self._corrections: dict[str, str | None] = {}

    def read(self, question: str) -> Query:
        """The question's content words, their weights and features."""
        text = question[:MAX_QUESTION_CHARS] if isinstance(question, str) else ""
        index = self.index
        weights = self.weights
        tokenizer = index.tokenizer
        stop_words = tokenizer.stop_words
        words = tokenizer.tokens(text)[:MAX_WORDS]
        query = Query(text)
        if not words or tokenizer.is_small_talk(words):
            return query
        kept: list[tuple[str, str, bool, str]] = []  # (typed, used, corrected, stem)
        keys: list[str] = []
        content, df = index.content, index.df  # a known word's key is its stem
        for word in words:
            if word in stop_words:
                keys.append(STOP_MARK + word)
                continue
            key = content.get(word) or stem(word)
            if word in content or key in df:
                kept.append((word, word, False, key))
                keys.append(key)
                continue
            fixed = self.correct(word)
            if fixed is not None:
                if fixed in stop_words:
                    keys.append(STOP_MARK + fixed)
                else:
                    key = stem(fixed)
                    kept.append((word, fixed, True, key))
                    keys.append(key)
                continue
            parts = [part for part in self.split(word) if part not in stop_words]
            if not parts:
                parts = [word]
            for part in parts:
                key = stem(part)
                kept.append((word, part, False, key))
                keys.append(key)
        if all(used.isdigit() or used in ASKING_WORDS for _, used, _, _ in kept):
            return query  # numbers or "who"/"why" alone ask nothing the knowledge base answers
        stems = [key for _, _, _, key in kept]
        features = index.synonyms.features(keys)
        _compared(features, [s if not c else "" for _, _, c, s in kept], index.synonyms.instances)
        idf = index.idf
        weak_words = tokenizer.weak_words
        asked = query.words
        for (typed, used, corrected, word_stem), feats in zip(kept, features, strict=True):
            if len(feats) == 1:  # most words: their own stem, known or not
                (feature,) = feats
                value = idf.get(feature)
                known = {feature: value} if value is not None else {}
            else:
                known = {f: idf[f] for f in feats if f in idf}
            if known:
                weight = max(known.values())
                # A word found only through a commoner feature (its synonym group) earns that
                # feature's share of the credit, but never less than SYNONYM.
                credit = tuple((f, max(weights.synonym, value / weight))
                               for f, value in known.items())
            else:
                weight = index.unknown_idf * (weights.number if any(c.isdigit() for c in used)
                                              else 1.0)
                if is_everyday(used):
                    weight *= weights.unseen_everyday
                elif is_english(used):
                    weight *= weights.unseen_familiar
                credit = ()
            everyday = False
            if used in weak_words:
                weight *= weights.weak
                everyday = used in ASKING_WORDS
            elif used in COMMON_WORDS or typed in COMMON_WORDS:
                weight *= weights.common
                everyday = True
            if corrected:
                credit = tuple((f, share * weights.corrected) for f, share in credit)
            asked.append(Word(typed, used, word_stem, frozenset(feats), weight, corrected,
                              credit, everyday))
            query.features.update(feats)
            if credit:
                query.terms.append((weight, credit))
                if not everyday:
                    query.topical.extend(f for f, _ in credit)
        query.key = " ".join(sorted(stems))
        query.basis = _basis(query.total, index.unknown_idf, weights)
        if asked:
            least = max(w.weight for w in asked) * weights.telling
            telling, masks = query.telling, query.masks
            for bit, w in enumerate(asked):
                if w.weight >= least:
                    telling.update(w.features)
                for feature in w.features:
                    masks[feature] = masks.get(feature, 0) | (1 << bit)
        pair_idf, unknown, bigram = index.pair_idf, index.unknown_idf, weights.bigram
        for a, b in itertools.pairwise(asked):
            pair = f"{a.stem} {b.stem}"
            query.bigrams[pair] = bigram * pair_idf.get(pair, unknown)
        return query

    def correct(self, word: str) -> str | None:
        """The closest known word for a typo (at most 1 edit, 2 from 8 letters, the first
        letter kept or swapped with the second), or None. One common English word is not a
        typo of another ("founded" is not "funded", "react" not "reach"), though the knowledge
        base does not use it; it may be a spelling of a word the list lacks ("favor" of
        "favour", a name, a term of the trade)."""
        if word in self._corrections:
            return self._corrections[word]
        fixed: str | None = None
        if len(word) >= 4 and word.isalpha():
            limit = 1 if len(word) < 8 else 2
            best: tuple[int, int, str] | None = None
            buckets = self.index.typo_buckets
            frequency = self.index.frequency
            # A typo keeps the first letter, or swaps the first two ("rpivacy"): "dinner" is
            # not a typo of "winner".
            for length in range(len(word) - limit, len(word) + limit + 1):
                for key in ((length, word[0]), (length, word[1])):
                    bucket = buckets.get(key)
                    if not bucket:
                        continue
                    hit = process.extractOne(word, bucket, scorer=OSA.distance,
                                             score_cutoff=limit)
                    if hit is None or (key[1] != word[0] and hit[0][1] != word[0]):
                        continue
                    rank = (int(hit[1]), -frequency[hit[0]], hit[0])
                    if best is None or rank < best:
                        best = rank
            fixed = best[2] if best else None
            if fixed is not None and is_english(word) and is_english(fixed):
                fixed = None
        if len(self._corrections) > MAX_CORRECTIONS:
            self._corrections.clear()
        self._corrections[word] = fixed
        return fixed

    def split(self, word: str) -> list[str]:
        """Two known content words glued together ("selfhosting"), or nothing."""
        if len(word) < 6 or not word.isalpha():
            return []
        vocabulary = self.index.vocabulary
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            stop_words = self.index.tokenizer.stop_words
            if (left in vocabulary and right in vocabulary
                    and not (left in stop_words and right in stop_words)):
                return [left, right]
        return []


def _compared(features: list[set[str]], stems: list[str],
              instances: dict[str, frozenset[str]]) -> None:
    """A question naming instances of two different concepts ("is claude better than llama")
    compares the concepts: each such name then counts only as its concept, so that an item
    listing one of the names cannot claim the question over one that weighs both sides.
    (A corrected word, given here as "", names nothing.)"""
    named = [(i, instances[s]) for i, s in enumerate(stems)
             if s in instances and instances[s] & features[i]]
    if len(named) < 2:
        return
    if not any(a.isdisjoint(b) for (_, a), (_, b) in itertools.combinations(named, 2)):
        return
    for i, concepts in named:
        if concepts <= features[i]:
            features[i].discard(stems[i])


def _basis(total: float, unknown: float, w: Weights) -> float:
    """The weight a question's coverage is a share of: all of it up to `basis` rare words'
    worth, beyond that only `spread` of the rest."""
    cap = w.basis * unknown
    return total if total <= cap else cap + w.spread * (total - cap)
