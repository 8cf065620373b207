"""Read knowledge files into YAML node trees that remember where every value was written.

Only `yaml.safe_load` semantics: a node with any tag outside YAML's core schema (such as
`!!python/object`) is reported and dropped, never constructed. Duplicate keys, tabs, non-UTF-8
bytes, byte-order marks, oversized files and alias bombs are reported as problems, all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.models import Location
from bot.core.problems import Problem

KNOWLEDGE_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES_PER_FILE = 50_000
MAX_SYNTAX_RECOVERIES = 10

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_SEQ_TAG = _CORE + "seq"
_MAP_TAG = _CORE + "map"
_BOM = b"\xef\xbb\xbf"

Scalar = str | int | float | bool | None | dt.date


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value and where it starts. Mappings keep their keys' locations too."""

    location: Location
    value: Any
    key_locations: dict[str, Location] = field(default_factory=dict)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: str
    root: Node | None


@dataclass(slots=True)
class LoadResult:
    files: list[ParsedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_folder(folder: Path) -> LoadResult:
    """Parse every knowledge file of a folder; never raises for anything the files hold."""
    result = LoadResult()
    where = str(folder)
    if not folder.exists():
        result.problems.append(Problem(where, 1, 1, "no such folder"))
        return result
    if not folder.is_dir():
        result.problems.append(Problem(where, 1, 1, "not a folder"))
        return result
    paths = sorted(p for p in folder.iterdir() if p.name.endswith(KNOWLEDGE_SUFFIXES))
    if not paths:
        result.problems.append(
            Problem(where, 1, 1, "no knowledge files (*.yaml or *.yml) in this folder")
        )
        return result
    root = folder.resolve()
    for path in paths:
        parsed, problems = _load_file(path, root)
        result.problems.extend(problems)
        if parsed is not None:
            result.files.append(parsed)
    return result


def _load_file(path: Path, root: Path) -> tuple[ParsedFile | None, list[Problem]]:
    name = str(path)
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return None, [Problem(name, 1, 1, "symbolic link points outside the knowledge folder")]
    if path.is_dir():
        return None, [Problem(name, 1, 1, "is a folder, not a knowledge file")]
    if not path.is_file():
        return None, [Problem(name, 1, 1, "not a regular file")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(name, 1, 1, f"file is {size:,} bytes; knowledge files may be at most "
                                f"{MAX_FILE_BYTES:,} bytes")
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    return parse_text(name, data)


def parse_text(name: str, data: bytes) -> tuple[ParsedFile | None, list[Problem]]:
    """Parse one file's bytes; report every problem the parser can reach."""
    problems: list[Problem] = []
    if data.startswith(_BOM):
        problems.append(
            Problem(name, 1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
        )
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(name, line, column, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded")
        )
        return None, problems
    if not text.strip():
        problems.append(Problem(name, 1, 1, "file is empty"))
        return None, problems

    lines = text.split("\n")
    skipped: set[int] = set()
    for _ in range(MAX_SYNTAX_RECOVERIES + 1):
        try:
            node = _compose("\n".join(lines))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line if mark else 0
            column = mark.column if mark else 0
            problems.append(Problem(name, line + 1, column + 1, _syntax_message(exc)))
            if line in skipped or line >= len(lines):
                break
            # Blank the offending line and parse again, so later problems are reported too.
            skipped.add(line)
            lines[line] = ""
            continue
        except yaml.YAMLError as exc:
            problems.append(_reader_problem(name, text, exc))
            break
        except RecursionError:
            problems.append(Problem(name, 1, 1, "values are nested too deeply"))
            break
        if skipped:
            # The rest was parsed with broken lines blanked out: report what it holds, but a
            # file with syntax errors never loads.
            if node is not None:
                _Builder(name, problems).build(node)
            return None, problems
        if node is None:
            problems.append(Problem(name, 1, 1, "file holds no YAML document"))
            return None, problems
        builder = _Builder(name, problems)
        root = builder.build(node)
        return ParsedFile(name, root), problems
    return None, problems


def _compose(text: str) -> yaml.Node | None:
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        return "tab character; YAML indents with spaces only"
    if exc.context and exc.problem_mark is not None:
        return f"YAML syntax: {exc.context}, {problem}"
    return f"YAML syntax: {problem}"


def _reader_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    position = getattr(exc, "position", 0) or 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = getattr(exc, "character", None)
    if isinstance(character, str):
        return Problem(name, line, column, f"character U+{ord(character):04X} is not allowed")
    return Problem(name, line, column, f"YAML: {exc}")


class _Builder:
    """Turns a composed YAML node graph into `Node`s, checking tags, keys and size."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.budget = MAX_NODES_PER_FILE
        self.exhausted = False
        self.constructor = yaml.SafeLoader("")

    def location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node) -> Node | None:
        try:
            return self._build(node)
        except RecursionError:
            self.problems.append(Problem(self.path, 1, 1, "values are nested too deeply"))
            return None
        finally:
            self.constructor.dispose()

    def _build(self, node: yaml.Node) -> Node | None:
        if self.exhausted:
            return None
        self.budget -= 1
        if self.budget < 0:
            self.exhausted = True
            self.problems.append(
                Problem.at(self.location(node), f"document expands to more than "
                           f"{MAX_NODES_PER_FILE:,} values (anchors and aliases?); refused")
            )
            return None
        where = self.location(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self._bad_tag(node)
                return None
            return Node(where, self._scalar(node))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._bad_tag(node)
                return None
            items = [self._build(child) for child in node.value]
            return Node(where, [item for item in items if item is not None])
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self._bad_tag(node)
                return None
            return self._mapping(node, where)
        self._bad_tag(node)
        return None

    def _mapping(self, node: yaml.MappingNode, where: Location) -> Node:
        values: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_where = self.location(key_node)
            if key_node.tag == _CORE + "merge":
                self.problems.append(Problem.at(key_where, "merge keys (<<) are not allowed"))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem.at(key_where, "a key must be plain text"))
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str):
                self.problems.append(
                    Problem.at(key_where, f"key {key!r} must be text; quote it")
                )
                continue
            if key in keys:
                first = keys[key]
                self.problems.append(
                    Problem.at(key_where, f"duplicate key '{key}' (first at line {first.line})")
                )
                continue
            keys[key] = key_where
            value = self._build(value_node)
            if value is not None:
                values[key] = value
        return Node(where, values, keys)

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.removeprefix(_CORE)
        shown = f"!!{tag}" if tag != node.tag else node.tag
        self.problems.append(
            Problem.at(self.location(node), f"tag {shown} is not allowed; plain YAML values only")
        )

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        try:
            value: Scalar = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self.problems.append(
                Problem.at(self.location(node), f"invalid value {node.value!r}")
            )
            return node.value
        return value


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, depth first."""
    yield node
    if node.is_list:
        for child in node.value:
            yield from walk(child)
    elif node.is_map:
        for child in node.value.values():
            yield from walk(child)
