"""Check parsed knowledge files against the schema and build one KnowledgeBase from them.

Every problem is collected, none raised early: a curator sees all of them in one pass.
`load_knowledge` is the one call for a folder: loader and schema problems together, and a
KnowledgeBase only when there are none.

`related` lists see-also links. An item naming itself is an error; links that go both ways
(A lists B and B lists A), or round a longer loop, are normal for see-also and allowed: nothing
here follows the links, so no loop can run forever.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.core.knowledge.models import (
    ComparisonTable,
    Entry,
    KnowledgeBase,
    Lexicon,
    Location,
    OutOfScope,
    Source,
    TableRow,
    Thresholds,
)
from bot.core.knowledge.nodes import Node, ParsedFile
from bot.core.knowledge.problems import Problem

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"[a-z0-9]+")  # a word as the matcher splits text (matching.text)
MAX_ID = 64
MAX_TITLE = 200
MAX_ANSWER = 16_000
MAX_CELL = 1_000
MAX_PHRASE = 300

FILE_FIELDS = ("document", "matcher", "synonyms", "lexicon", "entries", "table", "out_of_scope")
LEXICON_FIELDS = ("respellings", "stop_words", "weak_words")
ENTRY_FIELDS = (
    "id", "title", "answer", "questions", "keywords", "related", "group", "source",
    "reviewed", "matcher",
)
TABLE_FIELDS = (
    "id", "title", "columns", "rows", "answer", "questions", "keywords", "related", "group",
    "source", "reviewed", "matcher",
)
ROW_FIELDS = ("id", "factor", "cells", "aliases", "questions", "keywords", "related", "matcher")
OUT_OF_SCOPE_FIELDS = ("topic", "questions", "keywords")
SOURCE_FIELDS = ("document", "section", "url")
MAX_URL = 2_000
_SPACE = re.compile(r"\s")
THRESHOLD_FIELDS = ("answer", "suggest", "margin")


@dataclass(slots=True)
class _Collected:
    entries: list[Entry] = field(default_factory=list)
    out_of_scope: list[OutOfScope] = field(default_factory=list)
    table: ComparisonTable | None = None
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    respellings: dict[str, str] = field(default_factory=dict)
    stop_words: set[str] = field(default_factory=set)
    weak_words: set[str] = field(default_factory=set)
    thresholds: Thresholds | None = None
    thresholds_at: Location | None = None
    table_at: Location | None = None
    ids: dict[str, Location] = field(default_factory=dict)
    related: list[tuple[str, str, Location]] = field(default_factory=list)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.out = _Collected()
        self.blanked: frozenset[int] = frozenset()

    # -- small typed readers ------------------------------------------------------------

    def problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem.at(where, message))

    def missing(self, owner: Node, key: str) -> None:
        """Report a required field that is absent, unless a field was there with a value the
        loader already refused, or a line inside `owner` was blanked after a syntax error (the
        field was probably on it)."""
        if key in owner.key_locations:
            return
        if any(owner.spans(line) for line in self.blanked):
            return
        self.problem(owner.location, f"missing required field '{key}'")

    def mapping(self, node: Node, what: str) -> dict[str, Node] | None:
        if not node.is_map:
            self.problem(node.location, f"{what} must be a mapping of fields, not {_kind(node)}")
            return None
        value: dict[str, Node] = node.value
        return value

    def known_fields(self, node: Node, allowed: tuple[str, ...], what: str) -> None:
        for key, where in node.key_locations.items():
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                also = (f"; did you mean '{hint[0]}'?" if hint
                        else f" (allowed: {', '.join(allowed)})")
                self.problem(where, f"unknown field '{key}' in {what}{also}")

    def text(self, fields: dict[str, Node], key: str, owner: Node, *, required: bool,
             limit: int = MAX_ANSWER) -> str | None:
        node = fields.get(key)
        if node is None:
            if required:
                self.missing(owner, key)
            return None
        if not isinstance(node.value, str):
            if node.value is None:
                if required:
                    self.problem(node.location, f"'{key}' is empty")
                return None
            self.problem(node.location, f"'{key}' must be text, not {_kind(node)}{_quote(node)}")
            return None
        value = node.value.strip()
        if not value:
            if required:
                self.problem(node.location, f"'{key}' is empty")
            return None
        if len(value) > limit:
            also = (" (too long for Discord even when split into several messages)"
                    if limit == MAX_ANSWER else "")
            self.problem(node.location,
                         f"'{key}' is {len(value):,} characters; at most {limit:,} "
                         f"allowed{also}")
        return value

    def text_list(self, fields: dict[str, Node], key: str, *, required: bool = False,
                  limit: int = MAX_PHRASE) -> tuple[list[str], list[Location]]:
        node = fields.get(key)
        if node is None or node.value is None:
            if required:
                where = node.location if node is not None else None
                if where is not None:
                    self.problem(where, f"'{key}' is empty")
            return [], []
        if not node.is_list:
            self.problem(node.location, f"'{key}' must be a list, not {_kind(node)}")
            return [], []
        values: list[str] = []
        places: list[Location] = []
        for item in node.value:
            if not isinstance(item.value, str):
                self.problem(item.location,
                             f"each item of '{key}' must be text, not {_kind(item)}"
                             f"{_quote(item)}")
                continue
            text = item.value.strip()
            if not text:
                self.problem(item.location, f"empty item in '{key}'")
                continue
            if len(text) > limit:
                self.problem(item.location,
                             f"item of '{key}' is {len(text):,} characters; at most {limit:,}")
                continue
            values.append(text)
            places.append(item.location)
        if required and not values and not node.value:
            self.problem(node.location, f"'{key}' is empty")
        return values, places

    def identifier(self, fields: dict[str, Node], owner: Node) -> str | None:
        value = self.text(fields, "id", owner, required=True, limit=MAX_ID)
        if value is None:
            return None
        where = fields["id"].location
        if not ID_PATTERN.match(value):
            self.problem(where, _bad_id(value))
            return None
        first = self.out.ids.get(value)
        if first is not None:
            self.problem(where, f"duplicate id '{value}' (first defined at {first})")
            return None
        self.out.ids[value] = where
        return value

    def thresholds(self, fields: dict[str, Node], base: Thresholds) -> Thresholds | None:
        node = fields.get("matcher")
        if node is None:
            return None
        values = self.mapping(node, "'matcher'")
        if values is None:
            return None
        self.known_fields(node, THRESHOLD_FIELDS, "'matcher'")
        numbers: dict[str, float] = {}
        for key in THRESHOLD_FIELDS:
            item = values.get(key)
            if item is None:
                continue
            number = item.value
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.problem(item.location, f"'{key}' must be a number from 0 to 1")
            elif not 0 <= number <= 1:
                self.problem(item.location, f"'{key}' must be from 0 to 1, not {number}")
            else:
                numbers[key] = float(number)
        result = Thresholds(
            answer=numbers.get("answer", base.answer),
            suggest=numbers.get("suggest", base.suggest),
            margin=numbers.get("margin", base.margin),
        )
        if result.suggest > result.answer:
            self.problem(node.location, "'suggest' must not be above 'answer'")
        return result

    def source(self, fields: dict[str, Node], document: str | None) -> Source | None:
        node = fields.get("source")
        if node is None:
            return Source(document) if document else None
        if isinstance(node.value, str):
            section = node.value.strip()
            if not section:
                self.problem(node.location, "'source' is empty")
                return None
            if not document:
                self.problem(node.location, "'source' names a section but the file sets no "
                                            "'document'; use {document: ..., section: ...}")
                return None
            return Source(document, section)
        if not node.is_map:
            self.problem(node.location, "'source' must be a section name or a mapping "
                                        f"{{document: ..., section: ...}}, not {_kind(node)}")
            return None
        values: dict[str, Node] = node.value
        self.known_fields(node, SOURCE_FIELDS, "'source'")
        written = self.text(values, "document", node, required=document is None,
                            limit=MAX_TITLE)
        part = self.text(values, "section", node, required=False, limit=MAX_TITLE)
        url = self.url(values, node)
        doc = written or document
        return Source(doc, part, url) if doc else None

    def url(self, fields: dict[str, Node], owner: Node) -> str | None:
        """A source's `url`: an absolute http(s) address, nothing else (no javascript:)."""
        value = self.text(fields, "url", owner, required=False, limit=MAX_URL)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc \
                or _SPACE.search(value):
            self.problem(fields["url"].location,
                         f"'url' must be an http:// or https:// address, not {value!r}")
            return None
        return value

    def reviewed(self, fields: dict[str, Node]) -> dt.date | None:
        node = fields.get("reviewed")
        if node is None:
            return None
        value = node.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.problem(node.location, "'reviewed' must be a date written as YYYY-MM-DD")
        return None

    def related(self, owner_id: str | None, fields: dict[str, Node]) -> tuple[str, ...]:
        values, places = self.text_list(fields, "related", limit=MAX_ID)
        kept: list[str] = []
        for value, where in zip(values, places, strict=True):
            if value == owner_id:
                self.problem(where, f"'{value}' lists itself in 'related'")
            elif value in kept:
                self.problem(where, f"'{value}' is listed twice in 'related'")
            else:
                kept.append(value)
                self.out.related.append((value, owner_id or "", where))
        return tuple(kept)

    # -- the schema -----------------------------------------------------------------

    def file(self, parsed: ParsedFile) -> None:
        root = parsed.root
        if root is None:
            return
        self.blanked = parsed.blanked
        fields = self.mapping(root, "a knowledge file")
        if fields is None:
            return
        self.known_fields(root, FILE_FIELDS, "a knowledge file")
        needed = ("entries", "table", "synonyms", "lexicon", "matcher", "out_of_scope")
        if not any(key in root.key_locations for key in needed) and not any(
            root.spans(line) for line in self.blanked
        ):
            self.problem(root.location, "a knowledge file needs 'entries' or 'table'")
        document = self.text(fields, "document", root, required=False, limit=MAX_TITLE)
        self.synonyms(fields)
        self.lexicon(fields)
        base = self.out.thresholds or Thresholds()
        entries = fields.get("entries")
        if entries is not None:
            if not entries.is_list:
                self.problem(entries.location, f"'entries' must be a list, not {_kind(entries)}")
            else:
                for node in entries.value:
                    self.entry(node, document, base)
        table = fields.get("table")
        if table is not None:
            self.table(table, document, base)
        declared = fields.get("out_of_scope")
        if declared is not None:
            if declared.value is None or (declared.is_list and not declared.value):
                self.problem(declared.location, "'out_of_scope' is empty")
            elif not declared.is_list:
                self.problem(declared.location,
                             f"'out_of_scope' must be a list of topics, not {_kind(declared)}")
            else:
                for node in declared.value:
                    self.out_of_scope(node)

    def out_of_scope(self, node: Node) -> None:
        """A topic the knowledge base deliberately does not answer: a `topic` and the generic
        `questions` (at least one) that ask it, optionally `keywords`."""
        fields = self.mapping(node, "an out-of-scope topic")
        if fields is None:
            return
        self.known_fields(node, OUT_OF_SCOPE_FIELDS, "an out-of-scope topic")
        topic = self.text(fields, "topic", node, required=True, limit=MAX_TITLE)
        if "questions" not in fields:
            self.missing(node, "questions")
        questions, _ = self.text_list(fields, "questions", required=True)
        keywords, _ = self.text_list(fields, "keywords")
        if topic is None or not questions:
            return
        self.out.out_of_scope.append(OutOfScope(
            topic=topic, questions=tuple(questions), keywords=tuple(keywords),
            location=node.location,
        ))

    def file_thresholds(self, parsed: ParsedFile) -> None:
        """The folder-wide `matcher` thresholds: read before any entry, whatever the file order."""
        root = parsed.root
        if root is None or not root.is_map:
            return
        fields: dict[str, Node] = root.value
        node = fields.get("matcher")
        if node is None:
            return
        if self.out.thresholds_at is not None:
            self.problem(node.location,
                         f"'matcher' is already set at {self.out.thresholds_at}; set it once")
            return
        result = self.thresholds(fields, Thresholds())
        if result is not None:
            self.out.thresholds = result
            self.out.thresholds_at = node.location

    def synonyms(self, fields: dict[str, Node]) -> None:
        node = fields.get("synonyms")
        if node is None:
            return
        values = self.mapping(node, "'synonyms'")
        if values is None:
            return
        for term, item in values.items():
            if not term.strip():
                self.problem(node.key_locations[term], "empty synonym term")
                continue
            variants, _ = self.text_list({term: item}, term)
            if not variants and item.is_list:
                self.problem(item.location, f"synonym '{term}' lists no alternatives")
            self.out.synonyms.setdefault(term.strip().lower(), []).extend(variants)

    def lexicon(self, fields: dict[str, Node]) -> None:
        """The knowledge base's own words (merged across files): `respellings` maps one word
        as members type it to the words the knowledge base writes; `stop_words` and
        `weak_words` list single words."""
        node = fields.get("lexicon")
        if node is None:
            return
        parts = self.mapping(node, "'lexicon'")
        if parts is None:
            return
        self.known_fields(node, LEXICON_FIELDS, "'lexicon'")
        respellings = parts.get("respellings")
        if respellings is not None:
            pairs = self.mapping(respellings, "'respellings'")
            for typed, written in (pairs or {}).items():
                where = respellings.key_locations[typed]
                word = _one_word(typed)
                if word is None:
                    self.problem(where, f"respelling '{typed}' must be one word "
                                        "(letters and digits)")
                elif not isinstance(written.value, str) or not _words_only(written.value):
                    self.problem(written.location, f"respelling of '{typed}' must be text "
                                                   "of letters and digits")
                else:
                    self.out.respellings[word] = " ".join(written.value.lower().split())
        for key, into in (("stop_words", self.out.stop_words),
                          ("weak_words", self.out.weak_words)):
            words, places = self.text_list(parts, key)
            for text, where in zip(words, places, strict=True):
                word = _one_word(text)
                if word is None:
                    self.problem(where, f"'{key}' lists single words (letters and digits), "
                                        f"not '{text}'")
                else:
                    into.add(word)

    def entry(self, node: Node, document: str | None, base: Thresholds) -> None:
        fields = self.mapping(node, "an entry")
        if fields is None:
            return
        self.known_fields(node, ENTRY_FIELDS, "an entry")
        entry_id = self.identifier(fields, node)
        title = self.text(fields, "title", node, required=True, limit=MAX_TITLE)
        answer = self.text(fields, "answer", node, required=True)
        questions, _ = self.text_list(fields, "questions")
        keywords, _ = self.text_list(fields, "keywords")
        related = self.related(entry_id, fields)
        group = self.text(fields, "group", node, required=False, limit=MAX_TITLE)
        source = self.source(fields, document)
        reviewed = self.reviewed(fields)
        thresholds = self.thresholds(fields, base)
        if entry_id is None or title is None or answer is None:
            return
        self.out.entries.append(Entry(
            id=entry_id, title=title, answer=answer, questions=tuple(questions),
            keywords=tuple(keywords), related=related, group=group, source=source,
            reviewed=reviewed, thresholds=thresholds, location=node.location,
        ))

    def table(self, node: Node, document: str | None, base: Thresholds) -> None:
        fields = self.mapping(node, "'table'")
        if fields is None:
            return
        if self.out.table_at is not None:
            self.problem(node.location,
                         f"the comparison table is already defined at {self.out.table_at}; "
                         "there is one table")
            return
        self.out.table_at = node.location
        self.known_fields(node, TABLE_FIELDS, "'table'")
        table_id = self.identifier(fields, node)
        title = self.text(fields, "title", node, required=True, limit=MAX_TITLE)
        columns, _ = self.text_list(fields, "columns", required=True, limit=MAX_TITLE)
        if "columns" not in fields:
            self.missing(node, "columns")
        elif len(columns) < 2 and fields["columns"].is_list and fields["columns"].value:
            self.problem(fields["columns"].location, "'columns' needs at least two columns")
        answer = self.text(fields, "answer", node, required=False) or ""
        questions, _ = self.text_list(fields, "questions")
        keywords, _ = self.text_list(fields, "keywords")
        related = self.related(table_id, fields)
        group = self.text(fields, "group", node, required=False, limit=MAX_TITLE)
        source = self.source(fields, document)
        reviewed = self.reviewed(fields)
        thresholds = self.thresholds(fields, base)
        column_count = len(fields["columns"].value) if "columns" in fields and \
            fields["columns"].is_list else 0
        rows = self.rows(fields, node, columns if len(columns) == column_count else [], base)
        if table_id is None or title is None or len(columns) < 2 or not rows:
            return
        self.out.table = ComparisonTable(
            id=table_id, title=title, columns=tuple(columns), rows=tuple(rows), answer=answer,
            questions=tuple(questions), keywords=tuple(keywords), related=related, group=group,
            source=source, reviewed=reviewed, thresholds=thresholds, location=node.location,
        )

    def rows(self, fields: dict[str, Node], owner: Node, columns: list[str],
             base: Thresholds) -> list[TableRow]:
        node = fields.get("rows")
        if node is None:
            self.missing(owner, "rows")
            return []
        if not node.is_list or not node.value:
            self.problem(node.location, "'rows' must be a non-empty list of rows")
            return []
        rows = [self.row(item, columns, base) for item in node.value]
        return [row for row in rows if row is not None]

    def row(self, node: Node, columns: list[str], base: Thresholds) -> TableRow | None:
        fields = self.mapping(node, "a table row")
        if fields is None:
            return None
        self.known_fields(node, ROW_FIELDS, "a table row")
        row_id = self.identifier(fields, node)
        factor = self.text(fields, "factor", node, required=True, limit=MAX_TITLE)
        if "cells" not in fields:
            self.missing(node, "cells")
        cells, _ = self.text_list(fields, "cells", required=True, limit=MAX_CELL)
        written = fields["cells"].value if "cells" in fields and fields["cells"].is_list else None
        if written is not None and columns and len(written) != len(columns):
            gap = len(columns) - len(written)
            if gap > 0:
                what = "missing a cell" if gap == 1 else f"missing {gap} cells"
            else:
                what = "one cell too many" if gap == -1 else f"{-gap} cells too many"
            self.problem(fields["cells"].location,
                         f"row has {len(written)} cells but the table has {len(columns)} columns "
                         f"({', '.join(columns)}): {what}")
            cells = []
        elif written is not None and len(cells) != len(written):
            cells = []  # an empty or mistyped cell, already reported
        aliases, _ = self.text_list(fields, "aliases")
        questions, _ = self.text_list(fields, "questions")
        keywords, _ = self.text_list(fields, "keywords")
        related = self.related(row_id, fields)
        thresholds = self.thresholds(fields, base)
        if row_id is None or factor is None or not cells:
            return None
        return TableRow(
            id=row_id, factor=factor, cells=tuple(cells), aliases=tuple(aliases),
            questions=tuple(questions), keywords=tuple(keywords), related=related,
            thresholds=thresholds, location=node.location,
        )

    def cross_checks(self) -> None:
        for target, owner, where in self.out.related:
            if target not in self.out.ids:
                hint = difflib.get_close_matches(target, list(self.out.ids), n=1)
                also = f"; did you mean '{hint[0]}'?" if hint else ""
                whose = f" (in '{owner}')" if owner else ""
                self.problem(where, f"related id '{target}' does not exist{whose}{also}")


