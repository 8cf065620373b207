"""Typed readers of a knowledge file's fields: text, lists, thresholds, sources, dates.

Each reader reports what is wrong as a Problem at the value's location and returns what can be
used, or None; nothing is raised, so that a curator sees every problem in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from bot.core.knowledge.models import Location, Source, Thresholds
from bot.core.knowledge.nodes import Node
from bot.core.knowledge.problems import Problem

MAX_ID = 64
MAX_TITLE = 200
MAX_ANSWER = 16_000
MAX_CELL = 1_000
MAX_PHRASE = 300
MAX_URL = 512  # a Discord link button's address: a longer one fails the whole answer
_SPACE = re.compile(r"\s")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def written_fields(record: type) -> tuple[str, ...]:
    """The fields of a knowledge-base record as a file writes them, in order: the record's
    `thresholds` are written as its `matcher` block, and its `location` is not written."""
    return tuple("matcher" if part.name == "thresholds" else part.name
                 for part in dataclasses.fields(record) if part.name != "location")


SOURCE_FIELDS = written_fields(Source)
THRESHOLD_FIELDS = written_fields(Thresholds)


class FieldReader:
    """Reads fields of located YAML nodes, collecting every problem in `problems`."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.blanked: frozenset[int] = frozenset()  # lines blanked after a syntax error
        self.dashes: frozenset[int] = frozenset()  # of those, list items' dash lines

    def problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem.at(where, message))

    def missing(self, owner: Node, key: str) -> None:
        """Report a required field that is absent, unless a field was there with a value the
        loader already refused, or a line inside `owner`, or the line above it (a list item's
        dash line), was blanked after a syntax error (the field was probably on it)."""
        if key in owner.key_locations:
            return
        if any(owner.spans(line) for line in self.blanked) or \
                owner.location.line - 1 in self.dashes:
            return
        self.problem(owner.location, f"missing required field '{key}'")

    def mapping(self, node: Node, what: str) -> dict[str, Node] | None:
        if not node.is_map:
            self.problem(node.location, f"{what} must be a mapping of fields, not {kind(node)}")
            return None
        value: dict[str, Node] = node.value
        return value

    def block(self, fields: dict[str, Node], key: str, allowed: tuple[str, ...] | None = None
              ) -> tuple[Node, dict[str, Node]] | None:
        """An optional mapping field (`matcher`, `synonyms`, `lexicon`): its node and fields,
        or None when it is absent or not a mapping (reported); its keys checked if `allowed`."""
        node = fields.get(key)
        if node is None:
            return None
        values = self.mapping(node, f"'{key}'")
        if values is None:
            return None
        if allowed is not None:
            self.known_fields(node, allowed, f"'{key}'")
        return node, values

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
            self.problem(node.location, f"'{key}' must be text, not {kind(node)}{quote(node)}")
            return None
        value = node.value.strip()
        if not value or invisible(value):
            if required:
                also = " (only invisible characters)" if value else ""
                self.problem(node.location, f"'{key}' is empty{also}")
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
            self.problem(node.location, f"'{key}' must be a list, not {kind(node)}")
            return [], []
        values: list[str] = []
        places: list[Location] = []
        for item in node.value:
            if not isinstance(item.value, str):
                self.problem(item.location,
                             f"each item of '{key}' must be text, not {kind(item)}"
                             f"{quote(item)}")
                continue
            text = item.value.strip()
            if not text or invisible(text):
                also = " (only invisible characters)" if text else ""
                self.problem(item.location, f"empty item in '{key}'{also}")
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

    def thresholds(self, fields: dict[str, Node], base: Thresholds) -> Thresholds | None:
        block = self.block(fields, "matcher", THRESHOLD_FIELDS)
        if block is None:
            return None
        node, values = block
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
                                        f"{{document: ..., section: ...}}, not {kind(node)}")
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
        if not is_web_address(value):
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


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host and no spaces (no javascript:, no mailto:)."""
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) \
        and not _SPACE.search(value)


def quote(node: Node) -> str:
    """The hint for a value YAML read as something other than text."""
    return "" if node.is_list or node.is_map else "; quote it"


def kind(node: Node) -> str:
    return _describe(node.value)


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "true/false"), (int, "a number"), (float, "a number"), (str, "text"),
    (list, "a list"), (dict, "a mapping"), (dt.date, "a date"),
)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)


def invisible(text: str) -> bool:
    """Whether text shows nothing: only spaces and format characters (zero-width space and
    joiner, word joiner, byte-order mark...), which `str.strip` keeps."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def bad_id(value: str) -> str:
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
