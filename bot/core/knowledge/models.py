"""Frozen records of the knowledge base: entries, the comparison table and its rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was written: `path:line:column` (1-based)."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{one_line(self.path)}:{self.line}:{self.column}"


def one_line(text: str) -> str:
    """Text as it can be shown on one line: what is not printable in it (a line break or an
    escape in a file's name or in a quoted key, a byte of a name that is not UTF-8) written as
    an escape."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in text)


@dataclass(frozen=True, slots=True)
class Source:
    """The document and section an entry was drawn from, and where it can be read (http(s))."""

    document: str
    section: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.document} — {self.section}" if self.section else self.document


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Matcher confidence cut-offs: answer, suggest, and the ambiguity margin."""

    # Defaults for a knowledge base that sets none: chosen on FAQs imported the way an admin
    # would (one question an entry; tests/fixtures/byo). The shipped knowledge base sets its
    # own in its `matcher:` block.
    answer: float = 0.17
    suggest: float = 0.17
    margin: float = 0.01


@dataclass(frozen=True, slots=True)
class Entry:
    """One answerable section of the knowledge base."""

    id: str
    title: str
    answer: str
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    group: str | None = None
    source: Source | None = None
    reviewed: dt.date | None = None
    thresholds: Thresholds | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One factor of the comparison table: a cell per column, addressable by id like an entry."""

    id: str
    factor: str
    cells: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    thresholds: Thresholds | None = None
    location: Location | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        """A row is titled by its factor, as entries and the table by their title."""
        return self.factor


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    """The comparison table as data; the table itself is addressable by its id."""

    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    answer: str = ""
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    group: str | None = None
    source: Source | None = None
    reviewed: dt.date | None = None
    thresholds: Thresholds | None = None
    location: Location | None = field(default=None, compare=False)

    def row(self, row_id: str) -> TableRow | None:
        return next((row for row in self.rows if row.id == row_id), None)


Item = Entry | ComparisonTable | TableRow  # what a question is answered with

OUT_OF_SCOPE_PREFIX = "out-of-scope:"


@dataclass(frozen=True, slots=True)
class OutOfScope:
    """A topic the knowledge base deliberately does not answer ("what does a provider charge
    per token"): its phrasings decline a question they match best. Never an answer, and not
    addressable by id; the matcher names the n-th (1-based) `out-of-scope:<n>` in explanations."""

    topic: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A knowledge base's own words, where its domain departs from general English: how members
    spell its terms ("finetune" → "fine tune"), words that say nothing in it ("bot" in a bot's
    own FAQ) and words that say little ("model" where every entry is about models)."""

    respellings: tuple[tuple[str, str], ...] = ()  # (word as typed, words as written here)
    stop_words: frozenset[str] = frozenset()
    weak_words: frozenset[str] = frozenset()


def _frozen_mapping(value: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The whole validated knowledge base, merged from every file of a folder."""

    entries: tuple[Entry, ...]
    table: ComparisonTable | None = None
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    files: tuple[str, ...] = ()
    out_of_scope: tuple[OutOfScope, ...] = ()
    lexicon: Lexicon = field(default_factory=Lexicon)
    loaded_at: dt.datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "synonyms", _frozen_mapping(self.synonyms))

    def items(self) -> Iterator[Item]:
        """Every addressable item, in order: the entries, then the table, then its rows."""
        yield from self.entries
        if self.table is not None:
            yield self.table
            yield from self.table.rows

    @property
    def ids(self) -> tuple[str, ...]:
        """Every addressable id: entries, then the table, then its rows."""
        return tuple(item.id for item in self.items())

    def entry(self, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def find(self, item_id: str) -> Item | None:
        """The entry, table or table row with this id."""
        return next((item for item in self.items() if item.id == item_id), None)

    def title_of(self, item_id: str) -> str:
        item = self.find(item_id)
        return item_id if item is None else item.title

    def out_of_scope_topic(self, candidate_id: str) -> OutOfScope | None:
        """The out-of-scope topic an explanation's `out-of-scope:<n>` candidate names."""
        number = candidate_id.removeprefix(OUT_OF_SCOPE_PREFIX)
        if number == candidate_id or not number.isdigit():
            return None
        n = int(number)
        return self.out_of_scope[n - 1] if 1 <= n <= len(self.out_of_scope) else None
