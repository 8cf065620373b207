"""The schema validator and `load_knowledge`: one small folder per kind of problem."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from bot.core.knowledge.fields import MAX_ANSWER
from bot.core.knowledge.lexicon import WORD_FORM
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.problems import Problem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"
PROBLEM_FORMAT = re.compile(r"^[^:]+:\d+:\d+: .+")

MakeKb = Callable[[Mapping[str, str | bytes]], Path]


def load(folder: Path) -> tuple[KnowledgeBase | None, list[tuple[str, int, str]]]:
    kb, problems = load_knowledge(folder)
    assert problems == sorted(problems)
    assert all(PROBLEM_FORMAT.match(str(p)) for p in problems), problems
    assert (kb is None) == bool(problems)
    return kb, [(Path(p.path).name, p.line, p.message) for p in problems]


def problems_of(make_kb: MakeKb, text: str, **more: str) -> list[tuple[int, str]]:
    folder = make_kb({"kb.yaml": text, **{name.replace("_", "."): t for name, t in more.items()}})
    kb, found = load(folder)
    assert kb is None
    return [(line, message) for _, line, message in found]


ONE = """\
entries:
  - id: one
    title: One
    answer: The first.
"""


# -- the fixtures --------------------------------------------------------------------------------


def test_good_fixture_loads() -> None:
    kb, problems = load(FIXTURES / "good")
    assert problems == []
    assert kb is not None
    assert kb.ids == ("overview", "pricing", "comparison", "factor-cost", "factor-speed")
    assert [Path(f).name for f in kb.files] == ["faq.yaml", "table.yml"]
    overview = kb.entry("overview")
    assert overview is not None
    assert overview.answer == "A short answer.\n\nWith two paragraphs."
    assert str(overview.source) == "The Handbook — Introduction"
    assert overview.related == ("pricing",)
    pricing = kb.entry("pricing")
    assert pricing is not None and pricing.thresholds is not None
    assert (pricing.thresholds.answer, pricing.thresholds.suggest) == (0.7, 0.35)
    assert (kb.thresholds.answer, kb.thresholds.suggest) == (0.6, 0.35)
    assert kb.synonyms["cost"] == ("price", "pricing")
    assert kb.table is not None and kb.table.columns == ("A", "B")
    assert kb.table.rows[0].cells == ("free", "paid")


def test_done_when_file_reports_all_five_problems() -> None:
    """Issue 2: a duplicate key, a tab, a !!python/object tag, an unknown field, a duplicate id."""
    kb, problems = load(FIXTURES / "five-problems")
    assert kb is None
    assert not Path("/tmp/faqbot-pwned").exists()
    assert problems == [
        ("kb.yaml", 8, "tab character; YAML indents with spaces only"),
        ("kb.yaml", 12, "duplicate key 'title' (first at line 11); YAML would silently keep "
                        "only the last one"),
        ("kb.yaml", 15, "tag !!python/object/apply:os.system is not allowed; plain YAML values "
                        "only (nothing tagged is ever run or built)"),
        ("kb.yaml", 18, "unknown field 'titel' in an entry; did you mean 'title'?"),
        ("kb.yaml", 21, f"duplicate id 'alpha' (first defined at "
                        f"{FIXTURES / 'five-problems' / 'kb.yaml'}:4:9)"),
    ]


def test_knowledge_base_is_immutable() -> None:
    kb, _ = load(FIXTURES / "good")
    assert kb is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.entries = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.entries[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        kb.synonyms["new"] = ("x",)  # type: ignore[index]
    assert isinstance(kb.entries, tuple) and isinstance(kb.files, tuple)
    assert isinstance(kb.entries[0].questions, tuple)


# -- fields ----------------------------------------------------------------------------------


def test_unknown_fields_with_a_hint_or_the_list(make_kb: MakeKb) -> None:
    text = ONE + "    titel: x\n    colour: red\nextra: 1\n"
    assert problems_of(make_kb, text) == [
        (5, "unknown field 'titel' in an entry; did you mean 'title'?"),
        (6, "unknown field 'colour' in an entry (allowed: id, title, answer, questions, "
            "keywords, related, group, source, reviewed, matcher)"),
        (7, "unknown field 'extra' in a knowledge file (allowed: document, matcher, synonyms, "
            "lexicon, entries, table, out_of_scope)"),
    ]


def test_missing_required_fields(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, "entries:\n  - id: one\n    questions: [q]\n") == [
        (2, "missing required field 'answer'"),
        (2, "missing required field 'title'"),
    ]


@pytest.mark.parametrize("value", ["", " ''", " ~", " null", "   # nothing"])
def test_empty_required_fields(make_kb: MakeKb, value: str) -> None:
    text = f"entries:\n  - id: one\n    title:{value}\n    answer: x\n"
    assert problems_of(make_kb, text) == [(3, "'title' is empty")]


@pytest.mark.parametrize(("value", "kind"), [
    ("42", "a number"), ("yes", "true/false"), ("[a, b]", "a list"), ("{a: b}", "a mapping"),
    ("2025-01-01", "a date"),
])
def test_wrong_type_for_text(make_kb: MakeKb, value: str, kind: str) -> None:
    text = f"entries:\n  - id: one\n    title: {value}\n    answer: x\n"
    hint = "" if kind in ("a list", "a mapping") else "; quote it"
    assert problems_of(make_kb, text) == [(3, f"'title' must be text, not {kind}{hint}")]


def test_wrong_types_at_every_level(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, "- a\n- b\n") == [
        (1, "a knowledge file must be a mapping of fields, not a list"),
    ]
    assert problems_of(make_kb, "entries: {id: x}\n") == [
        (1, "'entries' must be a list, not a mapping"),
    ]
    assert problems_of(make_kb, "entries:\n  - just text\n") == [
        (2, "an entry must be a mapping of fields, not text"),
    ]
    assert problems_of(make_kb, ONE + "    questions: what\n    related: 3\n") == [
        (5, "'questions' must be a list, not text"),
        (6, "'related' must be a list, not a number"),
    ]
    assert problems_of(make_kb, ONE + "    keywords: [a, 1, true, [x]]\n") == [
        (5, "each item of 'keywords' must be text, not a number; quote it"),
        (5, "each item of 'keywords' must be text, not true/false; quote it"),
        (5, "each item of 'keywords' must be text, not a list"),
    ]
    assert problems_of(make_kb, ONE + "    reviewed: last week\n    source: 12\n") == [
        (5, "'reviewed' must be a date written as YYYY-MM-DD"),
        (6, "'source' must be a section name or a mapping {document: ..., section: ...}, "
            "not a number"),
    ]
    assert problems_of(make_kb, ONE + "    matcher: {answer: high, suggest: 2}\n") == [
        (5, "'answer' must be a number from 0 to 1"),
        (5, "'suggest' must be from 0 to 1, not 2"),
    ]
    assert problems_of(make_kb, "synonyms: [a]\n" + ONE) == [
        (1, "'synonyms' must be a mapping of fields, not a list"),
    ]


def test_top_level_scalar(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, "hello\n") == [
        (1, "a knowledge file must be a mapping of fields, not text"),
    ]


def test_file_without_entries_or_table(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, "document: X\n", other_yaml=ONE) == [
        (1, "a knowledge file needs 'entries' or 'table'"),
    ]


def test_answer_too_long(make_kb: MakeKb) -> None:
    text = f"entries:\n  - id: one\n    title: T\n    answer: {'x' * (MAX_ANSWER + 1)}\n"
    assert problems_of(make_kb, text) == [
        (4, "'answer' is 16,001 characters; at most 16,000 allowed (too long for Discord even "
            "when split into several messages)"),
    ]


def test_answer_at_the_limit_is_fine(make_kb: MakeKb) -> None:
    text = f"entries:\n  - id: one\n    title: T\n    answer: {'x' * MAX_ANSWER}\n"
    kb, problems = load(make_kb({"kb.yaml": text}))
    assert problems == [] and kb is not None


# -- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), [
    ("Cost Factor", "id 'Cost Factor' must be kebab-case: lowercase ASCII letters, digits and "
                    "single hyphens; try 'cost-factor'"),
    ("cost_factor", "id 'cost_factor' must be kebab-case: lowercase ASCII letters, digits and "
                    "single hyphens; try 'cost-factor'"),
    ("c\u043est", "id 'c\u043est' has the non-ASCII character '\u043e' (CYRILLIC SMALL LETTER O) "
                  "at position 2; ids use lowercase ASCII letters, digits and hyphens only"),
    ("'-'", "id '-' must be kebab-case: lowercase ASCII letters, digits and single hyphens"),
])
def test_bad_ids(make_kb: MakeKb, value: str, message: str) -> None:
    text = f"entries:\n  - id: {value}\n    title: T\n    answer: A\n"
    assert problems_of(make_kb, text) == [(2, message)]


def test_duplicate_ids_across_files_name_both_places(make_kb: MakeKb) -> None:
    folder = make_kb({
        "a.yaml": ONE,
        "b.yaml": "entries:\n  - id: two\n    title: T\n    answer: A\n"
                  "  - id: one\n    title: T\n    answer: A\n",
    })
    _, problems = load(folder)
    assert problems == [
        ("b.yaml", 5, f"duplicate id 'one' (first defined at {folder / 'a.yaml'}:2:9)"),
    ]


def test_duplicate_id_between_entry_table_and_row(make_kb: MakeKb) -> None:
    text = ONE + (
        "table:\n  id: one\n  title: T\n  columns: [A, B]\n  rows:\n"
        "    - id: one\n      factor: F\n      cells: [a, b]\n"
    )
    found = problems_of(make_kb, text)
    assert [line for line, _ in found] == [6, 10]
    assert all(message.startswith("duplicate id 'one' (first defined at ") for _, message in found)
    assert all(message.endswith("kb.yaml:2:9)") for _, message in found)


# -- related ---------------------------------------------------------------------------------


def test_related_to_an_unknown_id(make_kb: MakeKb) -> None:
    text = ONE + "    related: [ones, nowhere]\n"
    assert problems_of(make_kb, text) == [
        (5, "related id 'ones' does not exist (in 'one'); did you mean 'one'?"),
        (5, "related id 'nowhere' does not exist (in 'one')"),
    ]


def test_related_to_itself_and_twice(make_kb: MakeKb) -> None:
    text = ONE + "    related:\n      - one\n      - two\n      - two\n" + (
        "  - id: two\n    title: T\n    answer: A\n"
    )
    assert problems_of(make_kb, text) == [
        (6, "'one' lists itself in 'related'"),
        (8, "'two' is listed twice in 'related'"),
    ]


def test_mutual_and_circular_see_also_is_fine(make_kb: MakeKb) -> None:
    entries = "".join(
        f"  - id: {me}\n    title: T\n    answer: A\n    related: [{other}]\n"
        for me, other in [("a", "b"), ("b", "c"), ("c", "a")]
    )
    kb, problems = load(make_kb({"kb.yaml": "entries:\n" + entries}))
    assert problems == []
    assert kb is not None and [e.related for e in kb.entries] == [("b",), ("c",), ("a",)]


# -- the table ---------------------------------------------------------------------------------

TABLE = """\
table:
  id: table
  title: T
  columns: [A, B, C]
  rows:
    - id: row-one
      factor: One
      cells: [a, b, c]
