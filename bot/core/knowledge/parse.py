"""Read knowledge files into YAML node trees that remember where every value was written.

What is read
    Every file directly inside the folder whose name ends in `.yaml` or `.yml` (in any letter
    case). Sub-folders are not searched. Names starting with a dot are skipped: editors leave
    such files beside the ones being edited (Emacs's `.#faq.yaml` lock, which is a dangling
    symbolic link; `.faq.yaml.swp`; macOS's `._faq.yaml`), and they are never knowledge.

Only `yaml.safe_load` semantics
    A node tagged with anything outside YAML's core schema (`!!python/object`, `!!binary`,
    `!custom`, ...) is reported and dropped; nothing is ever constructed from it. Merge keys
    (`<<`) are refused: write the fields out.

Everything is a problem, reported as `path:line:column: message`, all of them in one pass
    Duplicate mapping keys (PyYAML would keep the last one silently), tabs, bytes that are not
    UTF-8, a byte-order mark, control characters, keys YAML reads as numbers or true/false,
    more than one document in a file, values nested more than `MAX_DEPTH` levels, a symbolic
    link out of the folder, a folder named like a file, a file over `MAX_FILE_BYTES` (refused
    from its size, before it is read), and a document that expands through anchors and aliases
    to more than `MAX_NODES_PER_FILE` values (refused; the "billion laughs" alias bomb).

Syntax errors
    The parser stops at the first one. To report what follows it too, the offending line is
    blanked and the file parsed again, up to `MAX_SYNTAX_RECOVERIES` times. What is then found in
    the rest of the file is reported, and the tree is handed to the validator so that schema
    problems later in the file are reported as well; but such a file is marked not `clean`, and
    a folder with any unclean file never becomes a KnowledgeBase.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.models import Location
from bot.core.knowledge.problems import Problem
from bot.core.memo import BuildMemory

KNOWLEDGE_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES_PER_FILE = 50_000
MAX_DEPTH = 50
FAST_PATH_NESTING = 2_000  # brackets plus deepest indent below which libyaml may compose
MAX_SYNTAX_RECOVERIES = 10
MAX_REPORTS_PER_KIND = 20

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_VALUE_TAG = _CORE + "value"
_MERGE_TAG = _CORE + "merge"
_SEQ_TAG = _CORE + "seq"
_MAP_TAG = _CORE + "map"
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What YAML 1.1 (and PyYAML's reader) refuses to read: everything but tab, line breaks and
# printable characters. After these are replaced, Python's `str.splitlines` breaks lines exactly
# where YAML does, so line numbers agree.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_REPLACEMENT = "\ufffd"

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
    `blanked` holds the (1-based) lines blanked out to get past syntax errors.
    """

    path: str
    root: Node | None
    clean: bool = True
    blanked: frozenset[int] = frozenset()


