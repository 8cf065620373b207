"""Add a question to an item's `questions` in a knowledge file's text, keeping its layout.

The edit is made to the text itself, guided by the positions ruamel.yaml's round-trip parser
reports: the new question becomes one new line under the list (or two, `questions:` and the
item, when the entry has no list yet), with the list's own indentation and quoting, so every
comment, blank line and layout choice of the file is kept. Flow-style lists (`[a, b]`) and
flow-style entries are edited through ruamel.yaml's round trip instead, and only when that
round trip reproduces the file exactly. Before the new text is returned, it is parsed and must
equal the old data plus the one question.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterator
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from bot.core.knowledge.files import MAX_FILE_BYTES
from bot.core.knowledge.parse import parse_text

_WIDTH = 1_000_000_000  # never re-wrap a line
_INDENTS = ((2, 2, 0), (2, 4, 2), (4, 4, 2), (4, 4, 0), (2, 3, 1), (4, 6, 4), (3, 3, 0))


class EditError(Exception):
    """The edit cannot be made safely; the file has not been touched."""



def refuse_unsafe(data: bytes) -> None:
    """Only a file the loader accepts is parsed again here: no oversized file, alias bomb,
    deep nesting or tag ever reaches the plain and round-trip parsers below."""
    if len(data) > MAX_FILE_BYTES:
        raise EditError(f"the file is over {MAX_FILE_BYTES:,} bytes")
    _, problems = parse_text("file", data)
    if problems:
        raise EditError(f"the file does not parse cleanly ({problems[0]}); fix it first")


def add_question_to_text(original: bytes, item_id: str, question: str) -> bytes:
    """The file's new bytes with `question` added to `item_id`; raises EditError if unsafe."""
    refuse_unsafe(original)
    try:
        text = original.decode("utf-8")
        expected = yaml.safe_load(text)
        document = _rt_yaml().load(text)
    except (UnicodeError, yaml.YAMLError, RuamelError) as exc:
        # The loader accepts it (refuse_unsafe): a layout the editors read otherwise (a tab
        # before a comment, which libyaml takes), not a broken file.
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise EditError(f"this file's layout{at} cannot be edited automatically; add the "
                        "question by hand") from exc
    plain = find_plain(expected, item_id)
    item = _find_rt(document, item_id)
    if plain is None or item is None:
        raise EditError(f"no entry or table row with id '{item_id}' in this file")
    existing = plain.get("questions")
    if existing is not None and not isinstance(existing, list):
        raise EditError(f"'questions' of '{item_id}' is not a list")
    folded = question.casefold()
    for other_id, phrases in _all_questions(expected):
        if any(isinstance(p, str) and " ".join(p.split()).casefold() == folded
               for p in phrases):
            if other_id == item_id:
                raise EditError(f"'{question}' is already a question of '{item_id}'")
            raise EditError(f"'{question}' is already a question of '{other_id}'; "
                            f"not added to '{item_id}'")
    plain["questions"] = [*(existing or []), question]

    new_text = _edit_text(text, document, item, question)
    try:
        if yaml.safe_load(new_text) != expected:
            raise EditError("the edit would change more than the one question; add it by hand")
    except yaml.YAMLError as exc:
        raise EditError(f"the edit would break the file ({exc}); add it by hand") from exc
    return new_text.encode("utf-8")


def _edit_text(text: str, document: Any, item: CommentedMap, question: str) -> str:
    questions = item.get("questions")
    lines = text.splitlines(keepends=True)
    if isinstance(questions, CommentedSeq) and questions and not questions.fa.flow_style() \
            and not item.fa.flow_style():
        at, new_lines = _after_last_item(lines, questions, question)
    elif "questions" in item and questions is None and _bare_key(lines, item):
        line, column = item.lc.key("questions")
        at = line + 1
        new_lines = [" " * (column + _sequence_offset(document)) + "- " + _render(question, None)]
    elif "questions" not in item and not item.fa.flow_style():
        at, new_lines = _new_key(lines, document, item, question)
    else:
        return _round_trip_edit(text, str(item["id"]), question)
    newline = "\r\n" if "\r\n" in text else "\n"
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += newline
    lines[at:at] = [line + newline for line in new_lines]
    return "".join(lines)