"""


def test_row_missing_a_cell(make_kb: MakeKb) -> None:
    text = TABLE + "    - id: row-two\n      factor: Two\n      cells: [a, b]\n"
    assert problems_of(make_kb, text) == [
        (11, "row has 2 cells but the table has 3 columns (A, B, C): missing a cell"),
    ]


def test_row_with_too_many_or_empty_cells(make_kb: MakeKb) -> None:
    text = TABLE + (
        "    - id: row-two\n      factor: Two\n      cells: [a, b, c, d, e]\n"
        "    - id: row-three\n      factor: Three\n      cells: [a, '', c]\n"
    )
    assert problems_of(make_kb, text) == [
        (11, "row has 5 cells but the table has 3 columns (A, B, C): 2 cells too many"),
        (14, "empty item in 'cells'"),
    ]


def test_table_structure_problems(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, "table:\n  id: t\n  title: T\n  columns: [A]\n  rows: []\n") == [
        (4, "'columns' needs at least two columns"),
        (5, "'rows' must be a non-empty list of rows"),
    ]
    assert problems_of(make_kb, "table:\n  id: t\n  title: T\n") == [
        (2, "missing required field 'columns'"),
        (2, "missing required field 'rows'"),
    ]
    assert problems_of(make_kb, "table: [a, b]\n") == [
        (1, "'table' must be a mapping of fields, not a list"),
    ]


def test_a_second_table_is_refused(make_kb: MakeKb) -> None:
    folder = make_kb({"a.yaml": TABLE, "b.yaml": TABLE.replace("row-one", "row-two")
                      .replace("id: table", "id: other")})
    _, problems = load(folder)
    assert problems == [
        ("b.yaml", 2, f"the comparison table is already defined at {folder / 'a.yaml'}:2:3; "
                      "there is one table"),
    ]


# -- thresholds and sources -------------------------------------------------------------------


def test_folder_matcher_applies_whatever_the_file_order(make_kb: MakeKb) -> None:
    folder = make_kb({
        "a.yaml": ONE + "    matcher: {answer: 0.9}\n",
        "z.yaml": "matcher: {suggest: 0.1}\n",
    })
    kb, problems = load(folder)
    assert problems == [] and kb is not None
    entry = kb.entry("one")
    assert entry is not None and entry.thresholds is not None
    assert (entry.thresholds.answer, entry.thresholds.suggest) == (0.9, 0.1)


def test_matcher_set_twice_and_inverted(make_kb: MakeKb) -> None:
    folder = make_kb({
        "a.yaml": "matcher: {answer: 0.2, suggest: 0.5}\n" + ONE,
        "b.yaml": "matcher: {answer: 0.5}\n",
    })
    _, problems = load(folder)
    assert [(name, line, message.split(" at ")[0]) for name, line, message in problems] == [
        ("a.yaml", 1, "'suggest' must not be above 'answer'"),
        ("b.yaml", 1, "'matcher' is already set"),
    ]


def test_source_needs_a_document(make_kb: MakeKb) -> None:
    assert problems_of(make_kb, ONE + "    source: Intro\n") == [
        (5, "'source' names a section but the file sets no 'document'; use "
            "{document: ..., section: ...}"),
    ]
    assert problems_of(make_kb, ONE + "    source: {section: Intro}\n") == [
        (5, "missing required field 'document'"),
    ]


# -- loader and validator together ------------------------------------------------------------


def test_syntax_error_never_gives_a_knowledge_base(make_kb: MakeKb) -> None:
    text = ONE + "  - id: two\n    title: T\n    answer: A: B\n"
    kb, problems = load(make_kb({"kb.yaml": text}))
    assert kb is None
    assert problems == [
        ("kb.yaml", 7, "YAML syntax: unexpected ':'; text that holds ': ' must be quoted"),
    ]


def test_loader_problem_in_one_file_still_checks_the_others(make_kb: MakeKb) -> None:
    folder = make_kb({
        "a.yaml": b"\xef\xbb\xbf" + ONE.encode(),
        "b.yaml": "entries:\n  - id: one\n    title: T\n    answer: A\n    titel: x\n",
    })
    kb, problems = load(folder)
    assert kb is None
    assert [(name, line) for name, line, _ in problems] == [("a.yaml", 1), ("b.yaml", 2),
                                                            ("b.yaml", 5)]


def test_blanked_line_causes_no_missing_field_noise(make_kb: MakeKb) -> None:
    text = "entries:\n  - id: one\n\ttitle: One\n    answer: A\n  - id: two\n    answer: B\n"
    assert problems_of(make_kb, text) == [
        (3, "tab character; YAML indents with spaces only"),
        (5, "missing required field 'title'"),
    ]


def test_a_blanked_list_item_causes_no_duplicate_key_or_unknown_id_noise(make_kb: MakeKb
                                                                          ) -> None:
    # With "- id: two" blanked, its fields run on into entry one: not duplicates the curator
    # wrote, and 'two' is not missing, only unreadable until the tab is fixed.
    text = ("entries:\n  - id: one\n    title: One\n    answer: A\n    related: [two]\n"
            "\t- id: two\n    title: Two\n    answer: B\n  - id: three\n    title: Three\n"
            "    answer: C\n    related: [two, tree]\n    title: again\n")
    assert problems_of(make_kb, text) == [
        (6, "tab character; YAML indents with spaces only"),
        (13, "duplicate key 'title' (first at line 10); YAML would silently keep only the "
             "last one"),
    ]


def test_refused_values_cause_no_missing_field_noise(make_kb: MakeKb) -> None:
    text = "entries:\n  - id: one\n    title: !!binary eA==\n    answer: A\n"
    assert problems_of(make_kb, text) == [
        (3, "tag !!binary is not allowed; plain YAML values only (nothing tagged is ever run or "
            "built)"),
    ]


def test_problem_string_format() -> None:
    problem = Problem("kb/a.yaml", 3, 7, "duplicate id 'x'")
    assert str(problem) == "kb/a.yaml:3:7: duplicate id 'x'"


# -- the lexicon --------------------------------------------------------------------------------


def test_lexicon_is_read_and_merged_across_files(make_kb: MakeKb) -> None:
    folder = make_kb({
        "a.yaml": ONE + "lexicon:\n  respellings: {Finetune: Fine Tune}\n  stop_words: [bot]\n",
        "b.yaml": "lexicon:\n  respellings: {llms: llm}\n  weak_words: [model, ai]\n",
    })
    kb, problems = load(folder)
    assert problems == [] and kb is not None
    assert kb.lexicon.respellings == (("finetune", "fine tune"), ("llms", "llm"))
    assert kb.lexicon.stop_words == {"bot"}
    assert kb.lexicon.weak_words == {"model", "ai"}


def test_lexicon_words_are_words_as_the_matcher_reads_them(make_kb: MakeKb) -> None:
    """A closing '++' or '#' is part of a word ("c++", "c#"), as the matcher splits text; a
    '#' inside a word or a lone '+' is not."""
    text = ONE + "lexicon:\n  respellings: {cpp: c++, csharp: 'c#', 'c+': c}\n" \
                 "  weak_words: ['f#', 'a#b']\n"
    assert problems_of(make_kb, text) == [
        (6, f"respelling 'c+' must be one word ({WORD_FORM})"),
        (7, f"'weak_words' lists single words ({WORD_FORM}), not 'a#b'"),
    ]
    good = ONE + "lexicon:\n  respellings: {cpp: c++, csharp: 'C#'}\n  weak_words: ['f#']\n"
    kb, problems = load(make_kb({"kb.yaml": good}))
    assert problems == [] and kb is not None
    assert kb.lexicon.respellings == (("cpp", "c++"), ("csharp", "c#"))
    assert kb.lexicon.weak_words == {"f#"}


def test_a_knowledge_base_without_a_lexicon_has_an_empty_one(make_kb: MakeKb) -> None:
    kb, _ = load(make_kb({"a.yaml": ONE}))
    assert kb is not None
    assert (kb.lexicon.respellings, kb.lexicon.stop_words, kb.lexicon.weak_words) == (
        (), frozenset(), frozenset())


def test_lexicon_problems_are_located(make_kb: MakeKb) -> None:
    text = ONE + """\
