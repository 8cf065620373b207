"""Question → ranked knowledge-base items with a confidence in [0, 1] and a verdict.

How a question is scored (see `index` for the precomputed side):

1. The question is cleaned and split (`text`); stop words are dropped, a message made only
   of greetings and stop words is small talk and gets no answer, and so does one made only of
   numbers or interrogatives ("1", "who are you"). Each remaining word that the
   knowledge base does not know is corrected word by word against its vocabulary (a typo of a
   stop word is then dropped), or split into two known words ("selfhosting").
2. Synonym groups declared in the knowledge base mark runs of words with a concept feature, so
   "self-hosting" can meet "local deployment" (symmetric; phrase-aware, see `index`).
3. Each word weighs its IDF (words the knowledge base has never seen weigh like a rare word, so
   a question mostly about something else scores low, unless they are everyday English: "seem"
   or "ago" say little about what is asked). *Coverage* is the share of that weight
   an item explains, each word counting by the strength of the field it was found in. A long
   question is mostly context and filler ("our law firm can't send client docs to openai for
   obvious reasons, ..."): its weight counts in full only up to `basis` rare words' worth — more
   than nearly any short question has — and beyond that at `spread`, so an item that explains
   what it asks is not drowned by the asides. A question whose subject the knowledge base does
   not know still leaves that subject unexplained, and scores low.
4. The closest phrasing of the item adds *fit* (`fit`): the better of the IDF-weighted
   share of that phrasing the question covers, and a rapidfuzz token-sort similarity of the
   two. Only the few phrasings sharing the most question weight are compared, and only items
   whose coverage (an upper bound of their confidence) can still reach the top few that the
   verdict uses, plus the best item not linked to the first (the runner-up).
5. confidence = coverage × (base + (1 − base) × fit), lowered (`opposed`) for an item whose
   title takes the other side of a contrast the knowledge base draws again and again ("open
   vs closed") when the question names one side only. The verdict is `answer` when the best
   item reaches its `answer` threshold and leads the runner-up by its `margin` (a runner-up
   linked to it by `related` or by table membership does not make the question ambiguous,
   unless the best explains at most half of it and the linked one the other half),
   `suggest` (up to three choices) when it reaches `suggest` — or when two items each come
   close to it and between them cover the question ("grind or steep") — otherwise `none`.
6. Out-of-scope topics the knowledge base declares (`kb.out_of_scope`: "what does a provider
   charge per million tokens") are scored like items. When one of them beats the best item by
   a quarter of that item's `margin`, the verdict is `none`: a near miss that shares the
   knowledge base's words but asks what it does not cover is declined. They are never
   candidates of a `Match` (nor answers, suggestions or autocomplete choices); `explain` lists
   them as `out-of-scope:<n>` so a curator sees why a question was declined.

For large knowledge bases, candidates are first gathered from posting lists of the question's
rarer features; only those are scored in full.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.knowledge.models import KnowledgeBase, Thresholds
from bot.core.matching.complete import Completer
from bot.core.matching.english import is_english, is_everyday
from bot.core.matching.fit import PhraseFitter
from bot.core.matching.index import (
    CONCEPT_PREFIX,
    Index,
    Item,
    Phrase,
    texts_of,
)
from bot.core.matching.match import Candidate, Match, Verdict
from bot.core.matching.policy import OUTSCORED, decide, links_by_id, thresholds_by_id
from bot.core.matching.query import Query, Word
from bot.core.matching.text import (
    ASKING_WORDS,
    COMMON_WORDS,
    MAX_QUESTION_CHARS,
    STOP_MARK,
    stem,
)
from bot.core.matching.weights import Weights
from bot.core.memo import BuildMemory

MAX_CANDIDATES = 4  # three did-you-mean choices and the runner-up
JOINT_ITEMS = 3  # two items answering one question are among the best this many
POOL = 60  # candidates scored in full in a large knowledge base
COMMON_SHARE = 0.08  # of the items: a word listed by more nominates no candidates alone
MAX_WORDS = 40  # of a question: words beyond are not read


@dataclass(frozen=True, slots=True)
class Scored:
    item: Item
    score: float
    coverage: float
    fit: float
    phrase: Phrase | None
    parts: tuple[float, ...] = ()  # each question word's share of the question it covers
    outscored: float = 0.0  # on the best item: the score of an out-of-scope topic above it


class Matcher:
    """Matches chat questions against one knowledge base; build once, query many times."""

    def __init__(self, kb: KnowledgeBase, index: Index) -> None:
        self.kb = kb
        self.index = index
        self.weights = index.weights
        self._corrections: dict[str, str | None] = {}
        self._completer = Completer(index)
        self._limits = thresholds_by_id(kb)
        self._links = links_by_id(kb)
        self._own = _own_thresholds(kb)
        memory = index.memory
        self._fitter = PhraseFitter((*index.finished, *index.outside),
                                    memory.digests if memory is not None else None,
                                    phrasings=index.weights.phrasings)

    @classmethod
    def build(cls, kb: KnowledgeBase, memory: BuildMemory | None = None,
              weights: Weights | None = None) -> Matcher:
        """Precompute the index; with a library's `memory`, what earlier builds made of
        unchanged texts is taken from there. `weights`: the knobs (default: `Weights()`)."""
        return cls(kb, Index(kb, memory, weights))

    # -- public ---------------------------------------------------------------------

    def match(self, question: str) -> Match:
        scored = self._score(question)
        candidates = tuple(Candidate(s.item.id, _unit(s.score)) for s in scored[:MAX_CANDIDATES])
        return Match(question, self._verdict(scored), candidates)

    def explain(self, question: str, limit: int = 5) -> tuple[Candidate, ...]:
        """The best candidates with what made them match; an out-of-scope topic among them
        has the id `out-of-scope:<n>` (never an item id: explanations only)."""
        query = self._query(question)
        scored = self._rank(query, keep=max(1, limit)) + self._outside(query, 0.0)
        scored.sort(key=lambda s: -s.score)  # stable: items first among equals
        return tuple(Candidate(s.item.id, _unit(s.score), self._reasons(query, s))
                     for s in scored[: max(0, limit)])

    def lexical(self, question: str, limit: int) -> dict[str, float] | None:
        """For a layer that fuses another score in (`bot.core.semantic`): the confidences of
        the `limit` best items and of every out-of-scope topic that scores (`out-of-scope:<n>`),
        by id; None when the question asks nothing (empty, small talk, numbers alone)."""
        query = self._query(question)
        if not query.words:
            return None
        scored = self._rank(query, keep=max(1, limit)) + self._outside(query, 0.0)
        return {s.item.id: _unit(s.score) for s in scored}

    def complete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete choices (label, item id) for what the member has typed so far."""
        def candidates(typed: str) -> list[int]:
            position = self.index.position
            return [position[s.item.id] for s in self._rank(self._query(typed), keep=POOL)]
        return self._completer.complete(text, limit, candidates)

    # -- the question ---------------------------------------------------------------

    def _query(self, question: str) -> Query:
        text = question[:MAX_QUESTION_CHARS] if isinstance(question, str) else ""
        index = self.index
        weights = self.weights
        tokenizer = index.tokenizer
        stop_words = tokenizer.stop_words
        words = tokenizer.tokens(text)[:MAX_WORDS]
        query = Query(text)
        if not words or tokenizer.is_small_talk(words):
            query.small_talk = bool(words)
            return query
        kept: list[tuple[str, str, bool]] = []
        keys: list[str] = []
        for word in words:
            if word in stop_words:
                keys.append(STOP_MARK + word)
                continue
            if word in index.vocabulary or stem(word) in index.df:
                kept.append((word, word, False))
                keys.append(stem(word))
                continue
            fixed = self._correct(word)
            if fixed is not None:
                if fixed in stop_words:
                    keys.append(STOP_MARK + fixed)
                else:
                    kept.append((word, fixed, True))
                    keys.append(stem(fixed))
                continue
            parts = [part for part in self._split(word) if part not in stop_words]
            if not parts:
                parts = [word]
            kept.extend((word, part, False) for part in parts)
            keys.extend(stem(part) for part in parts)
        if all(used.isdigit() or used in ASKING_WORDS for _, used, _ in kept):
            return query  # numbers or "who"/"why" alone ask nothing the knowledge base answers
        stems = [stem(used) for _, used, _ in kept]
        features = index.synonyms.features(keys)
        _compared(features, [s if not c else "" for s, (_, _, c) in zip(stems, kept, strict=True)],
                  index.synonyms.instances)
        for (typed, used, corrected), word_stem, feats in zip(kept, stems, features,
                                                              strict=True):
            known = {f: index.idf[f] for f in feats if f in index.idf}
            if known:
                weight = max(known.values())
                # A word found only through a commoner feature (its synonym group) earns that
                # feature's share of the credit, but never less than SYNONYM.
                credit = tuple((f, max(weights.synonym, idf / weight)) for f, idf in known.items())
            else:
                weight = index.unknown_idf * (weights.number if any(c.isdigit() for c in used)
                                              else 1.0)
                if is_everyday(used):
                    weight *= weights.unseen_everyday
                elif is_english(used):
                    weight *= weights.unseen_familiar
                credit = ()
            everyday = False
            if used in tokenizer.weak_words:
                weight *= weights.weak
                everyday = used in ASKING_WORDS
            elif used in COMMON_WORDS or typed in COMMON_WORDS:
                weight *= weights.common
                everyday = True
            if corrected:
                credit = tuple((f, share * weights.corrected) for f, share in credit)
            query.words.append(Word(typed, used, word_stem, frozenset(feats), weight, corrected,
                                    credit, everyday))
            query.features.update(feats)
        query.key = " ".join(sorted(stems))
        query.basis = _basis(query.total, index.unknown_idf, weights)
        if query.words:
            heaviest = max(w.weight for w in query.words)
            for w in query.words:
                if w.weight >= heaviest * weights.telling:
                    query.telling.update(w.features)
            for bit, w in enumerate(query.words):
                for feature in w.features:
                    query.masks[feature] = query.masks.get(feature, 0) | (1 << bit)
        ws = query.words
        pair_idf = index.pair_idf
        for a, b in itertools.pairwise(ws):
            pair = f"{a.stem} {b.stem}"
            query.bigrams[pair] = weights.bigram * pair_idf.get(pair, index.unknown_idf)
        return query

    def _correct(self, word: str) -> str | None:
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
        if len(self._corrections) > 50_000:
            self._corrections.clear()
        self._corrections[word] = fixed
        return fixed

    def _split(self, word: str) -> list[str]:
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

    # -- scoring --------------------------------------------------------------------

    def _score(self, question: str, thorough: bool = False) -> list[Scored]:
        """Items by confidence, best first; the best carries the score of an out-of-scope
        topic that matches the question better (`outscored`, for `_verdict`).

        Out-of-scope topics are scored only when the verdict could be other than `none`
        at the best item's thresholds, and only those that could decline the question, unless
        `thorough` (calibration tries other thresholds)."""
        query = self._query(question)
        scored = self._rank(query)
        if scored and self.index.outside:
            top = scored[0]
            floor = top.score
            if not thorough:
                limits = self._limits.get(top.item.id, self.kb.thresholds)
                if top.score < limits.suggest * self.weights.joint_share:
                    return scored  # `none` whatever scores above it
                floor += OUTSCORED * limits.margin - 1e-9  # what `_verdict` asks of one
            above = self._outside(query, floor)
            if above:
                scored[0] = dataclasses.replace(top, outscored=max(s.score for s in above))
        return scored

    def _outside(self, query: Query, floor: float) -> list[Scored]:
        """The out-of-scope topics scoring above `floor`, scored like items, best first."""
        total = query.basis
        if not query.words or total <= 0:
            return []
        out: list[Scored] = []
        for found in self.index.outside:
            coverage = self._coverage(query, found.best, total)
            if coverage <= floor:  # confidence <= coverage
                continue
            fit, phrase = self._fitter.fit(query, found)
            score = self._confidence(query, coverage, fit, found)
            if score > floor:
                out.append(Scored(found, score, coverage, fit, phrase))
        out.sort(key=lambda s: -s.score)
        return out

    def _rank(self, query: Query, pool: int = POOL, keep: int = MAX_CANDIDATES) -> list[Scored]:
        """Items by confidence, best first. The top `keep` are exact, and so is the best item
        not linked to the first (the runner-up `_verdict` weighs the lead against)."""
        if not query.words:
            return []
        total = query.basis
        if total <= 0:
            return []
        item = self.index.item
        titled = self.index.titled
        covered = [(self._coverage(query, self.index.drafts[i].best, total), i)
                   for i in self._candidates(query, pool)]
        covered = [c for c in covered if c[0] > 0]
        covered.sort(key=lambda c: (-c[0], c[1]))
        sides = _sides(query, self.index.opposed)

        def scored_item(coverage: float, i: int) -> Scored:
            found = item(i)
            fit, phrase = self._fitter.fit(query, found)
            score = self._confidence(query, coverage, fit, found)
            if sides and _takes_the_other_side(sides, titled[i]):
                score *= self.weights.opposed
            return Scored(found, score, coverage, fit, phrase)

        scored: list[Scored] = []
        floor = 0.0
        for coverage, i in covered:
            # confidence <= coverage, so nothing further down can enter the top `keep`.
            if len(scored) >= keep and coverage < floor:
                break
            scored.append(scored_item(coverage, i))
            if len(scored) >= keep:
                floor = sorted((s.score for s in scored), reverse=True)[keep - 1]
        order = self.index.position
        scored.sort(key=lambda s: (-s.score, order[s.item.id]))
        if scored and all(self._linked(scored[0].item, s.item) for s in scored[1:]):
            # Every exact item is linked to the best: go on down for the best unlinked one.
            top, rival = scored[0].item, 0.0
            for coverage, i in covered[len(scored):]:
                if coverage < rival:
                    break
                if not self._linked(top, item(i)):
                    found = scored_item(coverage, i)
                    scored.append(found)
                    rival = max(rival, found.score)
            scored.sort(key=lambda s: (-s.score, order[s.item.id]))
        for n, s in enumerate(scored[:JOINT_ITEMS]):  # what `_joint` needs
            scored[n] = Scored(s.item, s.score, s.coverage, s.fit, s.phrase,
                               self._parts(query, s.item.best, total))
        return scored

    def _candidates(self, query: Query, pool: int) -> list[int]:
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
        return heapq.nlargest(pool, acc, key=acc.__getitem__)

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
        for word in query.words:  # Matcher._strength, inlined: this runs for every item
            strength = 0.0
            for feature, share in word.credit:
                value = best.get(feature)
                if value is not None and value * share > strength:
                    strength = value * share
            covered += word.weight * strength
        return min(1.0, covered / total)

    @staticmethod
    def _parts(query: Query, best: dict[str, float], total: float) -> tuple[float, ...]:
        """`_coverage` word by word: each word's covered share of the question."""
        return tuple(word.weight * Matcher._strength(word, best) / total for word in query.words)

    def _verdict(self, scored: list[Scored], default: Thresholds | None = None) -> Verdict:
        """The verdict for ranked items; `default` stands in for the knowledge base's own
        thresholds (for calibration) where an item sets none of its own."""
        if not scored:
            return Verdict.NONE
        top = scored[0]
        if default is None:
            limits = self._limits.get(top.item.id, self.kb.thresholds)
        else:
            limits = self._own.get(top.item.id) or default
        rival = next((s.score for s in scored[1:]
                      if not self._linked(top.item, s.item)
                      or _other_half(top, s, self.weights)), 0.0)
        return decide(top.score, rival, limits, outside=top.outscored,
                      joint=self._joint(scored, limits.suggest))

    def _linked(self, top: Item, other: Item) -> bool:
        """Whether answering `top` is also fine when `other` is close behind."""
        return other.id in self._links.get(top.id, ())

    def _joint(self, scored: list[Scored], suggest: float) -> bool:
        """A question that spans two items ("grind or steep") — each close to suggesting on
        its own, together covering most of it — gets both as choices. Together means the
        union of the words they cover: two items covering the same words cover no more."""
        close = [s for s in scored[:JOINT_ITEMS]
                 if s.score >= suggest * self.weights.joint_share]
        if len(close) < 2:
            return False
        a, b = close[0].parts, close[1].parts
        return sum(map(max, a, b)) >= self.weights.joint_coverage

    # -- explanations ---------------------------------------------------------------

    def _field_of(self, item: Item, feature: str) -> str:
        """The field an item's feature comes from: its first phrasing that has it (title,
        question, keyword, alias...), else the strongest of its other texts (answer...)."""
        phrasings = item.by_feature.get(feature)
        if phrasings:
            return item.phrases[phrasings[0]].kind
        tokenizer, synonyms = self.index.tokenizer, self.index.synonyms
        for field, text, _ in sorted(texts_of(self.kb, item.id, self.weights),
                                    key=lambda t: -t[2]):
            keys = [tokenizer.key_of(word) for word in tokenizer.tokens(text)]
            if feature in keys or any(feature == concept for _, _, concept
                                      in synonyms.find(keys, remember=False)):
                return field
        return "text"

    def _reasons(self, query: Query, scored: Scored) -> tuple[str, ...]:
        reasons: list[str] = []
        best = scored.item.best
        missing: list[str] = []
        names = self.index.synonyms.names
        for word in query.words:
            hits = [(best[f] * share, not f.startswith(CONCEPT_PREFIX), f)
                    for f, share in word.credit if f in best]
            if not hits:
                missing.append(word.typed)
                continue
            _, _, feature = max(hits)
            where = self._field_of(scored.item, feature)
            said = f'"{word.typed}"'
            if word.corrected:
                said += f' (read as "{word.used}")'
            if feature.startswith(CONCEPT_PREFIX):
                group = ", ".join(names.get(feature, ())[:4])
                said += f" ≈ synonyms [{group}]"
            reasons.append(f"{said} in {where}")
        if scored.phrase is not None:
            reasons.append(f'closest phrasing ({scored.phrase.kind}): "{scored.phrase.text}"')
        reasons.append(f"coverage {scored.coverage:.2f}, fit {scored.fit:.2f}")
        if missing:
            reasons.append("not covered: " + ", ".join(f'"{m}"' for m in missing))
        return tuple(reasons)




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


