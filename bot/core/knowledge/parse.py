"""Parse one knowledge file's bytes into a node tree, reporting every problem in one pass.

Everything is a problem, reported as `path:line:column: message`
    Tabs that indent (a tab between tokens or words, `a:<tab>b`, is read as libyaml reads
    it, on either path: `pure_yaml`), bytes that are not UTF-8, a byte-order mark, control
    characters, Unicode's own line breaks (U+0085, U+2028, U+2029), more than one document in a
    file and values nested more than `MAX_DEPTH` levels (the node tree adds its own: see
    `nodes`).

Syntax errors
    The parser stops at the first one. To report what follows it too, the offending line is
    blanked (a list item's dash kept) and the file parsed again, up to `MAX_SYNTAX_RECOVERIES`
    times and `MAX_RECOVERY_CHARS` in all. What is then found in the rest of the file is
    reported, and the tree is handed to the validator so that schema problems later in the
    file are reported as well; but such a file is marked not `clean`, and a folder with any
    unclean file never becomes a KnowledgeBase.

Positions
    Lines are counted as editors count them (`\n`, `\r\n`, `\r`): a form feed does not end
    one, and U+0085, U+2028 and U+2029, once reported, are read as spaces.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata

import yaml

from bot.core.knowledge.nodes import NON_PRINTABLE, NodeBuilder, ParsedFile
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.pure_yaml import PureLoader, TooDeep

MAX_DEPTH = 50
MAX_SYNTAX_RECOVERIES = 10
# Characters parsed again, in all, to get past a file's syntax errors: each recovery parses the
# whole file with the pure-Python composer (about 2 s a MiB), so a large file gets fewer.
MAX_RECOVERY_CHARS = 2_000_000
MAX_REPORTS_PER_KIND = 20

_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)  # the LE one starts like UTF-16's
# What the characters YAML refuses to read (`NON_PRINTABLE`) are replaced with, once reported.
_REPLACEMENT = "\ufffd"
# A line as editors count them: up to and with its \n, \r\n or \r (form feeds, U+2028 and
# the like, where `str.splitlines` also breaks, do not end a line).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# Line breaks to YAML 1.1 (this loader) but not to YAML 1.2 (ruamel.yaml, which edits the files)
# nor to text editors: a file using them would mean two things, so they are refused.
_SEPARATORS = {"\x85": "U+0085 (next line)", "\u2028": "U+2028 (line separator)",
               "\u2029": "U+2029 (paragraph separator)"}
_SEPARATOR = re.compile("[\x85\u2028\u2029]")  # read as a space once reported
_ID_LINE = re.compile(r"[\s-]*[\"']?id[\"']?\s*:")
_ITEM_START = re.compile(r"([ ]*-)(?:[ \t]|$)")  # a block list item's dash, with its indent
# Spaces that look like ' ' but that YAML reads as text (a BOM inside a file too).
_UNICODE_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]")
_INDENT = re.compile(f"^[ \\t{_UNICODE_SPACE.pattern[1:-1]}]+", re.MULTILINE)
_INDENT_SPACE = re.compile(f"^[ \\t]*({_UNICODE_SPACE.pattern})", re.MULTILINE)

def _lines(text: str) -> list[str]:
    """The text's lines as editors count them, each with its line break."""
    return _LINE.findall(text)


