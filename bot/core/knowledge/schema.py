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
from dataclasses import dataclass, field
from typing import TypedDict

from bot.core.knowledge.fields import (
    ID_PATTERN,
    MAX_CELL,
    MAX_ID,
    MAX_TITLE,
    bad_id,
    kind,
    written_fields,
)
from bot.core.knowledge.lexicon import LexiconReader
from bot.core.knowledge.models import (
    ComparisonTable,
    Entry,
    KnowledgeBase,
    Location,
    OutOfScope,
    Source,
    TableRow,
    Thresholds,
)
from bot.core.knowledge.names import factor_names
from bot.core.knowledge.nodes import Node, ParsedFile
from bot.core.knowledge.problems import Problem
from bot.core.text import fold

FILE_FIELDS = ("document", "matcher", "synonyms", "lexicon", "entries", "table", "out_of_scope")
ENTRY_FIELDS = written_fields(Entry)
TABLE_FIELDS = written_fields(ComparisonTable)
ROW_FIELDS = written_fields(TableRow)
OUT_OF_SCOPE_FIELDS = written_fields(OutOfScope)


class _Shared(TypedDict):
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    group: str | None
    source: Source | None
    reviewed: dt.date | None
    thresholds: Thresholds | None


@dataclass(slots=True)
class _Collected:
    entries: list[Entry] = field(default_factory=list)
    out_of_scope: list[OutOfScope] = field(default_factory=list)
    table: ComparisonTable | None = None
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    thresholds: Thresholds | None = None
    thresholds_at: Location | None = None
    table_at: Location | None = None
    ids: dict[str, Location] = field(default_factory=dict)
    questions: dict[str, tuple[str, Location]] = field(default_factory=dict)  # by fold: whose
    related: list[tuple[str, str, Location]] = field(default_factory=list)