@dataclass(slots=True)
class LoadResult:
    files: list[ParsedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_folder(folder: Path, memory: BuildMemory | None = None) -> LoadResult:
    """Parse every knowledge file of a folder; never raises for anything the folder holds.
    With a library's `memory`, a file parsed before with the same bytes is not parsed again."""
    result = LoadResult()
    where = str(folder)
    try:
        if not folder.exists():
            result.problems.append(Problem(where, 1, 1, "no such folder"))
            return result
        if not folder.is_dir():
            result.problems.append(Problem(where, 1, 1, "not a folder"))
            return result
        children = list(folder.iterdir())
        root = folder.resolve()
    except (OSError, RuntimeError) as exc:
        result.problems.append(Problem(where, 1, 1, f"cannot read the folder: {_reason(exc)}"))
        return result
    paths = sorted(p for p in children if is_knowledge_name(p.name))
    if not paths:
        result.problems.append(
            Problem(where, 1, 1, "no knowledge files (*.yaml or *.yml) in this folder")
        )
        return result
    for path in paths:
        parsed, problems = _load_file(path, root, memory)
        result.problems.extend(problems)
        if parsed is not None:
            result.files.append(parsed)
    return result


def is_knowledge_name(name: str) -> bool:
    """A knowledge file's name: `*.yaml` or `*.yml`, not hidden (editors' dotfiles)."""
    return not name.startswith(".") and name.lower().endswith(KNOWLEDGE_SUFFIXES)


def _load_file(path: Path, root: Path, memory: BuildMemory | None
               ) -> tuple[ParsedFile | None, list[Problem]]:
    name = str(path)

    def refuse(message: str) -> tuple[ParsedFile | None, list[Problem]]:
        return None, [Problem(name, 1, 1, message)]

    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return refuse("symbolic link to a file that does not exist")
            except (OSError, RuntimeError):
                return refuse("symbolic link that cannot be followed (a loop?)")
            if not target.is_relative_to(root):
                return refuse(f"symbolic link points outside the knowledge folder, to {target}; "
                              "copy the file in instead")
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return refuse("is a folder, not a knowledge file; knowledge files are not "
                          "searched for in sub-folders")
        if not stat.S_ISREG(info.st_mode):
            return refuse("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return refuse(_too_big(info.st_size))
        # Non-blocking, so that a file swapped for a FIFO since the check cannot hang us.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return refuse("not a regular file")
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, RuntimeError) as exc:
        return refuse(f"cannot read file: {_reason(exc)}")
    if len(data) > MAX_FILE_BYTES:
        return refuse(_too_big(len(data)))
    if memory is None:
        return parse_text(name, data)
    # A reload re-parses only the files whose bytes changed since one of the last few parses.
    key = (name, hashlib.blake2b(data, digest_size=16).digest())
    known = memory.parsed.get(key)
    if known is None:
        parsed, problems = parse_text(name, data)
        known = memory.parsed.put(key, (parsed, tuple(problems)))
    return known[0], list(known[1])


def _too_big(size: int) -> str:
    return (f"file is {size:,} bytes; a knowledge file may be at most {MAX_FILE_BYTES:,} bytes "
            "(1 MiB); refused without reading it")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# -- one file ------------------------------------------------------------------------------


class _Text:
    """The decoded text, with line/column lookup that agrees with YAML's line breaks."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        if not self.starts:
            return 1, 1
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def parse_text(name: str, data: bytes) -> tuple[ParsedFile | None, list[Problem]]:
    """Parse one file's bytes; report every problem the parser can reach."""
    problems: list[Problem] = []
    if data.startswith(_UTF16_BOMS):
        problems.append(Problem(name, 1, 1, "file is UTF-16 (it starts with a UTF-16 byte-order "
                                            "mark); save it as UTF-8"))
        return None, problems
    if data.startswith(_BOM):
        problems.append(
            Problem(name, 1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
        )
        data = data[len(_BOM):]
    text, bad_bytes = _decode(data)
    positions = _Text(text)
    for offset, byte in bad_bytes[:MAX_REPORTS_PER_KIND]:
        line, column = positions.position(offset)
        problems.append(Problem(name, line, column, f"not UTF-8: byte 0x{byte:02x} cannot be "
                                                    "decoded; save the file as UTF-8"))
    if len(bad_bytes) > MAX_REPORTS_PER_KIND:
        problems.append(Problem(name, 1, 1, f"{len(bad_bytes):,} bytes in all are not UTF-8; "
                                            "is this a text file saved as UTF-8?"))
    controls = list(_NON_PRINTABLE.finditer(text))
    for match in controls[:MAX_REPORTS_PER_KIND]:
        line, column = positions.position(match.start())
        problems.append(Problem(name, line, column, f"control character "
                                                    f"U+{ord(match.group()):04X} is not allowed"))
    if len(controls) > MAX_REPORTS_PER_KIND:
        problems.append(Problem(name, 1, 1, f"{len(controls):,} control characters in all"))
    if controls:
        text = _NON_PRINTABLE.sub(_REPLACEMENT, text)
    if not text.strip():
        problems.append(Problem(name, 1, 1, "file is empty"))
        return None, problems

    lines = text.splitlines(keepends=True)
    blanked: set[int] = set()
    gave_up = False
    documents: list[tuple[yaml.Mark, yaml.Node]] = []
    for attempt in range(MAX_SYNTAX_RECOVERIES + 1):
        try:
            documents = _compose("".join(lines))
        except _TooDeep as exc:
            problems.append(Problem(name, exc.mark.line + 1, exc.mark.column + 1,
                                    f"values are nested more than {MAX_DEPTH} levels deep"))
            return None, problems
        except yaml.MarkedYAMLError as exc:
            line, column, message = _syntax_problem(exc, len(lines))
            if line in blanked:
                break  # no progress: what follows is an echo of the error already reported
            problems.append(Problem(name, line + 1, column + 1, message))
            if attempt == MAX_SYNTAX_RECOVERIES:
                gave_up = True
                break
            if line >= len(lines):
                break
            # Blank the offending line (keeping its line break, so that line numbers stay
            # right) and parse again, so that later problems are reported too.
            blanked.add(line)
            lines[line] = lines[line][len(lines[line].rstrip("\r\n\x85\u2028\u2029")):]
            continue
        except yaml.YAMLError as exc:
            problems.append(Problem(name, 1, 1, f"YAML: {exc}"))
            return None, problems
        except RecursionError:
            problems.append(Problem(name, 1, 1, f"values are nested more than {MAX_DEPTH} "
                                                "levels deep"))
            return None, problems
        break
    if gave_up:
        problems.append(Problem(name, max(blanked) + 1, 1, "too many syntax errors; the rest of "
                                                           "this file was not checked"))
    if not documents:
        if not blanked:
            problems.append(Problem(name, 1, 1, "file holds no YAML document, only comments"))
        return None, problems
    builder = _Builder(name, problems, frozenset(line + 1 for line in blanked))
    root = builder.build(documents[0][1])
    for mark, extra in documents[1:]:
        problems.append(Problem(name, mark.line + 1, mark.column + 1, "a second YAML document "
                                "('---') in one file; keep one document per file"))
        builder.build(extra)  # still report its duplicate keys and tags
    if builder.exhausted:
        root = None
    if root is None:
        return None, problems
    parsed = ParsedFile(name, root, clean=not problems,
                        blanked=frozenset(line + 1 for line in blanked))
    return parsed, problems


def _decode(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """UTF-8 text, with U+FFFD for each undecodable byte run, and (text offset, byte) of each."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    pieces: list[str] = []
    length = 0
    bad: list[tuple[int, int]] = []
    position = 0
    while position < len(data):
        if len(bad) > MAX_REPORTS_PER_KIND:
            rest = data[position:].decode("utf-8", errors="replace")
            pieces.append(rest)
            bad.extend((length, 0) for _ in range(rest.count(_REPLACEMENT)))
            break
        try:
            pieces.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            good = data[position:position + exc.start].decode("utf-8")
            pieces.append(good)
            length += len(good)
            bad.append((length, data[position + exc.start]))
            pieces.append(_REPLACEMENT)
            length += 1
            position += exc.end
    return "".join(pieces), bad


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("nested too deeply")
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe composer with a depth limit (its composer recurses once per level)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.depth >= MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _compose(text: str) -> list[tuple[yaml.Mark, yaml.Node]]:
    """Every document of the text as a node graph, with where it starts; nothing is built."""
    fast = _compose_fast(text)
    if fast is not None:
        return fast
    loader = _Loader(text)
    try:
        loader.get_event()  # type: ignore[no-untyped-call]  # the stream start
        documents: list[tuple[yaml.Mark, yaml.Node]] = []
        while not loader.check_event(yaml.StreamEndEvent):
            start = loader.peek_event().start_mark  # type: ignore[no-untyped-call]
            document = loader.compose_document()
            if document is not None:
                documents.append((start, document))
        return documents
    finally:
        loader.dispose()


def _compose_fast(text: str) -> list[tuple[yaml.Mark, yaml.Node]] | None:
    """libyaml's composer, about 15 times faster, for the common case: one clean, shallow
    document. None means "use the pure-Python composer", which words every error, reports
    extra documents and refuses deep nesting itself; both build the same node graph.

    libyaml composes recursively in C, beyond Python's recursion limit, so text that could
    nest deeply (many brackets, or very deep indentation) never goes to it.
    """
    if not yaml.__with_libyaml__ or _could_nest_deeply(text):
        return None
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if node is None or _depth(node) > MAX_DEPTH:
        return None
    return [(node.start_mark, node)]


def _could_nest_deeply(text: str) -> bool:
    brackets = text.count("[") + text.count("{")
    indent = max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0)
    return brackets + indent > FAST_PATH_NESTING


def _depth(root: yaml.Node) -> int:
    """How deep a node graph nests, visiting each node once (aliases share nodes)."""
    deepest = 0
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return deepest


_FRIENDLY = (
    ("mapping values are not allowed here",
     "unexpected ':'; text that holds ': ' must be quoted"),
    ("could not find expected ':'",
     "this line is neither 'key: value' nor a list item '- ...'; a ':' is missing, or the "
     "indentation is wrong"),
    ("found unexpected end of stream", "quoted text is not closed"),
    ("found unknown escape character", "unknown escape in double-quoted text; write \\\\ for "
                                       "a backslash, or use single quotes"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, line_count: int) -> tuple[int, int, str]:
    """0-based line and column of a syntax error, and a message a curator can act on."""
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    # Some errors are noticed only at the next line or at the end of the file; the context
    # mark then shows where the trouble began.
    late = ("could not find expected ':'" in problem or "end of stream" in problem
            or "<stream end>" in problem or "flow" in context)
    if exc.context_mark is not None and (mark is None or late):
        mark = exc.context_mark
    line = mark.line if mark else 0
    column = mark.column if mark else 0
    if line >= line_count > 0:
        line = line_count - 1
        column = 0
    if "'\\t'" in problem:
        return line, column, "tab character; YAML indents with spaces only"
    if context.startswith("found duplicate anchor") and exc.context_mark is not None:
        anchor = context.split("'")[1] if "'" in context else ""
        where = exc.problem_mark or exc.context_mark
        return (where.line, where.column, f"anchor '&{anchor}' is defined twice (first at line "
                                          f"{exc.context_mark.line + 1})")
    for known, friendly in _FRIENDLY:
        if known in problem:
            return line, column, f"YAML syntax: {friendly}"
    if "expected <block end>" in problem:
        found = problem.split("but found", 1)[-1].strip()
        return line, column, f"YAML syntax: unexpected {found}; check this line's indentation"
    if context and "flow" in context:
        return line, column, (f"YAML syntax: {context.removeprefix('while parsing ')} that "
                              f"starts here is not closed properly: {problem}")
    if context:
        return line, column, f"YAML syntax: {context}, {problem}"
    return line, column, f"YAML syntax: {problem}"


# -- node trees ----------------------------------------------------------------------------


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


class _Builder:
    """Turns composed YAML node graphs into `Node`s, checking tags, keys, size and cycles."""

    def __init__(self, path: str, problems: list[Problem],
                 blanked: frozenset[int] = frozenset()) -> None:
        self.path = path
        self.problems = problems
        self.blanked = blanked
        self.budget = MAX_NODES_PER_FILE
        self.exhausted = False
        self.active: set[int] = set()
        self.seen: set[int] = set()
        self.aliased = False
        self.constructor = yaml.SafeLoader("")

    def location(self, node: yaml.Node) -> Location:
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
        if self.exhausted:
            return None
        self.budget -= 1
        if self.budget < 0:
            self.exhausted = True
            if self.aliased:
                self.problem(node, "anchors '&' and aliases '*' expand this file to more than "
                                   f"{MAX_NODES_PER_FILE:,} values; refused")
            else:
                self.problem(node, f"the file holds more than {MAX_NODES_PER_FILE:,} values; "
                                   "split it into smaller files")
            return None
        if id(node) in self.seen:
            self.aliased = True
        self.seen.add(id(node))
        if id(node) in self.active:
            self.problem(node, "this value holds an alias '*' to itself; it would never end")
            return None
        where = self.location(node)
        end_line = node.end_mark.line + (1 if node.end_mark.column else 0)
        if isinstance(node, yaml.ScalarNode):
            if node.value == "" and node.style is None and {where.line, where.line + 1} & \
                    self.blanked:
                return None  # nothing written here: what was, was on a blanked line
            value = self._scalar(node)
            if isinstance(value, _Invalid):
                return None
            return Node(where, value, end_line=end_line)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
                items = [self._build(child) for child in node.value]
                return Node(where, [item for item in items if item is not None],
                            end_line=end_line)
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
                return self._mapping(node, where, end_line)
        finally:
            self.active.discard(id(node))
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
                self.problems.append(Problem.at(
                    key_where, f"duplicate key '{key}' (first at line {first.line}); "
                               "YAML would silently keep only the last one"))
                self._build(value_node)
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
            else:
                kind = node.tag.removeprefix(_CORE)
                self.problem(node, f"'{node.value}' is not a valid {kind}")
            return _INVALID
        if isinstance(value, str | int | float | bool | dt.date) or value is None:
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