class _Text:
    """The decoded text, with line/column lookup as editors count lines (and YAML does, once
    Unicode's own line breaks are read as spaces)."""

    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
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
    if data.startswith(_UTF32_BOMS):
        problems.append(Problem(name, 1, 1, "file is UTF-32 (it starts with a UTF-32 byte-order "
                                            "mark); save it as UTF-8"))
        return None, problems
    if data.startswith(_UTF16_BOMS):
        problems.append(Problem(name, 1, 1, "file is UTF-16 (it starts with a UTF-16 byte-order "
                                            "mark); save it as UTF-8"))
        return None, problems
    zeros = data.count(0)
    if len(data) >= 4 and zeros * 3 >= len(data):  # text with a zero every other byte
        problems.append(Problem(name, 1, 1, f"{zeros:,} of the file's {len(data):,} "
                                            "bytes are zero: is it UTF-16 or UTF-32? Save it "
                                            "as UTF-8"))
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
    controls = list(NON_PRINTABLE.finditer(text))
    for match in controls[:MAX_REPORTS_PER_KIND]:
        line, column = positions.position(match.start())
        problems.append(Problem(name, line, column, f"control character "
                                                    f"U+{ord(match.group()):04X} is not allowed"))
    if len(controls) > MAX_REPORTS_PER_KIND:
        problems.append(Problem(name, 1, 1, f"{len(controls):,} control characters in all"))
    if controls:
        text = NON_PRINTABLE.sub(_REPLACEMENT, text)
    separators = list(_SEPARATOR.finditer(text))
    for match in separators[:MAX_REPORTS_PER_KIND]:
        line, column = positions.position(match.start())
        problems.append(Problem(name, line, column, f"line break {_SEPARATORS[match.group()]} "
                                                    "is not allowed; use a plain line break"))
    if len(separators) > MAX_REPORTS_PER_KIND:
        problems.append(Problem(name, 1, 1, f"{len(separators):,} such line breaks in all"))
    if separators:  # read as a space: lines stay as the editor shows them
        text = _SEPARATOR.sub(" ", text)
    text = _spaces_in_indentation(name, text, positions, problems)
    if not text.strip():
        problems.append(Problem(name, 1, 1, "file is empty"))
        return None, problems

    lines = _lines(text)
    budget = MAX_RECOVERY_CHARS
    blanked: set[int] = set(_directives_inside(name, lines, problems))
    items: set[int] = set()  # blanked lines that began a list item ("- ...")
    dashes: set[int] = set()  # blanked lines whose list dash was kept (0-based)
    ids_lost = False  # whether a blanked line may have held an id (an item, or an `id:`)
    gave_up = False
    documents: list[tuple[yaml.Mark, yaml.Node]] = []
    for attempt in range(MAX_SYNTAX_RECOVERIES + 1):
        try:
            documents = _compose("".join(lines))
        except TooDeep as exc:
            problems.append(Problem(name, exc.mark.line + 1, exc.mark.column + 1,
                                    f"values are nested more than {MAX_DEPTH} levels deep"))
            return None, problems
        except yaml.MarkedYAMLError as exc:
            line, column, message = _syntax_problem(exc, len(lines))
            if line in dashes and line < len(lines):  # the kept dash is itself the trouble
                dashes.discard(line)
                lines[line] = _blank(lines[line])
                continue
            if line in blanked:
                break  # no progress: what follows is an echo of the error already reported
            problems.append(Problem(name, line + 1, column + 1, message))
            budget -= len(text)
            if attempt == MAX_SYNTAX_RECOVERIES or budget < 0:
                gave_up = True
                break
            if line >= len(lines):
                break
            # Blank the offending line (keeping its line break, so that line numbers stay
            # right, and a list item's dash, so that the item's other lines stay its own) and
            # parse again, so that later problems are reported too.
            blanked.add(line)
            dash = _ITEM_START.match(lines[line])
            if lines[line].lstrip(" \t").startswith("-"):
                items.add(line + 1)
            ids_lost = ids_lost or line + 1 in items or bool(_ID_LINE.match(lines[line]))
            lines[line] = _blank(lines[line], keep=dash.group(1) if dash else "")
            if dash:
                dashes.add(line)
            continue
        except yaml.YAMLError as exc:
            problems.append(Problem(name, 1, 1, f"YAML: {exc}"))
            return None, problems
        except RecursionError:
            problems.append(Problem(name, 1, 1, f"values are nested more than {MAX_DEPTH} "
                                                "levels deep"))
            return None, problems
        break
    if gave_up:  # after the last error reported
        last = problems[-1]
        problems.append(Problem(name, last.line, last.column + 1, "too many syntax errors; the "
                                                                  "rest of this file was not "
                                                                  "checked"))
    if not documents:
        if not blanked:
            problems.append(Problem(name, 1, 1, "file holds no YAML document, only comments"))
        return None, problems
    builder = NodeBuilder(name, problems, frozenset(line + 1 for line in blanked),
                          frozenset(items))
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
                        blanked=frozenset(line + 1 for line in blanked), ids_lost=ids_lost,
                        dashes=frozenset(line + 1 for line in dashes))
    return parsed, problems


