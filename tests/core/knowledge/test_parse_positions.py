"""Where a problem is reported: lines as editors count them, whatever the file holds, and
recovery past a syntax error that leaves valid lines alone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.core.knowledge import parse as parsing
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.parse import parse_text

MakeKb = Callable[[Mapping[str, str | bytes]], Path]


def parsed(data: bytes) -> list[tuple[int, int, str]]:
    _, problems = parse_text("kb.yaml", data)
    return sorted((p.line, p.column, p.message) for p in problems)


def loaded(make_kb: MakeKb, text: str | bytes) -> list[tuple[int, int, str]]:
    kb, problems = load_knowledge(make_kb({"kb.yaml": text}))
    assert kb is None
    return sorted((p.line, p.column, p.message) for p in problems)


def test_a_form_feed_or_separator_control_does_not_move_later_lines() -> None:
    # str.splitlines breaks at \x0b \x0c \x1c-\x1e; YAML and editors do not.
    found = parsed(b"entries:\n  - id: a\n    title: T\x0cx\x1c\x1d\n    answer: A\n"
                   b"    questions: [caf\xe9]\n    keywords: [k\x00]\n")
    assert [(line, column) for line, column, _ in found] == [
        (3, 13), (3, 15), (3, 16), (5, 20), (6, 17)]
    assert "0xe9" in found[3][2] and "U+0000" in found[4][2]


def test_after_a_unicode_line_break_lines_are_the_editors(make_kb: MakeKb) -> None:
    found = loaded(make_kb, "entries:\n  - id: a\n    title: T\u2028x\n    answer: A\n"
                            "  - id: b\n    title: T\n    answer: B\n    bogus: 1\n")
    assert [(line, column) for line, column, _ in found] == [(3, 13), (8, 5)]
    assert "U+2028" in found[0][2] and "'bogus'" in found[1][2]


def test_a_byte_order_mark_in_an_indentation_is_no_indentation(make_kb: MakeKb) -> None:
    found = loaded(make_kb, "entries:\n  - id: a\n    title: T\n    answer: A\n"
                            "\ufeff  - id: b\n    title: T\n    answer: B\n")
    assert found == [(5, 1, "zero width no-break space U+FEFF in the indentation; YAML "
                            "indents with spaces only")]


def test_a_syntax_error_on_an_items_first_line_leaves_the_other_items_alone(
        make_kb: MakeKb) -> None:
    found = loaded(make_kb, "entries:\n"
                            "  - title: Note: read this\n"  # the one syntax error
                            "    id: a\n    answer: A\n"
                            "  - id: b\n    title: B\n    answer: B\n"
                            "  - id: z\n    title: Z\n    answer: Z\n"
                            "    bogus: 1\n")  # a real problem, further down
    assert [(line, message.split(";")[0].split(" (")[0]) for line, _, message in found] == [
        (2, "YAML syntax: unexpected ':'"), (11, "unknown field 'bogus' in an entry")]


def test_a_large_file_gets_fewer_recoveries_and_says_where_it_stopped() -> None:
    entry = "  - id: x{0}\n    title: T {0}\n    answer: Answer {0} " + "a" * 150 + "\n"
    body = "".join(entry.format(n) for n in range(3500))  # about 700 KB
    errors = "".join(f"  - id: y{n}\n    title: bad: {n}\n    answer: A\n" for n in range(12))
    found = parsed(("entries:\n" + body + errors).encode())
    syntax = [line for line, _, message in found if message.startswith("YAML syntax")]
    assert len(syntax) == parsing.MAX_RECOVERY_CHARS // len(body) + 1  # the budget's worth
    assert found[-1][2].startswith("too many syntax errors")
    assert found[-1][0] == syntax[-1]  # the note follows the last error reported


def test_the_give_up_note_follows_the_last_error_reported() -> None:
    text = "entries:\n" + "".join(f"  - id: x{n}\n    title: a: b\n    answer: A\n"
                                  for n in range(30))
    found = parsed(text.encode())
    syntax = [(line, column) for line, column, message in found
              if message.startswith("YAML syntax")]
    assert len(syntax) == parsing.MAX_SYNTAX_RECOVERIES + 1
    assert found[-1][:2] == (syntax[-1][0], syntax[-1][1] + 1)
    assert "too many syntax errors" in found[-1][2]


def test_utf16_without_a_mark_and_utf32_are_named() -> None:
    text = "entries:\n  - id: a\n    title: T\n    answer: A\n"
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le"):
        [(line, column, message)] = parsed(text.encode(encoding))
        assert (line, column) == (1, 1) and "UTF-16 or UTF-32" in message
    [(_, _, message)] = parsed(text.encode("utf-32"))  # with its byte-order mark
    assert message == "file is UTF-32 (it starts with a UTF-32 byte-order mark); save it as UTF-8"


def test_a_misplaced_dash_does_not_hide_the_errors_after_it() -> None:
    found = parsed(b"entries:\n  - id: a\n    title: A\n    answer: x\n"
                   b"   - id: b\n    title: B\n    answer: y\n"
                   b"  - id: c\n    title: C: bad: here\n    answer: z\n")
    assert [line for line, _, _ in found] == [5, 9]


def test_only_an_items_own_dash_line_excuses_its_missing_fields(make_kb: MakeKb) -> None:
    # Entry a's last line is blanked past its syntax error: entry b's missing title is b's.
    found = loaded(make_kb, "entries:\n  - id: a\n    title: A\n    answer: Note: x\n"
                            "  - id: b\n    answer: B\n")
    assert [(line, message) for line, _, message in found][1:] == [
        (5, "missing required field 'title'")]


def test_a_directive_line_inside_the_document_is_the_one_reported() -> None:
    found = parsed(b"entries:\n  - id: a\n    title: T\n    answer: A\n%YAML 1.1\n"
                   b"  - id: b\n    title: T\n    answer: B\n")
    assert found == [(5, 1, "a '%' line inside the document (a directive such as %YAML goes "
                            "before it); quote the text if it is a value")]
    assert parsed(b"%YAML 1.1\n---\nentries: []\n") == []  # where a directive belongs
