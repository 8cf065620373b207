"""Question → ranked knowledge-base items with a confidence in [0, 1] and a verdict.

How a question is scored (see `index` for the precomputed side):

1. The question is cleaned and split (`text`), then read (`read`): stop words are dropped, a
   message made only of greetings and stop words is small talk and gets no answer, and so does
   one made only of numbers or interrogatives ("1", "who are you"). Each remaining word that
   the knowledge base does not know is corrected word by word against its vocabulary (a typo
   of a stop word is then dropped), or split into two known words ("selfhosting").
2. Synonym groups declared in the knowledge base mark runs of words with a concept feature, so
   "self-hosting" can meet "local deployment" (symmetric; phrase-aware, see `index`).
3. Each word weighs its IDF (words the knowledge base has never seen weigh like a rare word, so
   a question mostly about something else scores low, unless they are everyday English: "seem"
   or "ago" say little about what is asked). *Coverage* (`score`) is the share of that weight
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

from collections.abc import Sequence
from typing import NamedTuple

from bot.core.knowledge.models import KnowledgeBase, Thresholds
from bot.core.matching.complete import Completer
from bot.core.matching.explain import reasons
from bot.core.matching.fit import PhraseFitter
from bot.core.matching.index import Index
from bot.core.matching.match import Candidate, Match, Verdict, unit
from bot.core.matching.policy import (
    Ranked,
    decision,
    declining_score,
    links_by_id,
    thresholds_by_id,
)
from bot.core.matching.query import Query
from bot.core.matching.read import QuestionReader
from bot.core.matching.score import MAX_CANDIDATES, POOL, Scored, Scorer
from bot.core.matching.weights import Weights
from bot.core.memo import BuildMemory


class Lexical(NamedTuple):
    """What the lexical matcher makes of a question, for a layer that fuses another score in."""

    scores: dict[str, float]  # the confidences of the best items, by id
    answer: str | None  # the item it answers with on its own, if its verdict is `answer`
    declined: bool = False  # an out-of-scope topic matches the question clearly better


class Matcher:
    """Matches chat questions against one knowledge base; build once, query many times."""

    def __init__(self, kb: KnowledgeBase, index: Index) -> None:
        self.kb = kb
        self.index = index
        self.weights = index.weights
        self.reader = QuestionReader(index)
        self._completer: Completer | None = None  # made on first use: answers never need it
        self._limits = thresholds_by_id(kb)
        self._own = _own_thresholds(kb)
        memory = index.memory
        fitter = PhraseFitter((*index.finished, *index.outside),
                              memory.digests if memory is not None else None,
                              phrasings=index.weights.phrasings)
        self.scorer = Scorer(index, fitter, links_by_id(kb))

    @classmethod
    def build(cls, kb: KnowledgeBase, memory: BuildMemory | None = None,
              weights: Weights | None = None) -> Matcher:
        """Precompute the index; with a library's `memory`, what earlier builds made of
        unchanged texts is taken from there. `weights`: the knobs (default: `Weights()`)."""
        return cls(kb, Index(kb, memory, weights))

    # -- public ---------------------------------------------------------------------

    def match(self, question: str) -> Match:
        query = self.reader.read(question)
        scored = self._ranked(query)
        candidates = tuple(Candidate(s.item.id, unit(s.score)) for s in scored[:MAX_CANDIDATES])
        decided, offered = self._decide(scored)
        if decided is Verdict.NONE and offered and self.scorer.outside(query,
                                                                       scored[0].score - 1e-9):
            offered = ()  # an out-of-scope topic matches as well as any item: none offered
        return Match(question, decided, candidates, offered)

    def explain(self, question: str, limit: int = 5) -> tuple[Candidate, ...]:
        """The best candidates with what made them match; an out-of-scope topic among them
        has the id `out-of-scope:<n>` (never an item id: explanations only)."""
        query = self.reader.read(question)
        scored = self.scorer.rank(query, keep=max(1, limit)) + self.scorer.outside(query, 0.0)
        scored.sort(key=lambda s: -s.score)  # stable: items first among equals
        return tuple(Candidate(s.item.id, unit(s.score), reasons(self.kb, self.index, query, s))
                     for s in scored[: max(0, limit)])

    def limits(self, item_id: str | None = None) -> Thresholds:
        """The thresholds the verdict applies to an item (None: the knowledge base's)."""
        return self._limits.get(item_id, self.kb.thresholds) if item_id else self.kb.thresholds

    def read(self, question: str) -> Query:
        """The question as the matcher reads it, for a layer that fuses another score in
        (`semantic`): read once, then passed to `lexical`, `outside` and `parts`."""
        return self.reader.read(question)

    def lexical(self, query: Query, limit: int) -> Lexical | None:
        """The confidences of the `limit` best items (and of any other scored exactly), and
        the item this matcher answers with on its own; None when the question asks nothing
        (empty, small talk, numbers alone)."""
        if not query.words:
            return None
        scored = self._ranked(query, max(limit, MAX_CANDIDATES))
        if not scored:  # no item shares a word or a run of letters with it ("zzz")
            return Lexical({}, None, declined=False)
        decided, _ = self._decide(scored)
        return Lexical({s.item.id: unit(s.score) for s in scored},
                       scored[0].item.id if decided is Verdict.ANSWER else None,
                       declined=scored[0].outscored > 0)

    def outside(self, query: Query, floor: float = 0.0) -> dict[str, float]:
        """The confidences of the out-of-scope topics scoring above `floor`, by their ids
        (`out-of-scope:<n>`; after `lexical`, which leaves what they reuse on the query)."""
        return {s.item.id: unit(s.score) for s in self.scorer.outside(query, floor)}

    def complete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete choices (label, item id) for what the member has typed so far."""
        def candidates(typed: str) -> list[int]:
            position = self.index.position
            ranked = self.scorer.rank(self.reader.read(typed), keep=POOL)
            return [position[s.item.id] for s in ranked]
        if self._completer is None:
            self._completer = Completer(self.index)
        return self._completer.complete(text, limit, candidates)

    # -- scoring --------------------------------------------------------------------

    def _score(self, question: str, thorough: bool = False) -> list[Scored]:
        """`_ranked` for a question as typed."""
        return self._ranked(self.reader.read(question), thorough=thorough)

    def _ranked(self, query: Query, keep: int = MAX_CANDIDATES, thorough: bool = False
                ) -> list[Scored]:
        """Items by confidence, best first (the `keep` best exactly); the best carries the
        score of an out-of-scope topic that matches the question better (`outscored`, for
        `_decide`).

        Out-of-scope topics are scored only when the verdict could be other than `none` (with
        nothing offered) at the best item's thresholds, and only those that could decline the
        question, unless `thorough` (calibration tries other thresholds); `match` asks about
        the others only when it would offer items."""
        scored = self.scorer.rank(query, keep=keep)
        if scored and self.index.outside:
            top = scored[0]
            floor = top.score
            if not thorough:
                limits = self.limits(top.item.id)
                declining = declining_score(top.score, limits, self.weights)
                if declining is None:
                    return scored  # `none` with nothing offered, whatever scores above it
                floor = declining - 1e-9
            above = self.scorer.outside(query, floor)
            if above:
                scored[0] = top._replace(outscored=max(s.score for s in above))
        return scored

    def _decide(self, scored: list[Scored], default: Thresholds | None = None
                ) -> tuple[Verdict, tuple[str, ...]]:
        """The verdict for ranked items and what is offered beside it: on an answer its
        alternatives, on none the items that came closest (`policy.decision`); `default` stands
        in for the knowledge base's own thresholds (for
        calibration) where an item sets none of its own."""
        if not scored:
            return Verdict.NONE, ()
        top = scored[0]
        if default is None:
            limits = self.limits(top.item.id)
        else:
            limits = self._own.get(top.item.id) or default
        ranked = [Ranked(s.item.id, s.score, s.parts) for s in scored]
        return decision(ranked, limits, self.scorer.links, self.weights,
                        outside=top.outscored, shown=MAX_CANDIDATES)

    def parts(self, query: Query, ids: Sequence[str]) -> dict[str, tuple[float, ...]]:
        """For a layer that fuses another score in: each question word's share of the question
        that each of these items explains (the two-halves rules of `policy.verdict`)."""
        return self.scorer.parts(query, ids)


def _own_thresholds(kb: KnowledgeBase) -> dict[str, Thresholds]:
    """The items that set thresholds of their own."""
    return {item.id: item.thresholds for item in kb.items() if item.thresholds}
