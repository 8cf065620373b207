"""YAML node trees that remember where every value was written, built with `safe_load` rules.

Only `yaml.safe_load` semantics
    A node tagged with anything outside YAML's core schema (`!!python/object`, `!!binary`,
    `!custom`, ...) is reported and dropped; nothing is ever constructed from it. Merge keys
    (`<<`) are refused: write the fields out. Duplicate mapping keys (PyYAML would keep the last
    one silently), keys YAML reads as numbers or true/false, and a document that expands through
    anchors and aliases to more than `MAX_NODES_PER_FILE` values (the "billion laughs" alias
    bomb) are problems too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.core.knowledge.models import Location
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.pure_yaml import ALIAS_OF

MAX_NODES_PER_FILE = 50_000

# What YAML 1.1 (and PyYAML's reader) refuses to read: everything but tab, line breaks and
# printable characters (lone surrogates included). The parser checks a file's text with it, and
# a quoted value once built, since an escape (`"\\e"`, `"\\0"`, `"\\ud800"`) can make one.
NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_VALUE_TAG = _CORE + "value"
_MERGE_TAG = _CORE + "merge"
_SEQ_TAG = _CORE + "seq"
_MAP_TAG = _CORE + "map"

Scalar = str | int | float | bool | None | dt.date


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value and where it starts. Mappings keep their keys' locations too.

    `end_line` is the last line the value may reach (YAML marks the end at the next token, so
    it can be one line too far); the validator uses it to tell whether a blanked line fell
    inside a mapping.
    """

    location: Location
    value: Any
    key_locations: dict[str, Location] = field(default_factory=dict)
    end_line: int = 0

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def spans(self, line: int) -> bool:
        return self.location.line <= line <= max(self.end_line, self.location.line)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file's tree.

    `clean` is False when the loader found any problem in the file: it is still validated, so
    that every problem is reported at once, but it never becomes part of a KnowledgeBase.
    `blanked` holds the (1-based) lines blanked out to get past syntax errors (`dashes`: those
    of them that kept a list item's dash); `ids_lost` says whether one of them may have held an
    id (a list item, or an `id:` line).
    """

    path: str
    root: Node | None
    clean: bool = True
    blanked: frozenset[int] = frozenset()
    ids_lost: bool = False
    dashes: frozenset[int] = frozenset()


class _Invalid:
    """A scalar whose text does not fit its type (`2024-13-45`): reported, then dropped."""


_INVALID = _Invalid()


def _kind_of(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


class NodeBuilder:
    """Turns composed YAML node graphs into `Node`s, checking tags, keys, size and cycles."""

    def __init__(self, path: str, problems: list[Problem],
                 blanked: frozenset[int] = frozenset(),
                 blanked_items: frozenset[int] = frozenset()) -> None:
        self.path = path
        self.problems = problems
        self.blanked = blanked
        self.blanked_items = blanked_items  # of those, lines that began a list item
        self.budget = MAX_NODES_PER_FILE
        self.exhausted = False
        self.active: set[int] = set()
        self.seen: set[int] = set()
        self.aliased = False
        self.alias_at: Location | None = None  # set while building an alias's value
        self.constructor = yaml.SafeLoader("")

    def location(self, node: yaml.Node) -> Location:
        """Where `node` is written; inside an alias's value, where the alias is (`*x`)."""
        if self.alias_at is not None:
            return self.alias_at
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem.at(self.location(node), message))

    def build(self, node: yaml.Node) -> Node | None:
        try:
            return self._build(node)
        except RecursionError:  # pragma: no cover - the composer limits depth first
            self.problems.append(Problem(self.path, 1, 1, "values are nested too deeply"))
            self.exhausted = True
            return None

    def _build(self, node: yaml.Node) -> Node | None:
        if getattr(node, ALIAS_OF, None) is None or self.alias_at is not None:
            return self._build_here(node)
        self.alias_at = self.location(node)  # what the alias repeats is reported at it
        try:
            return self._build_here(node)
        finally:
            self.alias_at = None

    def _build_here(self, node: yaml.Node) -> Node | None:
        if self.exhausted:
            return None
        self.budget -= 1
        if self.budget < 0:
            self.exhausted = True
            if self.aliased and len(self.seen) * 2 < MAX_NODES_PER_FILE:  # mostly repeats
                self.problem(node, "anchors '&' and aliases '*' expand this file to more than "
                                   f"{MAX_NODES_PER_FILE:,} values; refused")
            else:
                self.problem(node, f"the file holds more than {MAX_NODES_PER_FILE:,} values; "
                                   "split it into smaller files")
            return None
        anchored = getattr(node, ALIAS_OF, node)  # an alias is its anchored node again
        ident = id(anchored)
        if ident in self.seen or anchored is not node:
            self.aliased = True
        self.seen.add(ident)
        if ident in self.active:
            self.problem(node, "this value holds an alias '*' to itself; it would never end")
            return None
        where = self.location(node)
        end_line = node.end_mark.line + (1 if node.end_mark.column else 0)
        if isinstance(node, yaml.ScalarNode):
            if node.value == "" and not node.style and {where.line, where.line + 1} & \
                    self.blanked:
                return None  # nothing written here: what was, was on a blanked line
            value = self._scalar(node)
            if isinstance(value, _Invalid):
                return None
            return Node(where, value, end_line=end_line)
        self.active.add(ident)
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
                items = [self._build(child) for child in node.value]
                return Node(where, [item for item in items if item is not None],
                            end_line=end_line)
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
                return self._mapping(node, where, end_line)
        finally:
            self.active.discard(ident)
        self._bad_tag(node)
        return None

    def _mapping(self, node: yaml.MappingNode, where: Location, end_line: int) -> Node:
        values: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_where = self.location(key_node)
            if key_node.tag == _MERGE_TAG:
                self.problems.append(Problem.at(key_where, "merge keys (<<) are not allowed; "
                                                           "write the fields out in full"))
                continue
            key = self._key(key_node)
            if key is None:
                self._build(value_node)  # still check what it holds
                continue
            if key in keys:
                first = keys[key]
                self._build(value_node)
                if any(first.line < line < key_where.line for line in self.blanked_items):
                    # A list item blanked (past a syntax error) between the two: its keys ran
                    # on into this mapping, so the "duplicate" was never written as one.
                    continue
                self.problems.append(Problem.at(
                    key_where, f"duplicate key '{key}' (first at line {first.line}); "
                               "YAML would silently keep only the last one"))
                continue
            keys[key] = key_where
            value = self._build(value_node)
            if value is not None:
                values[key] = value
        return Node(where, values, keys, end_line)

    def _key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, "a key must be plain text, not a list or a mapping")
            return None
        if node.tag not in _SCALAR_TAGS and node.tag != _VALUE_TAG:
            self._bad_tag(node)
            return None
        key = self._scalar(node)
        if isinstance(key, _Invalid):
            return None
        if not isinstance(key, str):
            shown = node.value or "~"
            self.problem(node, f"key '{shown}' is read by YAML as {_kind_of(key)}, not as a "
                               f"name; quote it: \"{shown}\":")
            return None
        return key

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.removeprefix(_CORE)
        shown = f"!!{tag}" if tag != node.tag else node.tag
        self.problem(node, f"tag {shown} is not allowed; plain YAML values only "
                           "(nothing tagged is ever run or built)")

    def _scalar(self, node: yaml.ScalarNode) -> Scalar | _Invalid:
        if node.tag == _VALUE_TAG and not node.style:  # plain: None in PyYAML, "" in libyaml
            return str(node.value)  # a bare '=' is text; PyYAML has no constructor for it
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node)
            return _INVALID
        try:
            value = self.constructor.construct_object(node)
        except Exception:  # PyYAML raises ValueError, KeyError, AttributeError... on bad text
            if node.tag.endswith("timestamp"):
                self.problem(node, f"'{node.value}' is not a valid date; write YYYY-MM-DD")
            elif node.tag.endswith(":int") and node.value.isdigit():  # too long for Python
                self.problem(node, f"a number of {len(node.value):,} digits is too long to "
                                   "read; quote it if it is text")
            else:
                kind = node.tag.removeprefix(_CORE)
                self.problem(node, f"'{node.value}' is not a valid {kind}")
            return _INVALID
        if isinstance(value, str):
            control = NON_PRINTABLE.search(value)
            if control is not None:
                self.problem(node, f"control character U+{ord(control.group()):04X} is not "
                                   "allowed (written as an escape in quoted text)")
                return _INVALID
            return value
        if isinstance(value, int | float | bool | dt.date) or value is None:
            return value
        return _INVALID  # pragma: no cover - core scalar tags build only the types above


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, depth first."""
    yield node
    if node.is_list:
        for child in node.value:
            yield from walk(child)
    elif node.is_map:
        for child in node.value.values():
            yield from walk(child)