def _bare_key(lines: list[str], item: CommentedMap) -> bool:
    """Whether `questions:` is written with nothing after it but perhaps a comment."""
    line, column = item.lc.key("questions")
    rest = lines[line][column:].removeprefix("questions").lstrip(" ")
    if not rest.startswith(":"):
        return False
    after = rest[1:].strip()
    return not after or after.startswith("#")


def _after_last_item(lines: list[str], seq: CommentedSeq,
                     question: str) -> tuple[int, list[str]]:
    line, column = seq.lc.item(len(seq) - 1)
    dash = lines[line].rfind("-", 0, column)
    if dash < 0:
        raise EditError("cannot find where the questions list is written; add it by hand")
    prefix = lines[line][dash:column]  # "- " or "-   ": the list's own spacing
    rendered = _render(question, _sibling_style(seq))
    return _end_of_block(lines, line + 1, dash), [" " * dash + prefix + rendered]


def _new_key(lines: list[str], document: Any, item: CommentedMap,
             question: str) -> tuple[int, list[str]]:
    anchor = next((key for key in ("title", "factor", "id") if key in item), None)
    if anchor is None:
        raise EditError("the entry has no title to place the questions after; add it by hand")
    line, column = item.lc.key(anchor)
    end = _end_of_block(lines, line + 1, column)
    dash = column + _sequence_offset(document)
    return end, [" " * column + "questions:", " " * dash + "- " + _render(question, None)]


def _end_of_block(lines: list[str], start: int, column: int) -> int:
    """The first line from `start` that is blank, a comment, or indented at most `column`."""
    at = start
    while at < len(lines):
        stripped = lines[at].strip()
        indent = len(lines[at]) - len(lines[at].lstrip(" "))
        if not stripped or stripped.startswith("#") or indent <= column:
            break
        at += 1
    return at


def _sequence_offset(document: Any) -> int:
    """How far this file indents a block list's dashes under their key (0 or more)."""
    for key, value in _block_lists(document):
        parent_line, parent_column = key
        if isinstance(value, CommentedSeq) and value:
            line, column = value.lc.item(0)
            if line > parent_line:
                return max(int(column) - 2 - int(parent_column), 0)
    return 2


def _block_lists(node: Any) -> Iterator[tuple[tuple[int, int], CommentedSeq]]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, CommentedSeq) and not value.fa.flow_style():
                yield node.lc.key(key), value
            yield from _block_lists(value)
    elif isinstance(node, CommentedSeq):
        for value in node:
            yield from _block_lists(value)


def _sibling_style(seq: CommentedSeq) -> str | None:
    if seq and all(isinstance(v, DoubleQuotedScalarString) for v in seq):
        return '"'
    if seq and all(isinstance(v, SingleQuotedScalarString) for v in seq):
        return "'"
    return None


def _render(question: str, style: str | None) -> str:
    """The question as one YAML scalar: quoted only as its siblings are, or as YAML needs."""
    dumped = yaml.safe_dump([question], default_style=style, allow_unicode=True,
                            width=_WIDTH, default_flow_style=False)
    rendered = dumped.removeprefix("- ").rstrip("\n")
    if "\n" in rendered:
        raise EditError("the question cannot be written on one line; add it by hand")
    return rendered


def _round_trip_edit(text: str, item_id: str, question: str) -> str:
    """Edit flow-style lists and entries through ruamel.yaml's round trip.

    Accepted only with an indentation under which every line outside the item's own lines
    comes back unchanged. Dumping consumes a document's comments: each attempt loads afresh.
    """
    for mapping, sequence, offset in _indent_guesses(text):
        document = _rt_yaml().load(text)
        item = _find_rt(document, item_id)
        if item is None:  # pragma: no cover - found once already
            break
        span = _item_span(document, item, text.count("\n") + 1)
        _add_round_trip(item, question)
        edited = _dump(document, text, mapping, sequence, offset)
        if _changes_within(text, edited, span):
            return edited
    raise EditError("this file's layout cannot be kept by an automatic edit; add it by hand")


