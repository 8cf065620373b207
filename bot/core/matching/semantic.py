"""The semantic layer's pure side: what is encoded, and lexical + semantic → one Match.

A sentence-embedding model (run by `bot.semantic`) gives the cosine similarity of the question
to each item's texts (title, questions, keywords, the answer's opening; an item's similarity is
that of its closest text). The cosine is calibrated to [0, 1] for the model (`Fusion.floor`:
what unrelated sentences score; `Fusion.ceiling`: what a close paraphrase scores) and fused with
the lexical confidence by a convex combination, so the fused confidence stays a calibrated
[0, 1] read by the same verdict policy and a knowledge base's own thresholds as the lexical one
(one that sets none gets `FUSED_DEFAULTS`, a little lower than the lexical matcher's; a margin,
a lead in lexical confidence, counts `lexical` of itself):

    fused = w × lexical + (1 − w) × clip((cosine − floor) / (ceiling − floor)),  w = `lexical`

The ceiling (0.8 for all-MiniLM-L6-v2) is what the model scores on close paraphrases. The
floor and the lexical weight were chosen on the development sets (the two byo FAQs and the
shipped knowledge base's tuned sets) once the lexical score had its character n-grams: of
weights 0.6-0.8 and floors 0.2-0.4, 0.7 and 0.3 (questions of one community about different
things score about 0.3, not the 0.2 of unrelated sentences) lose the least on any shipped set
(one question of blind2's 40) while adding 0.7 and 7.5 points on the two FAQs; 0.5 and 0.2
had served the word-level score alone.

The model reads the question with the typing slips the lexical matcher corrected written as
corrected ("pick a radom item" as "pick a random item"): to a sentence encoder a typo is a few
meaningless word pieces. Only slips are rewritten (a letter left out, a letter doubled, two
neighbours swapped), and only in a word the model does not know whole. A word it knows is a
real word the knowledge base happens not to use ("audio", not "audit"); a one-letter change
makes another real word of many rarer ones the model splits into pieces ("args" is not "arms",
"decode" not "decide"), so the lexical matcher's reading of those stays its own.

Candidates are the lexical matcher's best and the semantic best together, so a question that
shares no word with the right entry ("pm" for "DM") can still find it. Out-of-scope topics are
fused the same way and decline a question they match better than every item; one the
lexical matcher declines for a topic stays declined (`Lexical.declined`: the words name what
the knowledge base declines, and an entry alike in meaning cannot overrule them). A question that
asks nothing (empty, small talk, numbers alone: the lexical matcher's call) gets no candidates.
A question spanning two items ("grind or steep") is judged by the same rules as in the lexical
matcher (`policy.verdict`): on the fused scores, with the words each item explains. When the
fused verdict would only suggest the item the lexical matcher answers with on its own, it is
answered (`policy.decide`'s `agreed`): the layer agreeing takes no answer away.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple, Protocol

from bot.core.knowledge.models import OUT_OF_SCOPE_PREFIX, KnowledgeBase, TableRow, Thresholds
from bot.core.matching.match import Candidate, Match, Verdict, unit
from bot.core.matching.matcher import Matcher
from bot.core.matching.policy import (
    JOINT_ITEMS,
    Ranked,
    decision,
    declining_score,
    links_by_id,
    thresholds_by_id,
)
from bot.core.matching.query import Query

OPENING_CHARS = 300  # of an answer: what its first sentences say is what it is about
# The thresholds of a knowledge base that sets none, with the layer (the lexical matcher's are
# `Thresholds()`). A question the model finds nothing alike in fuses to `Fusion.lexical` of its
# lexical confidence, so fused scores sit lower near the answer threshold: 0.15 against 0.17
# scores no worse on the two byo FAQs and three small knowledge bases, and up to 0.05 better.
# A knowledge base's own answer and suggest thresholds apply as they are (every margin counts
# `Fusion.lexical` of itself: `FusedMatcher._fused`).
FUSED_DEFAULTS = Thresholds(answer=0.15, suggest=0.15, margin=0.01)


@dataclass(frozen=True, slots=True)
class Fusion:
    """Every knob of the fusion, with what it multiplies or bounds."""

    lexical: float = 0.7  # weight of the lexical confidence; the semantic part gets the rest
    floor: float = 0.3  # cosine of unrelated questions of one community: calibrates to 0
    ceiling: float = 0.8  # cosine of a close paraphrase: calibrates to 1
    # Candidates from each side. 4 answers as 6 did on every set (one question fewer in the
    # top 3 of each byo FAQ) and is 0.1-0.15 ms quicker at the shipped knowledge base's p99;
    # 10 answered as 6 did, 0.2 ms slower.
    pool: int = 4
    choices: int = 4  # candidates of a Match: three did-you-mean choices and the runner-up
    defaults: Thresholds = FUSED_DEFAULTS  # of a knowledge base that sets none

    def calibrated(self, cosine: float) -> float:
        return min(1.0, max(0.0, (cosine - self.floor) / (self.ceiling - self.floor)))

    def fused(self, lexical: float, cosine: float) -> float:
        return self.lexical * lexical + (1 - self.lexical) * self.calibrated(cosine)


class Similar(NamedTuple):
    """An item's (or out-of-scope topic's) cosine similarity and its closest text (a named
    tuple: a question makes dozens, and a frozen dataclass takes several times as long)."""

    cosine: float
    text: str


class Similarities(Protocol):
    """The semantic index of one knowledge base (see `bot.semantic.index`)."""

    def knows(self, word: str) -> bool:
        """Whether the model reads `word` (lower case) as one whole word of its vocabulary."""
        ...

    @property
    def model(self) -> str:
        """Names the model (and its weights' digest)."""
        ...

    def similar(self, question: str, ids: Collection[str], top: int
                ) -> dict[str, Similar] | None:
        """The question's similarity to each of `ids` and to the `top` most similar items
        and out-of-scope topics (`out-of-scope:<n>`), by id; the question is encoded once.
        None when it could not be encoded: the question is then matched lexically."""
        ...


def item_texts(kb: KnowledgeBase) -> Iterator[tuple[str, list[str]]]:
    """Every item's and out-of-scope topic's texts to encode, by id."""
    columns = kb.table.columns if kb.table is not None else ()
    for item in kb.items():
        if isinstance(item, TableRow):
            cells = "; ".join(f"{c}: {v}" for c, v in zip(columns, item.cells, strict=False))
            yield item.id, _texts(item.title, (*item.questions, *item.aliases), item.keywords,
                                  f"{item.title}. {cells}")
        else:
            yield item.id, _texts(item.title, item.questions, item.keywords, item.answer)
    for n, topic in enumerate(kb.out_of_scope, start=1):
        yield f"{OUT_OF_SCOPE_PREFIX}{n}", _texts(topic.topic, topic.questions, topic.keywords,
                                                  "")


def _texts(title: str, questions: Collection[str], keywords: Collection[str],
           answer: str) -> list[str]:
    texts = [title, *questions]
    if keywords:
        texts.append(", ".join(keywords))
    opening = opening_of(answer)
    if opening:
        texts.append(opening)
    return list(dict.fromkeys(t for t in texts if t.strip()))


def opening_of(answer: str) -> str:
    """An answer's first OPENING_CHARS characters as plain text, cut at a word."""
    plain = " ".join(re.sub(r"[*_`#>|~]+", " ", answer).split())
    if len(plain) <= OPENING_CHARS:
        return plain
    return plain[:OPENING_CHARS].rsplit(" ", 1)[0]


@dataclass(frozen=True, slots=True)
class Scored:
    id: str
    score: float
    lexical: float
    similar: Similar | None


class FusedMatcher:
    """The lexical matcher with the semantic similarity fused in; the same public interface
    (`match`, `explain`, `complete`, `kb`), the same verdict policy and thresholds."""

    def __init__(self, lexical: Matcher, semantic: Similarities,
                 fusion: Fusion | None = None) -> None:
        self.lexical = lexical
        self.semantic = semantic
        self.fusion = fusion or Fusion()
        self.kb = kb = lexical.kb
        self._links = links_by_id(kb)
        self._order = {item_id: n for n, item_id in enumerate(kb.ids)}
        base = self.fusion.defaults if kb.thresholds == Thresholds() else kb.thresholds
        self._default = self._fused(base)
        self._limits = {i: self._fused(t) for i, t in thresholds_by_id(kb, base).items()}
        self._topics = [f"{OUT_OF_SCOPE_PREFIX}{n}" for n in range(1, len(kb.out_of_scope) + 1)]

    def match(self, question: str) -> Match:
        query = self.lexical.read(question)
        lexical = self.lexical.lexical(query, self.fusion.pool)
        if lexical is None:
            return Match(question, Verdict.NONE, (), ())
        similar = self.semantic.similar(self._respelled(query), [*lexical.scores, *self._topics],
                                        self.fusion.pool)
        if similar is None:
            return self.lexical.match(question)
        items = [s for s in self._score(lexical.scores, similar)
                 if s.score > 0 and not s.id.startswith(OUT_OF_SCOPE_PREFIX)]
        candidates = tuple(Candidate(s.id, unit(s.score)) for s in items[:self.fusion.choices])
        decided: Verdict
        offered: tuple[str, ...]
        if lexical.declined:  # the words name an out-of-scope topic: meaning cannot overrule
            decided, offered = Verdict.NONE, ()
        else:
            decided, offered = self._decide(items, self._outside(query, items, similar), query,
                                            lexical.answer)
        return Match(question, decided, candidates, offered)

    def explain(self, question: str, limit: int = 5) -> tuple[Candidate, ...]:
        """The best candidates, each with both parts of its score and the lexical reasons."""
        explained = {c.id: c for c in self.lexical.explain(question, max(limit, self.fusion.pool))}
        query = self.lexical.read(question)
        asked = self.lexical.lexical(query, self.fusion.pool)
        if asked is None:
            return ()
        lexical = {**asked.scores, **self.lexical.outside(query),
                   **{i: c.score for i, c in explained.items()}}
        similar = self.semantic.similar(self._respelled(query), lexical.keys(), self.fusion.pool)
        if similar is None:
            return self.lexical.explain(question, limit)
        out: list[Candidate] = []
        fusion = self.fusion
        scored = [s for s in self._score(lexical, similar) if s.score > 0]
        for s in scored[:max(0, limit)]:
            cosine = s.similar.cosine if s.similar else 0.0
            reasons = [f"score {s.score:.2f} = {fusion.lexical:.2f} × lexical {s.lexical:.2f} + "
                       f"{1 - fusion.lexical:.2f} × semantic {fusion.calibrated(cosine):.2f} "
                       f"(cosine {cosine:.2f})"]
            if s.similar is not None:
                reasons.append(f'closest text: "{_short(s.similar.text)}"')
            found = explained.get(s.id)
            reasons.extend(found.reasons if found else ("lexical: no word matched",))
            out.append(Candidate(s.id, unit(s.score), tuple(reasons)))
        return tuple(out)

    def complete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.lexical.complete(text, limit)

    def _respelled(self, query: Query) -> str:
        """The question as the model reads it: each typing slip the lexical reader corrected
        written as corrected, unless the model knows the word as typed."""
        text = query.text
        for word in query.words:
            if (word.corrected and is_slip(word.typed, word.used)
                    and not self.semantic.knows(word.typed)):
                # where the reader splits words: any character but a letter or a digit
                text = re.sub(rf"(?i)(?<![a-z0-9]){re.escape(word.typed)}(?![a-z0-9])",
                              word.used, text)
        return text

    def _score(self, lexical: Mapping[str, float], similar: Mapping[str, Similar]
               ) -> list[Scored]:
        """Items by fused score, best first; out-of-scope topics among them when `lexical`
        or `similar` has them (items first among equals)."""
        order = self._order
        scored = [Scored(i, self.fusion.fused(lexical.get(i, 0.0),
                                              similar[i].cosine if i in similar else 0.0),
                         lexical.get(i, 0.0), similar.get(i))
                  for i in {*lexical, *similar}]
        scored.sort(key=lambda s: (-s.score, order.get(s.id, len(order)), s.id))
        return scored

    def _fused(self, limits: Thresholds) -> Thresholds:
        """Thresholds on the fused scale. A margin is a lead in lexical confidence (the
        knowledge base's, or `Fusion.defaults`'), which counts `Fusion.lexical` of a fused
        score: the semantic part, alike for close items, adds little to a lead. Measured: 0.7
        of the margin answers one or two more questions of five sets (shipped dev, blind and
        blind9, the CPython FAQ, the bakery) and loses none of 17."""
        return replace(limits, margin=limits.margin * self.fusion.lexical)

    def limits(self, item_id: str | None = None) -> Thresholds:
        """The thresholds the verdict applies to an item (None: the knowledge base's)."""
        return self._limits.get(item_id, self._default) if item_id else self._default

    def _outside(self, query: Query, items: list[Scored], similar: Mapping[str, Similar]
                 ) -> float:
        """The best fused score of an out-of-scope topic, as far as the verdict needs it
        (`items`: best first, no topic among them). 0 when the best item scores too little
        for any verdict but `none` with nothing offered (`policy.declining_score`); and only
        the topics whose lexical confidence could lift them to the best item's score are
        scored lexically (the others are fused with a lexical 0: they can neither decline the
        question nor keep back what is offered)."""
        if not items or not self._topics:
            return 0.0
        top = items[0]
        limits = self.limits(top.id)
        declining = declining_score(top.score, limits, self.lexical.weights)
        if declining is None:
            return 0.0  # `none` whatever scores above it
        fusion = self.fusion
        cosines = {i: similar[i].cosine if i in similar else 0.0 for i in self._topics}
        most = max(fusion.calibrated(c) for c in cosines.values())
        # A topic's fused score reaches the best item's only from this lexical confidence up.
        needed = top.score - (1 - fusion.lexical) * most
        lexical = (self.lexical.outside(query, needed / fusion.lexical - 1e-9)
                   if fusion.lexical > 0 else {})  # all meaning, no words: nothing to score
        return max(fusion.fused(lexical.get(i, 0.0), c) for i, c in cosines.items())

    def _decide(self, items: list[Scored], outside: float, query: Query,
                answered: str | None) -> tuple[Verdict, tuple[str, ...]]:
        """The verdict policy (`policy.decision`: the verdict, and what is offered beside it) on
        fused scores (`items`: best first, no out-of-scope topic; `outside`: the best topic's),
        with the lexical matcher's two-halves rules on the words each of the first items
        explains; `answered`: the item the lexical matcher answers with on its own."""
        if not items:
            return Verdict.NONE, ()
        top = items[0]
        limits = self.limits(top.id)
        parts = self.lexical.parts(query, [s.id for s in items[:JOINT_ITEMS]])
        ranked = [Ranked(s.id, s.score, parts.get(s.id, ())) for s in items]
        return decision(ranked, limits, self._links, self.lexical.weights, outside=outside,
                        shown=self.fusion.choices, answered=answered)


def is_slip(typed: str, meant: str) -> bool:
    """Whether `typed` is `meant` with a typing slip: a letter left out ("radom"), a letter
    doubled ("thhing") or two neighbours swapped ("staitc"). A letter changed for another, or
    one added that doubles none, as often makes another word ("args", "codec")."""
    if len(typed) + 1 == len(meant):
        return any(meant[:i] + meant[i + 1:] == typed for i in range(len(meant)))
    if len(typed) == len(meant) + 1:
        return any(typed[i] == typed[i + 1] and typed[:i] + typed[i + 1:] == meant
                   for i in range(len(typed) - 1))
    if len(typed) != len(meant):
        return False
    differ = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
    return (len(differ) == 2 and differ[1] == differ[0] + 1
            and typed[differ[0]] == meant[differ[1]] and typed[differ[1]] == meant[differ[0]])


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


AnyMatcher = Matcher | FusedMatcher  # what a Snapshot answers with