class _Checker(LexiconReader):
    """The schema: every file's parts, checked and collected into one knowledge base."""

    def __init__(self) -> None:
        super().__init__()
        self.out = _Collected()

    # -- ids and links, across files ----------------------------------------------------

    def identifier(self, fields: dict[str, Node], owner: Node) -> str | None:
        value = self.text(fields, "id", owner, required=True, limit=MAX_ID)
        if value is None:
            return None
        where = fields["id"].location
        if not ID_PATTERN.match(value):
            self.problem(where, bad_id(value))
            return None
        first = self.out.ids.get(value)
        if first is not None:
            self.problem(where, f"duplicate id '{value}' (first defined at {first})")
            return None
        self.out.ids[value] = where
        return value

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

    def questions(self, fields: dict[str, Node], owner: str, *, required: bool = False
                  ) -> list[str]:
        """An item's `questions`. A question asked twice, by it or by another item (an
        out-of-scope topic included), is a problem: no one could tell which answers it."""
        values, places = self.text_list(fields, "questions", required=required)
        mine: set[str] = set()
        for value, where in zip(values, places, strict=True):
            key = fold(value)
            first = self.out.questions.get(key)
            if not key:
                self.problem(where, f"question '{value}' has no words; the bot could never "
                                    "match it")
            elif key in mine:
                self.problem(where, f"question '{value}' is listed twice in {owner}")
            elif first is not None:
                self.problem(where, f"question '{value}' is also a question of {first[0]} (at "
                                    f"{first[1]}); keep it under one")
            else:
                mine.add(key)
                self.out.questions[key] = (owner, where)
        return values

    # -- the schema -----------------------------------------------------------------

    def file(self, parsed: ParsedFile) -> None:
        root = parsed.root
        if root is None:
            return
        self.blanked = parsed.blanked
        self.dashes = parsed.dashes
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
                self.problem(entries.location, f"'entries' must be a list, not {kind(entries)}")
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
                             f"'out_of_scope' must be a list of topics, not {kind(declared)}")
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
        twin = next((t for t in self.out.out_of_scope if topic and fold(t.topic) == fold(topic)),
                    None)
        if twin is not None and topic is not None:
            self.problem(fields["topic"].location, f"out-of-scope topic '{topic}' is already "
                                                   f"defined at {twin.location}; name it once")
        if "questions" not in fields:
            self.missing(node, "questions")
        questions = self.questions(fields, f"the out-of-scope topic '{topic}'" if topic
                                   else "an out-of-scope topic", required=True)
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
        self.out.thresholds_at = node.location  # set here, valid or not: a second is reported
        if result is not None:
            self.out.thresholds = result

    def synonyms(self, fields: dict[str, Node]) -> None:
        block = self.block(fields, "synonyms")
        if block is None:
            return
        node, values = block
        for term, item in values.items():
            if not term.strip():
                self.problem(node.key_locations[term], "empty synonym term")
                continue
            variants, _ = self.text_list({term: item}, term)
            if not variants and item.is_list:
                self.problem(item.location, f"synonym '{term}' lists no alternatives")
            self.out.synonyms.setdefault(term.strip().lower(), []).extend(variants)

    def entry(self, node: Node, document: str | None, base: Thresholds) -> None:
        fields = self.mapping(node, "an entry")
        if fields is None:
            return
        self.known_fields(node, ENTRY_FIELDS, "an entry")
        entry_id = self.identifier(fields, node)
        title = self.text(fields, "title", node, required=True, limit=MAX_TITLE)
        answer = self.text(fields, "answer", node, required=True)
        shared = self.shared(fields, node, entry_id, document, base)
        if entry_id is None or title is None or answer is None:
            return
        self.out.entries.append(Entry(id=entry_id, title=title, answer=answer,
                                      location=node.location, **shared))

    def shared(self, fields: dict[str, Node], node: Node, item_id: str | None,
               document: str | None, base: Thresholds) -> _Shared:
        """The fields an entry and the table both have, after their own."""
        questions = self.questions(fields, f"'{item_id}'" if item_id else "another entry")
        keywords, _ = self.text_list(fields, "keywords")
        return _Shared(
            questions=tuple(questions), keywords=tuple(keywords),
            related=self.related(item_id, fields),
            group=self.text(fields, "group", node, required=False, limit=MAX_TITLE),
            source=self.source(fields, document), reviewed=self.reviewed(fields),
            thresholds=self.thresholds(fields, base),
        )

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
        columns, places = self.text_list(fields, "columns", required=True, limit=MAX_TITLE)
        if "columns" not in fields:
            self.missing(node, "columns")
        elif fields["columns"].is_list and 0 < len(fields["columns"].value) < 2:
            self.problem(fields["columns"].location, "'columns' needs at least two columns")
        answer = self.text(fields, "answer", node, required=False) or ""
        shared = self.shared(fields, node, table_id, document, base)
        column_count = len(fields["columns"].value) if "columns" in fields and \
            fields["columns"].is_list else 0
        rows = self.rows(fields, node, columns if len(columns) == column_count else [], base)
        self.distinct_names(columns, places, rows)
        if table_id is None or title is None or len(columns) < 2 or not rows:
            return
        self.out.table = ComparisonTable(
            id=table_id, title=title, columns=tuple(columns), rows=tuple(rows), answer=answer,
            location=node.location, **shared,
        )

    def distinct_names(self, columns: list[str], places: list[Location],
                       rows: list[TableRow]) -> None:
        """Columns, and rows by every name `/compare` knows them by, told apart (by fold)."""
        seen: set[str] = set()
        for column, where in zip(columns, places, strict=True):
            if fold(column) in seen:
                self.problem(where, f"column '{column}' is listed twice")
            seen.add(fold(column))
        named: dict[str, TableRow] = {}
        for row in rows:
            clashes = [(name, first) for name in factor_names(row)
                       if (first := named.setdefault(fold(name), row)) is not row]
            if clashes and row.location is not None:  # rows read here always have one
                name, first = clashes[0]
                self.problem(row.location, f"row '{row.id}' is named '{name}', as row "
                                           f"'{first.id}' is (at {first.location}); "
                                           "`/compare` could not tell them apart")

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
        questions = self.questions(fields, f"'{row_id}'" if row_id else "another row")
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

    def cross_checks(self, *, ids_unknowable: bool = False) -> None:
        """Links between items. With `ids_unknowable` (a line blanked past a syntax error may
        have held an id) an unknown id is not reported: it may only be unread."""
        for target, owner, where in () if ids_unknowable else self.out.related:
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
    checker.cross_checks(ids_unknowable=any(parsed.ids_lost for parsed in files))
    lexicon = checker.lexicon_checks()
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
        lexicon=lexicon,
    )
    return kb, []