lexicon:
  respellings:
    fine tune: finetune
    ok: [a, list]
    u2: "you too!"
  stop_words: [bot, two words]
  weak_words: model
  synonyms: {a: [b]}
"""
    assert problems_of(make_kb, text) == [
        (7, f"respelling 'fine tune' must be one word ({WORD_FORM})"),
        (8, f"respelling of 'ok' must be words ({WORD_FORM})"),
        (9, f"respelling of 'u2' must be words ({WORD_FORM})"),
        (10, f"'stop_words' lists single words ({WORD_FORM}), not 'two words'"),
        (11, "'weak_words' must be a list, not text"),
        (12, "unknown field 'synonyms' in 'lexicon' (allowed: respellings, stop_words, "
             "weak_words)"),
    ]


def test_source_url_must_be_an_http_address(make_kb: MakeKb) -> None:
    good = ONE + "    source: {document: Docs, section: One, url: 'https://docs.example.org/a#b'}\n"
    kb, problems = load(make_kb({"kb.yaml": good}))
    assert problems == []
    assert kb is not None and kb.entries[0].source is not None
    assert kb.entries[0].source.url == "https://docs.example.org/a#b"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "docs/a.html", "https://"):
        text = ONE + f"    source: {{document: Docs, url: '{bad}'}}\n"
        assert problems_of(make_kb, text) == [
            (5, f"'url' must be an http:// or https:// address, not {bad!r}")]
