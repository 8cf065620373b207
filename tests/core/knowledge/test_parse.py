"""Parsing one file: safe tags only, duplicate keys, encodings, limits, syntax-error recovery."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge import nodes
from bot.core.knowledge import parse as parsing
from bot.core.knowledge.parse import (
    MAX_DEPTH,
    MAX_REPORTS_PER_KIND,
    MAX_SYNTAX_RECOVERIES,
    parse_text,
)
from bot.core.knowledge.problems import Problem

PROBLEM_FORMAT = re.compile(r"^[^:]+:\d+:\d+: .+")


def parse(text: str | bytes, name: str = "kb.yaml") -> tuple[nodes.ParsedFile | None,
                                                               list[Problem]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    parsed, problems = parse_text(name, data)
    assert all(PROBLEM_FORMAT.match(str(p)) for p in problems), problems
    return parsed, sorted(problems)


def where(problems: list[Problem]) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in problems]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# -- safe tags ---------------------------------------------------------------------------------


def test_python_tags_are_reported_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    parsed, problems = parse(
        "a: 1\n"
        f"b: !!python/object/apply:os.system ['touch {marker}']\n"
        "c: !!python/name:os.system\n"
    )
    assert not marker.exists()
    assert where(problems) == [
        (2, 4, "tag !!python/object/apply:os.system is not allowed; plain YAML values only "
               "(nothing tagged is ever run or built)"),
        (3, 4, "tag !!python/name:os.system is not allowed; plain YAML values only "
               "(nothing tagged is ever run or built)"),
    ]
    assert parsed is not None and not parsed.clean
    assert set(parsed.root.value) == {"a"} if parsed.root else False


@pytest.mark.parametrize(("text", "tag"), [
    ("a: !!binary aGVsbG8=\n", "!!binary"),
    ("a: !custom x\n", "!custom"),
    ("a: !!set {x, y}\n", "!!set"),
    ("a: !!python/object:collections.OrderedDict {}\n", "!!python/object:collections.OrderedDict"),
])
def test_tags_outside_the_core_schema_are_refused(text: str, tag: str) -> None:
    _, problems = parse(text)
    problem = only(problems)
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message.startswith(f"tag {tag} is not allowed")


def test_core_tags_and_plain_values_are_fine() -> None:
    parsed, problems = parse("a: !!str 12\nb: 12\nc: 1.5\nd: true\ne: ~\nf: 2025-01-31\ng: =\n")
    assert problems == []
    assert parsed is not None and parsed.clean and parsed.root is not None
    values = {key: node.value for key, node in parsed.root.value.items()}
    assert values["a"] == "12" and values["b"] == 12 and values["g"] == "="
    assert str(values["f"]) == "2025-01-31"


@pytest.mark.parametrize(("text", "message"), [
    ("a: 2025-13-45\n", "'2025-13-45' is not a valid date; write YYYY-MM-DD"),
    ("a: !!timestamp nope\n", "'nope' is not a valid date; write YYYY-MM-DD"),
    ("a: !!int ''\n", "'' is not a valid int"),
    ("a: !!bool maybe\n", "'maybe' is not a valid bool"),
    ("a: !!float x\n", "'x' is not a valid float"),
])
def test_values_that_do_not_fit_their_type(text: str, message: str) -> None:
    parsed, problems = parse(text)
    assert where(problems) == [(1, 4, message)]
    assert parsed is not None and parsed.root is not None and parsed.root.value == {}


def test_merge_keys_are_refused() -> None:
    _, problems = parse("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert where(problems) == [(3, 3, "merge keys (<<) are not allowed; write the fields out "
                                      "in full")]


# -- keys ----------------------------------------------------------------------------------


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    parsed, problems = parse("title: one\nanswer: x\ntitle: two\n")
    assert where(problems) == [(3, 1, "duplicate key 'title' (first at line 1); YAML would "
                                      "silently keep only the last one")]
    assert parsed is not None and not parsed.clean and parsed.root is not None
    assert parsed.root.value["title"].value == "one"


def test_duplicate_keys_in_nested_mappings_and_in_dropped_values() -> None:
    _, problems = parse("a:\n  b: 1\n  b: 2\nc: 1\nc:\n  d: 1\n  d: !!python/none ''\n")
    assert [(p.line, p.message.split(" (")[0].split(";")[0]) for p in problems] == [
        (3, "duplicate key 'b'"),
        (5, "duplicate key 'c'"),
        (7, "duplicate key 'd'"),
        (7, "tag !!python/none is not allowed"),
    ]


@pytest.mark.parametrize(("text", "shown", "kind"), [
    ("yes: 1\n", "yes", "true/false"),
    ("no: 1\n", "no", "true/false"),
    ("1: x\n", "1", "a number"),
    ("1.5: x\n", "1.5", "a number"),
    ("~: x\n", "~", "empty (null)"),
    ("null: x\n", "null", "empty (null)"),
    ("2025-01-01: x\n", "2025-01-01", "a date"),
])
def test_keys_yaml_reads_as_something_else(text: str, shown: str, kind: str) -> None:
    _, problems = parse(text)
    assert where(problems) == [
        (1, 1, f"key '{shown}' is read by YAML as {kind}, not as a name; quote it: \"{shown}\":")
    ]


def test_quoted_odd_keys_are_text() -> None:
    parsed, problems = parse('"yes": 1\n"1": 2\n')
    assert problems == []
    assert parsed is not None and parsed.root is not None
    assert set(parsed.root.value) == {"yes", "1"}


def test_complex_keys_are_refused() -> None:
    _, problems = parse("? [a, b]\n: x\n")
    assert where(problems) == [(1, 3, "a key must be plain text, not a list or a mapping")]


# -- encodings and characters ------------------------------------------------------------------


def test_byte_order_mark_is_reported_and_the_rest_still_read() -> None:
    parsed, problems = parse(b"\xef\xbb\xbfa: 1\na: 2\n")
    assert where(problems) == [
        (1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM"),
        (2, 1, "duplicate key 'a' (first at line 1); YAML would silently keep only the last one"),
    ]
    assert parsed is not None and not parsed.clean


def test_not_utf8_bytes_each_with_line_and_column() -> None:
    parsed, problems = parse(b"a: caf\xe9\nb: ok\nc: \xff\n")
    assert where(problems) == [
        (1, 7, "not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8"),
        (3, 4, "not UTF-8: byte 0xff cannot be decoded; save the file as UTF-8"),
    ]
    assert parsed is not None and not parsed.clean


def test_not_utf8_at_all_is_summarised() -> None:
    _, problems = parse(bytes(range(0x80, 0x100)) * 4)
    assert len(problems) <= MAX_REPORTS_PER_KIND + 5
    assert any("bytes in all are not UTF-8" in p.message for p in problems)


def test_utf16_is_refused_with_a_hint() -> None:
    parsed, problems = parse("a: 1\n".encode("utf-16"))
    assert parsed is None
    assert where(problems) == [(1, 1, "file is UTF-16 (it starts with a UTF-16 byte-order mark); "
                                      "save it as UTF-8")]


def test_control_characters_are_reported() -> None:
    parsed, problems = parse("a: b\x07c\nd: x\x00\n")
    assert where(problems) == [
        (1, 5, "control character U+0007 is not allowed"),
        (2, 5, "control character U+0000 is not allowed"),
    ]
    assert parsed is not None and not parsed.clean


@pytest.mark.parametrize(("escape", "code"), [
    ("\\0", "U+0000"), ("\\a", "U+0007"), ("\\e", "U+001B"), ("\\x7f", "U+007F"),
    ("\\u202e", None), ("\\ud800", "U+D800"), ("\\udfff", "U+DFFF"),
])
def test_control_characters_written_as_escapes_are_reported(escape: str, code: str | None
                                                            ) -> None:
    # A double-quoted escape gets past the check of the file's characters; the value it makes
    # must not: a lone surrogate cannot be printed or sent, an ESC rewrites a terminal.
    parsed, problems = parse(f'a: "ok \\t\\n"\nb: "x{escape}y"\n"k{escape}": 1\n')
    if code is None:
        assert problems == []
        return
    message = (f"control character {code} is not allowed (written as an escape in quoted "
               "text)")
    assert where(problems) == [(2, 4, message), (3, 1, message)]
    assert parsed is not None and not parsed.clean and parsed.root is not None
    assert set(parsed.root.value) == {"a"}


@pytest.mark.parametrize(("separator", "name"), [
    ("\x85", "U+0085 (next line)"), ("\u2028", "U+2028 (line separator)"),
    ("\u2029", "U+2029 (paragraph separator)"),
])
def test_unicode_line_separators_are_refused(separator: str, name: str) -> None:
    # YAML 1.1 (this loader) breaks lines there, YAML 1.2 (ruamel, which edits the files) and
    # text editors do not: the same file would mean two things. Once reported, it is read as
    # a space, as an editor shows the line: line numbers after it stay the editor's.
    parsed, problems = parse(f"a: 1{separator}b: x{separator}\nc: 2\nd: [x\n")
    message = f"line break {name} is not allowed; use a plain line break"
    assert where(problems) == [
        (1, 5, message), (1, 7, "YAML syntax: unexpected ':'; text that holds ': ' must be "
                                "quoted"), (1, 10, message),
        (3, 4, "YAML syntax: a flow sequence that starts here is not closed properly: expected "
               "',' or ']', but got '<stream end>'")]
    assert parsed is not None and not parsed.clean


def test_unicode_spaces_in_an_indentation_are_one_problem_each() -> None:
    # Pasted from a web page or a word processor: they look like spaces, and YAML reads them
    # as text, so everything after them went wrong in ways that named no cause.
    parsed, problems = parse("entries:\n  - id: one\n\u00a0\u00a0  title: T\n"
                             " \u3000  answer: A\n    x: 'a\u00a0b'\n")
    assert where(problems) == [
        (3, 1, "no-break space U+00A0 in the indentation; YAML indents with spaces only"),
        (4, 2, "ideographic space U+3000 in the indentation; YAML indents with spaces only"),
    ]
    assert parsed is not None and not parsed.clean and parsed.root is not None
    entry = parsed.root.value["entries"].value[0].value
    assert set(entry) == {"id", "title", "answer", "x"}  # read as if they were spaces
    assert entry["x"].value == "a\u00a0b"  # inside text, a space of any kind is text


def test_windows_line_endings_are_fine() -> None:
    parsed, problems = parse("a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: 1\r\n")
    assert problems == []
    assert parsed is not None and parsed.root is not None
    assert parsed.root.key_locations["c"].line == 5
    assert [item.value for item in parsed.root.value["b"].value] == ["x", "y"]


def test_windows_line_endings_keep_line_numbers_in_problems() -> None:
    _, problems = parse("a: 1\r\n\r\nb: 2\r\na: 3\r\n\tc: 4\r\nb: 5\r\n")
    assert [(p.line, p.message[:20]) for p in problems] == [
        (4, "duplicate key 'a' (f"),
        (5, "tab character; YAML "),
        (6, "duplicate key 'b' (f"),
    ]


def test_very_long_lines_are_fine() -> None:
    parsed, problems = parse("a: " + "x" * 200_000 + "\nb: 1\n")
    assert problems == []
    assert parsed is not None and parsed.root is not None
    assert len(parsed.root.value["a"].value) == 200_000


# -- documents -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n", "\n\t\n"])
def test_empty_file(text: str) -> None:
    parsed, problems = parse(text)
    assert parsed is None
    assert where(problems) == [(1, 1, "file is empty")]


def test_only_comments() -> None:
    parsed, problems = parse("# nothing yet\n")
    assert parsed is None
    assert where(problems) == [(1, 1, "file holds no YAML document, only comments")]


def test_multiple_documents_are_refused_but_all_checked() -> None:
    parsed, problems = parse("---\na: 1\n---\nb: 1\nb: 2\n")
    assert [(p.line, p.message[:26]) for p in problems] == [
        (3, "a second YAML document ('-"),
        (5, "duplicate key 'b' (first a"),
    ]
    assert parsed is not None and not parsed.clean


def test_a_leading_document_marker_is_fine() -> None:
    parsed, problems = parse("---\na: 1\n...\n")
    assert problems == []
    assert parsed is not None and parsed.clean


def test_top_level_scalar_parses_for_the_validator_to_refuse() -> None:
    parsed, problems = parse("just some text\n")
    assert problems == []
    assert parsed is not None and parsed.root is not None and parsed.root.value == "just some text"


# -- limits ----------------------------------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['l0: &l0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    parsed, problems = parse(alias_bomb())
    elapsed = time.perf_counter() - started
    # ~0.1 s alone; unrefused it would take hours. The bound leaves room for a loaded machine
    # running the tests in parallel.
    assert elapsed < 5.0
    assert parsed is None
    assert [p.message for p in problems] == [
        "anchors '&' and aliases '*' expand this file to more than 50,000 values; refused"
    ]


def test_modest_aliases_are_fine() -> None:
    parsed, problems = parse("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert problems == []
    assert parsed is not None and parsed.clean


def test_an_alias_inside_its_own_anchor_is_refused_where_the_alias_is() -> None:
    _, problems = parse("a: &x\n  - 1\n  - *x\n")
    assert where(problems) == [(3, 5, "this value holds an alias '*' to itself; it would never "
                                      "end")]


def test_too_many_plain_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nodes, "MAX_NODES_PER_FILE", 1_000)  # the real limit is slow to reach
    text = "".join(f"k{i}: v\n" for i in range(1_010))
    parsed, problems = parse(text)
    assert parsed is None
    assert [p.message for p in problems] == [
        "the file holds more than 1,000 values; split it into smaller files"
    ]


@pytest.mark.parametrize("text", ["[" * 10_000, "{a: " * 10_000, "a: [" * 10_000 + "]"])
def test_nested_too_deep(text: str) -> None:
    started = time.perf_counter()
    parsed, problems = parse(text)
    assert time.perf_counter() - started < 2.0
    assert parsed is None
    problem = only(problems)
    assert problem.line == 1
    assert problem.message == f"values are nested more than {MAX_DEPTH} levels deep"


def test_block_nesting_too_deep_points_at_the_line() -> None:
    text = "".join(" " * i + "a:\n" for i in range(100))
    _, problems = parse(text)
    assert where(problems) == [(50, 50, "values are nested more than 50 levels deep")]


def nested_sequences(levels: int) -> str:
    return "- " * (levels - 1) + "x"  # a value inside levels - 1 collections


def nested_flow(levels: int) -> str:
    return "[" * (levels - 1) + "x" + "]" * (levels - 1)


def nested_mappings(levels: int) -> str:
    return "".join(" " * n + "k:\n" for n in range(levels - 2)) + " " * (levels - 2) + "k: 1\n"


def flow_list_entries(count: int) -> str:
    return "entries:\n" + "".join(
        f"  - id: entry-{i}\n    title: Entry {i}\n    questions: [what is {i}, why {i}]\n"
        f"    keywords: [k{i}, {{a: [b]}}]\n    answer: An answer [with brackets].\n"
        for i in range(count))


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
def test_many_flow_lists_are_composed_by_libyaml_as_by_python(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = flow_list_entries(1_500)  # 9,000 brackets, three levels deep at most
    assert parsing._compose_fast(text) is not None
    fast = parse(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert parse(text) == fast
    assert fast[1] == []


@pytest.mark.parametrize("text", [nested_sequences(MAX_DEPTH + 1), "[" * 10_000,
                                  "a: &x " + "[" * 30 + "1" + "]" * 30 + "\n"
                                  "b: " + "[" * 30 + "*x" + "]" * 30 + "\n"])
def test_libyaml_never_composes_deep_nesting(text: str) -> None:
    """libyaml recurses in C: a deep document would overflow a thread's stack, not raise."""
    assert parsing._compose_fast(text) is None


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize("nested", [nested_sequences, nested_flow, nested_mappings])
def test_libyaml_takes_what_the_python_composer_takes(nested: Callable[[int], str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    deepest, deeper = nested(MAX_DEPTH), nested(MAX_DEPTH + 1)
    assert parsing._compose_fast(deepest) is not None
    assert parsing._compose_fast(deeper) is None
    fast = parse(deepest), parse(deeper)
    assert fast[0][1] == []
    assert [p.message for p in fast[1][1]] == [
        f"values are nested more than {MAX_DEPTH} levels deep"]
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert (parse(deepest), parse(deeper)) == fast


# -- syntax errors and recovery ------------------------------------------------------------------


def test_tab_then_everything_after_it_is_still_checked() -> None:
    parsed, problems = parse(
        "a:\n"
        "  b: 1\n"
        "\tc: 2\n"
        "d: 1\n"
        "d: 2\n"
        "e: !!python/object:os.system {}\n"
    )
    assert where(problems) == [
        (3, 1, "tab character; YAML indents with spaces only"),
        (5, 1, "duplicate key 'd' (first at line 4); YAML would silently keep only the last one"),
        (6, 4, "tag !!python/object:os.system is not allowed; plain YAML values only "
               "(nothing tagged is ever run or built)"),
    ]
    assert parsed is not None and not parsed.clean
    assert parsed.blanked == frozenset({3})


def test_several_syntax_errors_are_all_reported() -> None:
    _, problems = parse("a: 1\n\tb: 2\nc: d: e\nf: 3\n\tg: 4\n")
    assert [(p.line, p.message) for p in problems] == [
        (2, "tab character; YAML indents with spaces only"),
        (3, "YAML syntax: unexpected ':'; text that holds ': ' must be quoted"),
        (5, "tab character; YAML indents with spaces only"),
    ]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("a: 1\nb\nc: 2\n", 2, "YAML syntax: this line is neither 'key: value' nor a list item"),
    ('a: 1\nb: "abc\nc: 2\n', 2, "YAML syntax: quoted text is not closed"),
    ("a:\n  b: 1\n c: 2\n", 3, "YAML syntax: unexpected '<block mapping start>'; check this "
                                "line's indentation"),
    ("a: [1, 2\n", 1, "YAML syntax: a flow sequence that starts here is not closed properly"),
    ("a: *nowhere\n", 1, "YAML syntax: found undefined alias 'nowhere'"),
    ("a: &x 1\nb: &x 2\n", 2, "anchor '&x' is defined twice (first at line 1)"),
    ('a: "\\q"\n', 1, "YAML syntax: unknown escape in double-quoted text"),
    ("- a\nb: 1\n", 2, "YAML syntax:"),
])
def test_syntax_errors_point_at_the_right_line(text: str, line: int, message: str) -> None:
    parsed, problems = parse(text)
    assert problems and problems[0].line == line, problems
    assert problems[0].message.startswith(message), problems
    assert parsed is None or not parsed.clean


def test_recovery_gives_up_after_many_errors() -> None:
    text = "".join(f"k{i}: 1\n\tbad{i}: 2\n" for i in range(30))
    _, problems = parse(text)
    tabs = [p for p in problems if p.message.startswith("tab character")]
    assert len(tabs) == MAX_SYNTAX_RECOVERIES + 1
    assert "too many syntax errors; the rest of this file was not checked" in [
        p.message for p in problems
    ]


# -- never a traceback ------------------------------------------------------------------------

TOKENS = [*"ab:- \t\n\r[]{},'\"&*!#|>%@`?~=<\\", "id", "yes", "!!python/object:x", "\x00",
          "é", "\ufeff", "---", "...", "<<", "2025-01-01", "0x", "\n  ", "\n    - "]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=200), YAMLISH.map(lambda text: text.encode("utf-8"))))
def test_any_bytes_give_problems_not_exceptions(data: bytes) -> None:
    parsed, problems = parse_text("kb.yaml", data)
    assert all(PROBLEM_FORMAT.match(str(p)) for p in problems), problems
    assert all(p.line >= 1 and p.column >= 1 for p in problems)
    if parsed is not None and parsed.clean:
        assert problems == []
