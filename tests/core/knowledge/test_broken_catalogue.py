"""Issue 7: a catalogue of broken knowledge folders.

Each case builds a folder in tmp_path and names the problems it must produce, as (file name,
line, a piece of the message). For every case: `load_knowledge` raises nothing, returns no
KnowledgeBase (unless the case is one that must load), every problem reads
`path:line:column: message`, the expected problems are all there, the alias bomb and the huge
file are refused within a second, and a knowledge base loaded before is unchanged after.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"
PROBLEM = r"^[^:]+:\d+:\d+: .+"
PWNED = "faqbot-catalogue-pwned"

Expected = tuple[str, int, str]


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    expected: tuple[Expected, ...]
    within_a_second: bool = False
    loads: bool = False


def entry(entry_id: str, title: str = "T", answer: str = "A", extra: str = "") -> str:
    return f"  - id: {entry_id}\n    title: {title}\n    answer: {answer}\n{extra}"


def entries(*items: str) -> str:
    return "entries:\n" + "".join(items)


def files(**content: str | bytes) -> Callable[[Path], None]:
    """A builder writing `name_yaml="..."` as name.yaml (an underscore before the suffix)."""

    def build(folder: Path) -> None:
        for key, value in content.items():
            name = key.replace("_yaml", ".yaml").replace("_yml", ".yml")
            data = value.encode("utf-8") if isinstance(value, str) else value
            (folder / name).write_bytes(data)

    return build


def alias_bomb(folder: Path) -> None:
    lines = ['l0: &l0 ["lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    (folder / "bomb.yaml").write_text("\n".join(lines) + "\n")


def huge_file(folder: Path) -> None:
    with (folder / "huge.yaml").open("wb") as handle:  # sparse: one seek and one byte
        handle.seek(50 * 1024 * 1024 - 1)
        handle.write(b"\n")


def symlink_outside(folder: Path) -> None:
    outside = folder.parent / "elsewhere.yaml"
    outside.write_text(entries(entry("elsewhere")))
    (folder / "ok.yaml").write_text(entries(entry("one")))
    (folder / "link.yaml").symlink_to(outside)


def dangling_symlink(folder: Path) -> None:
    (folder / "ok.yaml").write_text(entries(entry("one")))
    (folder / "gone.yaml").symlink_to(folder / "deleted.yaml")


def directory_named_like_a_file(folder: Path) -> None:
    (folder / "ok.yaml").write_text(entries(entry("one")))
    (folder / "topics.yaml").mkdir()
    (folder / "topics.yaml" / "inner.yaml").write_text(entries(entry("two")))


def only_dotfiles(folder: Path) -> None:
    (folder / ".#faq.yaml").symlink_to("curator@laptop.4242:1700000000")
    (folder / ".faq.yaml").write_text(entries(entry("one")))
    (folder / "notes.txt").write_text("not knowledge\n")


def nothing(folder: Path) -> None:
    del folder


TAB_THEN_MORE = (
    "entries:\n"                                        # 1
    "  - id: one\n"                                     # 2
    "\ttitle: One\n"                                    # 3  tab
    "    answer: A\n"                                   # 4
    "  - id: two\n"                                     # 5
    "    title: Two\n"                                  # 6
    "    title: Two again\n"                            # 7  duplicate key
    "    answer: !!python/object:os.system {}\n"        # 8  tag
    "  - id: three\n"                                   # 9
    "    titel: Three\n"                                # 10 unknown field
    "    title: Three\n"                                # 11
    "    answer: A\n"                                   # 12
    "  - id: one\n"                                     # 13 duplicate id
    "    title: T\n"                                    # 14
    "    answer: A\n"                                   # 15
)

TABLE = (
    "table:\n"                                          # 1
    "  id: comparison\n"                                # 2
    "  title: Compared\n"                               # 3
    "  columns: [Open, Closed]\n"                       # 4
    "  rows:\n"                                         # 5
    "    - id: factor-cost\n"                           # 6
    "      factor: Cost\n"                              # 7
    "      cells: [free, paid]\n"                       # 8
)

CASES: list[Case] = [
    # -- syntax -----------------------------------------------------------------------------
    Case("unclosed-quote", files(kb_yaml=entries(entry("one"), entry("two", title='"Two'))),
         (("kb.yaml", 6, "quoted text is not closed"),)),
    Case("missing-colon", files(kb_yaml="entries:\n  - id: one\n    title\n    answer: A\n"),
         (("kb.yaml", 3, "a ':' is missing, or the indentation is wrong"),)),
    Case("bad-indentation", files(kb_yaml="entries:\n  - id: one\n    title: T\n   answer: A\n"),
         (("kb.yaml", 4, "check this line's indentation"),)),
    Case("colon-in-unquoted-text", files(kb_yaml=entries(entry("one", answer="Note: this"))),
         (("kb.yaml", 4, "unexpected ':'; text that holds ': ' must be quoted"),)),
    Case("tab-indentation", files(kb_yaml="entries:\n\t- id: one\n"),
         (("kb.yaml", 2, "tab character; YAML indents with spaces only"),)),
    Case("tab-then-every-later-problem", files(kb_yaml=TAB_THEN_MORE), (
        ("kb.yaml", 3, "tab character; YAML indents with spaces only"),
        ("kb.yaml", 7, "duplicate key 'title' (first at line 6)"),
        ("kb.yaml", 8, "tag !!python/object:os.system is not allowed"),
        ("kb.yaml", 10, "unknown field 'titel' in an entry; did you mean 'title'?"),
        ("kb.yaml", 13, "duplicate id 'one' (first defined at "),
    )),
    Case("crlf-line-endings-with-a-tab",
         files(kb_yaml=TAB_THEN_MORE.replace("\n", "\r\n")), (
             ("kb.yaml", 3, "tab character"),
             ("kb.yaml", 7, "duplicate key 'title'"),
             ("kb.yaml", 13, "duplicate id 'one'"),
         )),
    Case("two-documents", files(kb_yaml=entries(entry("one")) + "---\n" + entries(entry("two"))),
         (("kb.yaml", 5, "a second YAML document ('---') in one file"),)),
    Case("undefined-alias", files(kb_yaml=entries(entry("one", title="*missing"))),
         (("kb.yaml", 3, "found undefined alias 'missing'"),)),
    # -- YAML that must not be believed ----------------------------------------------------------
    Case("duplicate-key", files(kb_yaml=entries(entry("one", extra="    answer: B\n"))),
         (("kb.yaml", 5, "duplicate key 'answer' (first at line 4)"),)),
    Case("python-object-apply-never-runs",
         files(kb_yaml=entries(entry("one", answer=f"!!python/object/apply:os.system "
                                                   f"['touch /tmp/{PWNED}']"))),
         (("kb.yaml", 4, "tag !!python/object/apply:os.system is not allowed"),)),
    Case("python-name-tag-on-an-entry",
         files(kb_yaml="entries:\n  - !!python/name:os.system\n" + entry("one")),
         (("kb.yaml", 2, "tag !!python/name:os.system is not allowed"),)),
    Case("binary-and-custom-tags",
         files(kb_yaml=entries(entry("one", title="!!binary eA==", answer="!secret x"))),
         (("kb.yaml", 3, "tag !!binary is not allowed"),
          ("kb.yaml", 4, "tag !secret is not allowed"))),
    Case("merge-key", files(kb_yaml="defaults: &d {title: T}\n" + entries(
        "  - id: one\n    <<: *d\n    answer: A\n")),
         (("kb.yaml", 1, "unknown field 'defaults'"),
          ("kb.yaml", 4, "merge keys (<<) are not allowed"))),
    Case("yes-as-a-key", files(kb_yaml=entries(entry("one", extra="    yes: 1\n"))),
         (("kb.yaml", 5, "key 'yes' is read by YAML as true/false, not as a name; quote it"),)),
    Case("alias-bomb", alias_bomb,
         # reported at the alias whose expansion crosses the limit
         (("bomb.yaml", 6, "anchors '&' and aliases '*' expand this file to more than 50,000 "
                           "values; refused"),), within_a_second=True),
    Case("alias-to-itself", files(kb_yaml="entries: &e\n  - *e\n"),
         (("kb.yaml", 2, "this value holds an alias '*' to itself"),)),  # where `*e` is
    Case("nested-too-deep", files(kb_yaml="[" * 10_000),
         (("kb.yaml", 1, "values are nested more than 50 levels deep"),)),
    # -- files and folders ---------------------------------------------------------------------
    Case("fifty-megabyte-file", huge_file,
         (("huge.yaml", 1, "file is 52,428,800 bytes; a knowledge file may be at most "
                           "1,048,576 bytes (1 MiB); refused without reading it"),),
         within_a_second=True),
    Case("symlink-outside-the-folder", symlink_outside,
         (("link.yaml", 1, "symbolic link points outside the knowledge folder"),)),
    Case("dangling-symlink", dangling_symlink,
         (("gone.yaml", 1, "symbolic link to a file that does not exist"),)),
    Case("directory-named-like-a-file", directory_named_like_a_file,
         (("topics.yaml", 1, "is a folder, not a knowledge file"),)),
    Case("no-knowledge-files", nothing,
         (("kb", 1, "no knowledge files (*.yaml or *.yml) in this folder"),)),
    Case("only-editor-dotfiles", only_dotfiles,
         (("kb", 1, "no knowledge files (*.yaml or *.yml) in this folder"),)),
    Case("empty-file", files(ok_yaml=entries(entry("one")), empty_yaml=""),
         (("empty.yaml", 1, "file is empty"),)),
    Case("only-comments", files(kb_yaml="# entries: to do\n"),
         (("kb.yaml", 1, "file holds no YAML document, only comments"),)),
    # -- encodings and characters ----------------------------------------------------------------
    Case("latin-1-bytes", files(kb_yaml=entries(entry("one", title="Caf\xe9")).encode("latin-1")),
         (("kb.yaml", 3, "not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8"),)),
    Case("utf-16", files(kb_yaml=entries(entry("one")).encode("utf-16")),
         (("kb.yaml", 1, "file is UTF-16"),)),
    Case("byte-order-mark", files(kb_yaml=b"\xef\xbb\xbf" + entries(entry("one")).encode()),
         (("kb.yaml", 1, "file starts with a byte-order mark; save it as UTF-8 without BOM"),)),
    Case("control-character", files(kb_yaml=entries(entry("one", title="bell\x07"))),
         (("kb.yaml", 3, "control character U+0007 is not allowed"),)),
    # -- shapes and types ------------------------------------------------------------------------
    Case("top-level-list", files(kb_yaml="- id: one\n  title: T\n"),
         (("kb.yaml", 1, "a knowledge file must be a mapping of fields, not a list"),)),
    Case("top-level-text", files(kb_yaml="just a sentence\n"),
         (("kb.yaml", 1, "a knowledge file must be a mapping of fields, not text"),)),
    Case("entries-is-a-mapping", files(kb_yaml="entries:\n  id: one\n  title: T\n"),
         (("kb.yaml", 2, "'entries' must be a list, not a mapping"),)),
    Case("entry-is-a-list", files(kb_yaml="entries:\n  - [one, T, A]\n"),
         (("kb.yaml", 2, "an entry must be a mapping of fields, not a list"),)),
    Case("wrong-types-in-an-entry", files(kb_yaml=entries(entry(
        "one", title="42", answer="[a, b]",
        extra="    questions: what\n    reviewed: soon\n    related: {a: b}\n"
              "    matcher: {answer: high}\n    source: 7\n"))), (
        ("kb.yaml", 3, "'title' must be text, not a number; quote it"),
        ("kb.yaml", 4, "'answer' must be text, not a list"),
        ("kb.yaml", 5, "'questions' must be a list, not text"),
        ("kb.yaml", 6, "'reviewed' must be a date written as YYYY-MM-DD"),
        ("kb.yaml", 7, "'related' must be a list, not a mapping"),
        ("kb.yaml", 8, "'answer' must be a number from 0 to 1"),
        ("kb.yaml", 9, "'source' must be a section name or a mapping"),
    )),
    Case("wrong-types-in-the-table", files(kb_yaml=TABLE.replace("[Open, Closed]", "Open")
                                          .replace("[free, paid]", "[free, 3]")), (
        ("kb.yaml", 4, "'columns' must be a list, not text"),
        ("kb.yaml", 8, "each item of 'cells' must be text, not a number; quote it"),
    )),
    Case("table-rows-named-alike", files(kb_yaml=TABLE.replace("[Open, Closed]",
                                                               "[Open, open]")
                                         + "    - id: factor-price\n      factor: cost\n"
                                           "      cells: [x, y]\n"
                                           "    - id: factor-speed\n      factor: Speed\n"
                                           "      aliases: [latency, Price]\n"
                                           "      cells: [x, y]\n"), (
        ("kb.yaml", 4, "column 'open' is listed twice"),
        ("kb.yaml", 9, "row 'factor-price' is named 'cost', as row 'factor-cost' is (at "),
        ("kb.yaml", 12, "row 'factor-speed' is named 'Price', as row 'factor-price' is (at "),
    )),
    Case("table-row-is-text", files(kb_yaml=TABLE + "    - factor-speed\n"),
         (("kb.yaml", 9, "a table row must be a mapping of fields, not text"),)),
    Case("wrong-type-at-the-file-level", files(kb_yaml="document: [a]\nsynonyms: x\n"
                                                       + entries(entry("one"))), (
        ("kb.yaml", 1, "'document' must be text, not a list"),
        ("kb.yaml", 2, "'synonyms' must be a mapping of fields, not text"),
    )),
    Case("null-required-fields", files(kb_yaml="entries:\n  - id: ~\n    title: null\n"
                                               "    answer:\n"), (
        ("kb.yaml", 2, "'id' is empty"),
        ("kb.yaml", 3, "'title' is empty"),
        ("kb.yaml", 4, "'answer' is empty"),
    )),
    Case("only-invisible-characters", files(kb_yaml=entries(entry(
        "one", title='"\\u200b"', answer='"\\u2060\\u00a0\\ufeff"',
        extra='    questions: ["\\u200d", fine]\n'))), (
        ("kb.yaml", 3, "'title' is empty (only invisible characters)"),
        ("kb.yaml", 4, "'answer' is empty (only invisible characters)"),
        ("kb.yaml", 5, "empty item in 'questions' (only invisible characters)"),
    )),
    Case("missing-required-fields", files(kb_yaml="entries:\n  - id: one\n    group: G\n"), (
        ("kb.yaml", 2, "missing required field 'title'"),
        ("kb.yaml", 2, "missing required field 'answer'"),
    )),
    # An optional list written with nothing after it is no list: as if absent, not an error.
    Case("empty-optional-lists", files(kb_yaml=entries(entry("one", extra="    questions:\n"
                                                                      "    keywords: ~\n"))
                                       + "synonyms:\n  dm: ~\nlexicon:\n  stop_words:\n"),
         (), loads=True),
    Case("out-of-scope-topic-twice", files(
        a_yaml=entries(entry("one")) + "out_of_scope:\n  - topic: Weather\n"
                                       "    questions: [will it rain]\n",
        b_yaml="out_of_scope:\n  - topic: weather\n    questions: [is it sunny]\n"),
         (("b.yaml", 2, "out-of-scope topic 'weather' is already defined at "),)),
    Case("lexicon-contradictions", files(
        a_yaml=entries(entry("one")) + "lexicon:\n  respellings: {finetune: fine tune}\n"
                                       "  stop_words: [bot]\n",
        b_yaml="lexicon:\n  respellings:\n    finetune: finetuning\n    pm: dm\n"
               "    dm: direct message\n    colour: color\n    color: colour\n"
               "  weak_words: [model, bot]\n"), (
        ("b.yaml", 3, "respelling of 'finetune' is already set at "),
        ("b.yaml", 4, "respelling of 'pm' gives 'dm', which is respelled too (to 'direct "
                      "message', at "),
        ("b.yaml", 6, "respelling of 'colour' gives 'color', which is respelled too"),
        ("b.yaml", 7, "respelling of 'color' gives 'colour', which is respelled too"),
        ("b.yaml", 8, "'bot' is in both 'stop_words' (at "),
    )),
    Case("lexicon-respelling-a-word-into-a-phrase-that-keeps-it", files(
        kb_yaml=entries(entry("one")) + "lexicon:\n  respellings: {wifi: wifi network}\n"),
        (), loads=True),
    Case("lexicon-respelling-a-word-to-itself", files(
        kb_yaml=entries(entry("one")) + "lexicon:\n  respellings: {wifi: WiFi}\n"),
        (("kb.yaml", 6, "respelling of 'wifi' to itself changes nothing"),)),
    Case("lexicon-keeping-a-chat-spelling-as-written", files(  # 'r' the language, not "are"
        kb_yaml=entries(entry("one")) + "lexicon:\n  respellings: {r: r}\n"), (), loads=True),
    Case("lexicon-keeping-an-irregular-form-as-written", files(  # "sent" as itself, not "send"
        kb_yaml=entries(entry("one")) + "lexicon:\n  respellings: {sent: sent}\n"), (),
         loads=True),
    # -- ids -------------------------------------------------------------------------------------
    Case("id-with-spaces", files(kb_yaml=entries(entry("Cost Factor"))),
         (("kb.yaml", 2, "id 'Cost Factor' must be kebab-case: lowercase ASCII letters, digits "
                         "and single hyphens; try 'cost-factor'"),)),
    Case("id-with-a-cyrillic-look-alike", files(kb_yaml=entries(entry("c\u043est"))),
         (("kb.yaml", 2, "has the non-ASCII character '\u043e' (CYRILLIC SMALL LETTER O) at "
                         "position 2"),)),
    Case("duplicate-ids-across-files",
         files(a_yaml=entries(entry("one")), b_yml=entries(entry("two"), entry("one"))),
         (("b.yml", 5, "duplicate id 'one' (first defined at "),)),
    # -- content ---------------------------------------------------------------------------------
    Case("url-longer-than-a-discord-link-button", files(kb_yaml=entries(entry(
        "one", extra="    source: {document: D, url: 'https://x.org/" + "a" * 500 + "'}\n"))),
         (("kb.yaml", 5, "'url' is 514 characters; at most 512 allowed"),)),
    Case("row-missing-a-cell", files(kb_yaml=TABLE + "    - id: factor-speed\n"
                                                     "      factor: Speed\n      cells: [fast]\n"),
         (("kb.yaml", 11, "row has 1 cells but the table has 2 columns (Open, Closed): "
                          "missing a cell"),)),
    Case("answer-too-long-for-discord", files(kb_yaml=entries(entry("one", answer="x" * 20_000))),
         (("kb.yaml", 4, "'answer' is 20,000 characters; at most 16,000 allowed (too long for "
                         "Discord even when split"),)),
    Case("related-to-itself",
         files(kb_yaml=entries(entry("one", extra="    related: [one, two]\n"), entry("two"))),
         (("kb.yaml", 5, "'one' lists itself in 'related'"),)),
    Case("related-to-nothing", files(kb_yaml=entries(entry("one", extra="    related: [tow]\n"),
                                                     entry("two"))),
         (("kb.yaml", 5, "related id 'tow' does not exist (in 'one'); did you mean 'two'?"),)),
    Case("same-question-under-two-entries", files(kb_yaml=entries(
        entry("one", extra="    questions: [How do I install it?]\n"),
        entry("two", extra="    questions: [other, how do i install it]\n"))),
         (("kb.yaml", 9, "question 'how do i install it' is also a question of 'one' (at "),)),
    Case("same-question-twice-in-one-entry", files(kb_yaml=entries(
        entry("one", extra="    questions: [how much, How much?]\n"))),
         (("kb.yaml", 5, "question 'How much?' is listed twice in 'one'"),)),
    Case("out-of-scope-question-an-entry-answers", files(kb_yaml=entries(
        entry("one", extra="    questions: [will it rain]\n"))
        + "out_of_scope:\n  - topic: weather\n    questions: [Will it rain?]\n"),
         (("kb.yaml", 8, "question 'Will it rain?' is also a question of 'one' (at "),)),
    Case("related-cycles-are-normal-see-also", files(kb_yaml=entries(
        entry("a", extra="    related: [b]\n"), entry("b", extra="    related: [a, c]\n"),
        entry("c", extra="    related: [d]\n"), entry("d", extra="    related: [a]\n"),
    )), (), loads=True),
]


@pytest.fixture(scope="module")
def live() -> tuple[KnowledgeBase, str]:
    kb, problems = load_knowledge(FIXTURES / "good")
    assert kb is not None, problems
    return kb, repr(kb)


def test_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_folder(case: Case, tmp_path: Path, live: tuple[KnowledgeBase, str]) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    case.build(folder)

    started = time.perf_counter()
    kb, problems = load_knowledge(folder)
    elapsed = time.perf_counter() - started

    if case.within_a_second:  # refused up front: unrefused, it would take hours (or memory)
        # ~0.1 s alone; the bound leaves room for a loaded machine running tests in parallel.
        assert elapsed < 5.0, f"took {elapsed:.2f} s"
    shown = "\n".join(str(p) for p in problems)
    if case.loads:
        assert kb is not None and problems == [], shown
    else:
        assert kb is None
        assert problems, "a broken folder must say why"
    assert problems == sorted(problems)
    for problem in problems:
        assert re.match(PROBLEM, str(problem)), str(problem)
        assert "Traceback" not in problem.message
    found = [(Path(p.path).name, p.line, p.message) for p in problems]
    for name, line, text in case.expected:
        assert any((f, n) == (name, line) and text in m for f, n, m in found), (
            f"expected {name}:{line}: ...{text}... in\n{shown}"
        )
    assert not Path("/tmp", PWNED).exists()

    before, before_repr = live
    assert repr(before) == before_repr
    again, _ = load_knowledge(FIXTURES / "good")
    assert again == before


def test_mutual_see_also_loads_and_nothing_loops(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    files(kb_yaml=entries(entry("a", extra="    related: [b]\n"),
                          entry("b", extra="    related: [a]\n")))(folder)
    started = time.perf_counter()
    kb, problems = load_knowledge(folder)
    assert time.perf_counter() - started < 1.0
    assert problems == [] and kb is not None
    assert kb.entry("a") is not None and kb.entry("b") is not None
    assert [e.related for e in kb.entries] == [("b",), ("a",)]