def _add_round_trip(item: CommentedMap, question: str) -> None:
    questions = item.get("questions")
    if isinstance(questions, CommentedSeq) and questions:
        questions.append(_flow_scalar(question, _sibling_style(questions)))
        return
    new_list = CommentedSeq([_flow_scalar(question, None)])
    new_list.fa.set_flow_style()
    if "questions" in item:
        item["questions"] = new_list
        return
    keys = list(item)
    anchor = next((k for k in ("title", "factor", "id") if k in item), keys[-1])
    item.insert(keys.index(anchor) + 1, "questions", new_list)


def _flow_scalar(question: str, style: str | None) -> Any:
    """The question quoted as its siblings are, or as PyYAML would quote it in a flow list
    (ruamel.yaml writes some plain scalars, such as `why?`, that YAML 1.1 parsers reject)."""
    if style is None:
        dumped = yaml.safe_dump([question], default_flow_style=True, allow_unicode=True,
                                width=_WIDTH).strip()
        style = dumped[1] if dumped[1:2] in ("'", '"') else None
    if style == '"':
        return DoubleQuotedScalarString(question)
    if style == "'":
        return SingleQuotedScalarString(question)
    return question


def _item_span(document: Any, item: CommentedMap, total: int) -> range:
    """The lines the item is written on: to the next item or top-level key."""
    start = item.lc.line
    bounds = [other.lc.line for other in _items(document) if isinstance(other, CommentedMap)]
    if isinstance(document, CommentedMap):
        bounds.extend(document.lc.key(key)[0] for key in document)
        table = document.get("table")
        if isinstance(table, CommentedMap):
            bounds.extend(table.lc.key(key)[0] for key in table)
    return range(start, min((b for b in bounds if b > start), default=total))


def _changes_within(before: str, after: str, span: range) -> bool:
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(),
                                      autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        touched = range(first, max(last, first + 1)) if tag != "insert" else range(first - 1,
                                                                                    first)
        if not all(line in span for line in touched):
            return False
    return True


def _indent_guesses(text: str) -> list[tuple[int, int, int]]:
    guesses = list(_INDENTS)
    try:
        _, indent, dash = load_yaml_guess_indent(text)
    except RuamelError:
        return guesses
    if isinstance(indent, int) and isinstance(dash, int):
        guesses.insert(0, (indent if dash == 0 else max(indent - dash, 2), indent, dash))
    return list(dict.fromkeys(guesses))


def _dump(document: Any, text: str, mapping: int, sequence: int, offset: int) -> str:
    dumper = _rt_yaml()
    dumper.indent(mapping=mapping, sequence=sequence, offset=offset)
    dumper.explicit_start = text.lstrip().startswith("---")
    buffer = io.StringIO()
    dumper.dump(document, buffer)
    return buffer.getvalue()


# -- finding items ------------------------------------------------------------------------------


def _items(data: Any) -> Iterator[Any]:
    """Every mapping of a knowledge file that has an id: entries, the table, its rows."""
    if not isinstance(data, dict):
        return
    entries = data.get("entries")
    if isinstance(entries, list):
        yield from (e for e in entries if isinstance(e, dict))
    table = data.get("table")
    if isinstance(table, dict):
        yield table
        rows = table.get("rows")
        if isinstance(rows, list):
            yield from (r for r in rows if isinstance(r, dict))


def find_plain(data: Any, item_id: str) -> dict[str, Any] | None:
    return next((item for item in _items(data) if item.get("id") == item_id), None)


def _find_rt(document: Any, item_id: str) -> CommentedMap | None:
    found = next((item for item in _items(document) if item.get("id") == item_id), None)
    return found if isinstance(found, CommentedMap) else None


def _all_questions(data: Any) -> Iterator[tuple[str, list[Any]]]:
    for item in _items(data):
        phrases = item.get("questions")
        if isinstance(phrases, list):
            yield str(item.get("id")), phrases


def _rt_yaml() -> YAML:
    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    loader.width = _WIDTH
    return loader
