"""Synonym groups, and finding their members in a run of word keys.

`kb.synonyms` maps a term to phrases that mean the same. The term and its phrases
form one group, and each group is one concept. A member is found in any text (knowledge base
or question) when its content stems occur there contiguously once stop words are dropped, so
"run it locally" contains the member "run locally" and "self-hosting" the member "self-host".
Matching is symmetric: a question saying "self-hosting" meets an entry saying "on-premises"
when both are in the group. A word matched only through its group earns the group's (lower)
IDF, not its own, so broad groups cannot inflate a match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.knowledge.models import Lexicon
from bot.core.matching.text import STOP_MARK, Tokenizer
from bot.core.memo import Memo, Synonyms

CONCEPT_PREFIX = "≈"

Found = tuple[tuple[int, int, str], ...]  # (start, end, concept) as positions among content words


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    concept: str
    members: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]


FOUND_MAX = 100_000  # knowledge-base texts whose members a finder remembers


class SynonymFinder:
    """Finds synonym-group members in a sequence of word keys (see `Tokenizer.key_of`).

    A member matches when its content words occur in order with nothing between them but
    stop words; stop words written in the member itself must be there too, so "open up"
    never matches a plain "open", while "run locally" matches "run it locally".
    """

    def __init__(self, synonyms: dict[str, tuple[str, ...]], tokenizer: Tokenizer) -> None:
        key_of, tokens = tokenizer.key_of, tokenizer.tokens
        self.groups: list[SynonymGroup] = []
        # First key → (member, concept, whether the member is that one key), in group order.
        self.by_first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = defaultdict(list)
        for term, variants in synonyms.items():
            names = (term, *variants)
            members: list[tuple[str, ...]] = []
            for name in names:
                keys = tuple(key_of(w) for w in tokens(name))
                if _content(keys) and keys not in members:
                    members.append(keys)
            if not members:
                continue
            concept = CONCEPT_PREFIX + term
            self.groups.append(SynonymGroup(concept, tuple(members), names))
            for member in members:
                self.by_first[member[0]].append((member, concept, len(member) == 1))
        self.names = {group.concept: group.names for group in self.groups}
        self.firsts = frozenset(self.by_first)
        # One-word members that are not their group's term: instances of a concept ("claude"
        # of closed models, "llama" of open-weight ones), by key.
        instances: defaultdict[str, set[str]] = defaultdict(set)
        for group in self.groups:
            head = tuple(key_of(w) for w in tokens(group.names[0]))
            for member in group.members:
                if len(member) == 1 and member != head and not member[0].startswith(STOP_MARK):
                    instances[member[0]].add(group.concept)
        self.instances = {k: frozenset(v) for k, v in instances.items()}
        # What `find` found in knowledge-base texts; it goes with the finder.
        self._found: Memo[tuple[str, ...], tuple[tuple[int, int, str], ...]] = Memo(FOUND_MAX)

    @classmethod
    def of(cls, synonyms: Mapping[str, tuple[str, ...]], tokenizer: Tokenizer,
           finders: Memo[tuple[Lexicon, Synonyms], SynonymFinder]) -> SynonymFinder:
        """The finder for these synonyms and lexicon: the last one made for equal ones (so a
        reload that left them alone finds again only in the phrasings that changed), or a new
        one."""
        key = (tokenizer.lexicon,
               tuple((term, tuple(variants)) for term, variants in synonyms.items()))
        finder = finders.get(key)
        return finder if finder is not None else finders.put(key, cls(dict(synonyms), tokenizer))

    def find(self, keys: list[str], remember: bool = True) -> Found:
        """(start, end, concept) for every member found, as positions among content words;
        remembered for the next build (knowledge-base text, not questions) if `remember`."""
        if self.firsts.isdisjoint(keys):
            return ()
        if not remember:
            return self._find(keys)
        key = tuple(keys)
        known = self._found.get(key)
        if known is None:
            known = self._found.put(key, self._find(keys))
        return known

    def _find(self, keys: list[str]) -> Found:
        found: list[tuple[int, int, str]] = []
        by_first = self.by_first
        size = len(keys)
        spans: list[tuple[int, int, str]] = []
        for start, first in enumerate(keys):
            options = by_first.get(first)
            if options is None:
                continue
            for member, concept, single in options:
                if single:  # the first key is the whole member
                    spans.append((start, start + 1, concept))
                    continue
                end = _match_at(keys, start, member, size)
                if end:
                    spans.append((start, end, concept))
        if not spans:
            return ()
        # The content position of each key (for a stop word, that of the next content word).
        position: list[int] = []
        count = 0
        for key in keys:
            position.append(count)
            if not key.startswith(STOP_MARK):
                count += 1
        position.append(count)
        for start, end, concept in spans:
            low, high = position[start], position[end]
            if high > low:
                found.append((low, high, concept))
        return tuple(found)

    def features(self, keys: list[str]) -> list[set[str]]:
        """For each content word of `keys`, its stem and the concepts of members covering it."""
        out = [{k} for k in keys if not k.startswith(STOP_MARK)]
        for start, end, concept in self.find(keys, remember=False):  # a question: not kept
            for i in range(start, end):
                out[i].add(concept)
        return out




def _content(keys: tuple[str, ...]) -> bool:
    return any(not k.startswith(STOP_MARK) for k in keys)


def _match_at(keys: list[str], start: int, member: tuple[str, ...], size: int) -> int:
    """The end of `member` matched from `start` (stop words in `keys` may be skipped), or 0."""
    at = start
    for want in member:
        while at < size and keys[at] != want:
            if want.startswith(STOP_MARK) or not keys[at].startswith(STOP_MARK) or at == start:
                return 0
            at += 1
        if at >= size:
            return 0
        at += 1
    return at
