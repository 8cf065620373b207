"""`why`: for each candidate, the question words it matched, where, and what it left out.

The words it matched and in which of its fields, its closest phrasing, its coverage and fit,
and the words it left out."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.fields import texts_of
from bot.core.matching.index import Index, Item
from bot.core.matching.query import Query
from bot.core.matching.score import Scored
from bot.core.matching.synonyms import CONCEPT_PREFIX


def field_of(item: Item, feature: str, texts: Callable[[], list[tuple[str, frozenset[str]]]]
             ) -> str:
    """The field an item's feature comes from: its first phrasing that has it (title,
    question, keyword, alias...), else the strongest of its other `texts` that has it."""
    phrasings = item.by_feature.get(feature)
    if phrasings:
        return item.phrases[phrasings[0]].kind
    return next((field for field, features in texts() if feature in features), "text")


def other_texts(kb: KnowledgeBase, index: Index, item: Item) -> list[tuple[str, frozenset[str]]]:
    """(field, its word keys and synonym concepts) of each of an item's texts that are not
    phrasings (answer...), the strongest first."""
    tokenizer, synonyms = index.tokenizer, index.synonyms
    out: list[tuple[str, frozenset[str]]] = []
    for field, text, _ in sorted(texts_of(kb, item.id, index.weights), key=lambda t: -t[2]):
        keys = [tokenizer.key_of(word) for word in tokenizer.tokens(text)]
        concepts = [concept for _, _, concept in synonyms.find(keys, remember=False)]
        out.append((field, frozenset([*keys, *concepts])))
    return out


def reasons(kb: KnowledgeBase, index: Index, query: Query, scored: Scored) -> tuple[str, ...]:
    """What made `scored` match `query`, one line a finding."""
    found: list[str] = []
    best = scored.item.best
    missing: list[str] = []
    names = index.synonyms.names

    @cache  # the item's other texts are read once, when a word is found only there
    def texts() -> list[tuple[str, frozenset[str]]]:
        return other_texts(kb, index, scored.item)

    for word in query.words:
        hits = [(best[f] * share, not f.startswith(CONCEPT_PREFIX), f)
                for f, share in word.credit if f in best]
        if not hits:
            missing.append(word.typed)
            continue
        _, _, feature = max(hits)
        where = field_of(scored.item, feature, texts)
        said = f'"{word.typed}"'
        if word.corrected:
            said += f' (read as "{word.used}")'
        if feature.startswith(CONCEPT_PREFIX):
            group = ", ".join(names.get(feature, ())[:4])
            said += f" ≈ synonyms [{group}]"
        found.append(f"{said} in {where}")
    if scored.phrase is not None:
        found.append(f'closest phrasing ({scored.phrase.kind}): "{scored.phrase.text}"')
    found.append(f"coverage {scored.coverage:.2f}, fit {scored.fit:.2f}, "
                 f"letters {scored.letters:.2f}")
    if missing:
        found.append("not covered: " + ", ".join(f'"{m}"' for m in missing))
    return tuple(found)