def _other_half(top: Scored, other: Scored, w: Weights) -> bool:
    """Whether `other` answers the half of the question `top` leaves out ("grind or steep"):
    a rival then, even when linked to `top`. Parts are known for the first JOINT_ITEMS."""
    if not top.parts or not other.parts or sum(top.parts) > w.half:
        return False
    return sum(map(max, top.parts, other.parts)) >= w.joint_coverage


def _topical(query: Query, best: dict[str, float]) -> bool:
    """Whether the item matches a word of the question that is not an everyday word."""
    return any(not word.everyday and any(f in best for f, _ in word.credit)
               for word in query.words)


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


def _basis(total: float, unknown: float, w: Weights) -> float:
    """The weight a question's coverage is a share of: all of it up to `basis` rare words'
    worth, beyond that only `spread` of the rest."""
    cap = w.basis * unknown
    return total if total <= cap else cap + w.spread * (total - cap)


def _unit(score: float) -> float:
    return round(min(1.0, max(0.0, score)), 4)


def _own_thresholds(kb: KnowledgeBase) -> dict[str, Thresholds]:
    """The items that set thresholds of their own."""
    out = {entry.id: entry.thresholds for entry in kb.entries if entry.thresholds}
    if kb.table is not None:
        if kb.table.thresholds:
            out[kb.table.id] = kb.table.thresholds
        out.update((row.id, row.thresholds) for row in kb.table.rows if row.thresholds)
    return out


