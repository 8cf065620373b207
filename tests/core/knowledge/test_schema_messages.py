"""What the validator says of odd values: each problem once, where it is, in a few words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.nodes import MAX_NODES_PER_FILE
from bot.core.knowledge.problems import QUOTED_LIMIT, Problem

MakeKb = Callable[[Mapping[str, str | bytes]], Path]
ENTRY = "  - id: {0}\n    title: T\n    answer: A\n"


def problems(make_kb: MakeKb, files: Mapping[str, str]) -> list[Problem]:
    kb, found = load_knowledge(make_kb(files))
    assert kb is None
    return found


def test_a_huge_value_is_not_repeated_in_full(make_kb: MakeKb) -> None:
    huge = "A" * 200_000
    found = problems(make_kb, {"kb.yaml": f"entries:\n  - id: '{huge}'\n    title: T\n"
                                          f"    answer: A\n    source: {{document: D, url: "
                                          f"'{'x' * 200_000}'}}\n"})
    assert len(found) == 4 and all(len(str(p)) < 500 for p in found), found
    assert f"id '{'A' * QUOTED_LIMIT}…' must be kebab-case" in found[1].message
    short = Problem("kb.yaml", 1, 1, "question 'how do i join?' is listed twice")
    assert short.message == "question 'how do i join?' is listed twice"


def test_a_number_too_long_for_python_is_told_to_be_quoted(make_kb: MakeKb) -> None:
    [found] = problems(make_kb, {"kb.yaml": "entries:\n  - id: a\n    title: T\n    answer: "
                                            + "9" * 5000 + "\n"})
    assert (found.line, found.message) == (
        4, "a number of 5,000 digits is too long to read; quote it if it is text")


def test_table_columns_twice_or_unreadable(make_kb: MakeKb) -> None:
    table = ("table:\n  id: t\n  title: T\n  columns: {0}\n  rows:\n"
             "    - id: r\n      factor: F\n      cells: [x, y]\n")
    [twice] = problems(make_kb, {"kb.yaml": table.format("[A, a]")})
    assert (twice.line, twice.column, twice.message) == (4, 16, "column 'a' is listed twice")
    found = problems(make_kb, {"kb.yaml": table.format("[A, '']")})
    assert not any("needs at least two columns" in p.message for p in found), found


def test_a_question_with_no_words_is_refused_once_each(make_kb: MakeKb) -> None:
    found = problems(make_kb, {"kb.yaml": "entries:\n" + ENTRY.format("a")
                                          + "    questions: ['???', '!!!']\n"})
    assert [p.message for p in found] == [
        "question '???' has no words; the bot could never match it",
        "question '!!!' has no words; the bot could never match it"]


def test_matcher_set_twice_is_reported_though_the_first_is_invalid(make_kb: MakeKb) -> None:
    found = problems(make_kb, {"a.yaml": "matcher: 5\nentries:\n" + ENTRY.format("a"),
                               "b.yaml": "matcher: {answer: 0.4}\nentries:\n" + ENTRY.format("b")})
    assert [(Path(p.path).name, p.line) for p in found] == [("a.yaml", 1), ("b.yaml", 1)]
    assert "already set" in found[1].message


def test_a_large_file_with_one_alias_is_called_large_not_an_alias_bomb(
        make_kb: MakeKb) -> None:
    count = MAX_NODES_PER_FILE // 3 + 1  # three values an entry: over the limit
    text = "entries:\n" + "".join(ENTRY.format(f"x{n}") for n in range(count))
    text = text.replace("answer: A", "answer: &a A", 1).replace("answer: A\n", "answer: *a\n", 1)
    [found] = problems(make_kb, {"kb.yaml": text})
    assert found.message == (f"the file holds more than {MAX_NODES_PER_FILE:,} values; split "
                             "it into smaller files")


def test_a_huge_value_with_quotes_of_its_own_is_cut_too(make_kb: MakeKb) -> None:
    key = ("b" * 150 + "'") * 600  # 90,600 characters, an apostrophe every 151
    found = problems(make_kb, {"kb.yaml": f"entries:\n  - id: a\n    title: A\n    answer: B\n"
                                          f"    ? {key}\n    : 1\n"})
    assert found and all(len(p.message) <= 1_000 for p in found)
    assert found[0].message.startswith("unknown field 'bbb")


def test_a_problem_in_an_aliased_value_is_reported_where_the_alias_is(make_kb: MakeKb) -> None:
    found = problems(make_kb, {"kb.yaml": "entries:\n  - id: a\n    title: T\n    answer: A\n"
                                          "    keywords: &k [1, x]\n"  # line 5: the anchor
                                          "  - id: b\n    title: T\n    answer: B\n"
                                          "    keywords: *k\n"  # line 9
                                          "  - id: &i c\n    title: *k\n    answer: C\n"  # 11
                                          "  - id: *i\n    title: T\n    answer: D\n"})  # 13
    assert [(p.line, p.message.split(";")[0]) for p in found] == [
        (5, "each item of 'keywords' must be text, not a number"),
        (9, "each item of 'keywords' must be text, not a number"),
        (11, "'title' must be text, not a list"),
        (13, "duplicate id 'c' (first defined at " + str(found[3].path) + ":10:9)")]