def _blank(line: str, keep: str = "") -> str:
    """The line blanked: `keep` (a list item's dash), then its line break, so that the lines
    after it keep their numbers."""
    return keep + line[len(line.rstrip("\r\n")):]


def _directives_inside(name: str, lines: list[str], problems: list[Problem]) -> list[int]:
    """Report and blank each `%` line after the document began (a directive such as `%YAML`
    belongs before it): YAML would stop at the next line instead, naming no cause. Returns
    the 0-based lines blanked."""
    begun = False
    out: list[int] = []
    for number, line in enumerate(lines):
        if line.startswith("%") and begun:
            problems.append(Problem(name, number + 1, 1, "a '%' line inside the document (a "
                                    "directive such as %YAML goes before it); quote the text "
                                    "if it is a value"))
            lines[number] = _blank(line)
            out.append(number)
        elif line.strip() and not line.lstrip().startswith("#") and not line.startswith("%"):
            begun = begun or not line.startswith("---")
    return out


def _spaces_in_indentation(name: str, text: str, positions: _Text,
                           problems: list[Problem]) -> str:
    """Report each Unicode space in a line's indentation (a no-break space pasted from a web
    page...), and read it as a space, so that the rest of the file means what it shows."""
    found = list(_INDENT_SPACE.finditer(text))
    for match in found[:MAX_REPORTS_PER_KIND]:
        char = match.group(1)
        line, column = positions.position(match.start(1))
        problems.append(Problem(name, line, column, f"{unicodedata.name(char).lower()} "
                                f"U+{ord(char):04X} in the indentation; YAML indents with "
                                "spaces only"))
    if not found:
        return text
    # A zero-width one (a byte-order mark) shows as nothing: it is dropped, not a space.
    return _INDENT.sub(lambda m: _UNICODE_SPACE.sub(
        lambda space: "" if space.group() == "\ufeff" else " ", m.group()), text)


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


def _compose(text: str) -> list[tuple[yaml.Mark, yaml.Node]]:
    """Every document of the text as a node graph, with where it starts; nothing is built."""
    fast = _compose_fast(text)
    if fast is not None:
        return fast
    loader = PureLoader(text, MAX_DEPTH)
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

    libyaml composes recursively in C, where deep nesting overflows a thread's stack (a
    256 KiB one at 1,000 levels) instead of raising, so its parser's events, made one after
    another, are read first: text nesting more than MAX_DEPTH levels never reaches it.
    """
    if not yaml.__with_libyaml__:
        return None
    nesting = _nesting(text)
    if nesting is None or nesting[0] > MAX_DEPTH or nesting[1]:
        return None  # aliases too: the pure composer keeps where each is written
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if node is None or (nesting[1] and _depth(node) > MAX_DEPTH):
        return None
    return [(node.start_mark, node)]


def _nesting(text: str) -> tuple[int, bool] | None:
    """How deep the text's values nest as libyaml parses it, a value inside N collections
    counting N + 1 as the composers count it (at most MAX_DEPTH + 1: it stops there); whether
    it has aliases (a graph deeper than its text); None when libyaml cannot parse it."""
    loader = yaml.CSafeLoader(text)
    depth = deepest = 0  # collections open; the deepest value's level
    aliased = False
    try:
        while deepest <= MAX_DEPTH and (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                deepest = max(deepest, depth + 1)
                aliased = aliased or isinstance(event, yaml.AliasEvent)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return deepest, aliased


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