def validate(files: list[ParsedFile]) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Build the KnowledgeBase, or return every problem found.

    Files the loader marked not clean are checked like the rest, so that all their problems are
    reported, but then no KnowledgeBase is built (the loader's problems say why).
    """
    checker = _Checker()
    for parsed in files:
        checker.file_thresholds(parsed)
    for parsed in files:
        checker.file(parsed)
    checker.cross_checks()
    if checker.problems:
        return None, sorted(checker.problems)
    if not all(parsed.clean for parsed in files):
        return None, []
    out = checker.out
    if not out.entries and out.table is None:
        where = files[0].path if files else "knowledge"
        return None, [Problem(where, 1, 1, "the knowledge base has no entries")]
    kb = KnowledgeBase(
        entries=tuple(out.entries),
        table=out.table,
        synonyms={term: tuple(dict.fromkeys(v)) for term, v in out.synonyms.items()},
        thresholds=out.thresholds or Thresholds(),
        files=tuple(parsed.path for parsed in files),
        out_of_scope=tuple(out.out_of_scope),
        lexicon=Lexicon(respellings=tuple(sorted(out.respellings.items())),
                        stop_words=frozenset(out.stop_words),
                        weak_words=frozenset(out.weak_words)),
    )
    return kb, []


def _one_word(text: str) -> str | None:
    """`text` lower-cased when it is one word of letters and digits, as the matcher splits."""
    word = text.strip().lower()
    return word if _WORD.fullmatch(word) else None


def _words_only(text: str) -> bool:
    return bool(text.split()) and all(_WORD.fullmatch(w) for w in text.lower().split())


def _bad_id(value: str) -> str:
    """Why an id is refused, naming a look-alike character if there is one."""
    for position, char in enumerate(value, 1):
        if not char.isascii():
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return (f"id '{value}' has the non-ASCII character '{char}' ({name}) at position "
                    f"{position}; ids use lowercase ASCII letters, digits and hyphens only")
    suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    also = f"; try '{suggestion}'" if suggestion and suggestion != value else ""
    return (f"id '{value}' must be kebab-case: lowercase ASCII letters, digits and single "
            f"hyphens{also}")


def _quote(node: Node) -> str:
    """The hint for a value YAML read as something other than text."""
    return "" if node.is_list or node.is_map else "; quote it"


def _kind(node: Node) -> str:
    return _describe(node.value)


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "true/false"), (int, "a number"), (float, "a number"), (str, "text"),
    (list, "a list"), (dict, "a mapping"), (dt.date, "a date"),
)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)

