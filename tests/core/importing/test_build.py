"""Pages cut into sections at a sensible level and made into valid entries."""

from __future__ import annotations

import pytest

from bot.core.importing.answer import fit
from bot.core.importing.build import import_pages, slug, unique_id
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.page import Block, BlockKind, code_block
from bot.core.importing.sections import ANSWER_LIMIT, choose_level, is_question

FAQ = """\
# Our FAQ

## Installing

### How do I install it?

Run the installer.

### Why does it fail on Windows?

Check the **path**.

## Using

### Can I use it offline?

Yes.
"""


def test_a_faq_page_gives_one_entry_a_question() -> None:
    page = parse_markdown(FAQ, "faq.md", "https://docs.example.org/faq.html")
    assert choose_level(page) == 3
    result = import_pages([page])
    assert [e.id for e in result.entries] == [
        "how-do-i-install-it", "why-does-it-fail-on-windows", "can-i-use-it-offline"]
    first = result.entries[0]
    assert first.title == "How do I install it?"
    assert first.questions == ("How do I install it?",)
    assert first.group == "Installing"
    assert first.document == "Our FAQ"
    assert first.section == "How do I install it?"
    assert first.url == "https://docs.example.org/faq.html#how-do-i-install-it"
    assert first.answer == "Run the installer."
    assert result.entries[2].group == "Using"


def test_a_question_asked_by_two_headings_of_a_group_is_a_question_of_the_first_only() -> None:
    # The knowledge base refuses one question under two entries; each section still becomes
    # an entry, found by its title.
    faq = FAQ.replace("## Using", "### Why does it fail on windows\n\nCheck the *drivers*."
                                  "\n\n## Using")
    page = parse_markdown(faq, "faq.md", "https://docs.example.org/faq.html")
    result = import_pages([page])
    asked = {e.id: e.questions for e in result.entries}
    assert asked["why-does-it-fail-on-windows"] == ("Why does it fail on Windows?",)
    assert asked["why-does-it-fail-on-windows-2"] == ()
    assert "faq.md:13: “Why does it fail on windows” asks the question of “Why does it fail " \
           "on Windows?” (faq.md:9); it is not made a question twice" in result.notes


def test_a_question_of_two_groups_is_told_apart_by_each_ones_group() -> None:
    # "How do I install it?" under Windows and under macOS: identical titles would make
    # identical "Did you mean" buttons, and "macOS" would be in no field the matcher reads.
    faq = ("# Product FAQ\n\n## Windows\n\n### How do I install it?\n\nRun `setup.exe`.\n\n"
           "## macOS\n\n### How do I install it?\n\nDrag the app to Applications.\n")
    result = import_pages([parse_markdown(faq, "faq.md", "https://docs.example.org/faq.html")])
    assert [(e.title, e.questions, e.section) for e in result.entries] == [
        ("How do I install it? (Windows)", ("How do I install it? (Windows)",),
         "How do I install it?"),
        ("How do I install it? (macOS)", ("How do I install it? (macOS)",),
         "How do I install it?")]
    assert result.notes == []


def test_invisible_headings_and_sections_are_treated_as_empty() -> None:
    # A zero-width space is not a title or an answer: the knowledge base would refuse it.
    faq = FAQ + "\n## More\n\n### Ghost?\n\n\u200b\n\n### \u200b\n\nAn untitled section.\n"
    result = import_pages([parse_markdown(faq, "faq.md", None)])
    assert [e.title for e in result.entries][-1] == "faq.md"
    assert "faq.md:21: “Ghost?” has no text" in result.skipped


def test_a_section_address_too_long_for_a_link_button_is_left_out_of_the_source() -> None:
    base = "https://docs.example.org/" + "a" * 500 + ".html"
    result = import_pages([parse_markdown(FAQ, "faq.md", base)])
    first = result.entries[0]
    assert first.url is None and "url" not in first.source()


def test_a_short_titled_page_is_one_entry_and_a_level_can_be_forced() -> None:
    tag = "# Pathlib\n\nUse `Path`.\n\n## Example\n\n```py\nPath('a') / 'b'\n```\n"
    page = parse_markdown(tag, "tags/pathlib.md")
    (entry,) = import_pages([page]).entries
    assert entry.title == "Pathlib"
    assert entry.group == "tags"
    assert entry.questions == ()
    assert entry.answer == "Use `Path`.\n\n**Example**\n\n```py\nPath('a') / 'b'\n```"
    forced = import_pages([page], level=2)
    assert [e.title for e in forced.entries] == ["Example"]
    assert forced.skipped == ["tags/pathlib.md:1: “Pathlib” only introduces the sections "
                              "under it; not an entry"]


def test_a_page_without_headings_is_titled_from_its_front_matter_or_file_name() -> None:
    tagged = parse_markdown("---\nembed:\n  title: Star args\n---\nText.\n", "tags/args.md")
    plain = parse_markdown("Just text.\n", "tags/if-name-main.md")
    result = import_pages([tagged, plain])
    assert [e.title for e in result.entries] == ["Star args", "If name main"]
    assert any("if-name-main.md: no headings" in note for note in result.notes)


def test_a_long_guide_is_cut_at_the_shallowest_level_that_fits() -> None:
    body = "Some words here. " * 150
    guide = f"# Guide\n\n## Setup\n\n{body}\n\n### Linux\n\n{body}\n\n## Usage\n\n{body}\n"
    page = parse_markdown(guide, "guide.md")
    assert choose_level(page) == 3


def test_empty_pages_are_skipped_with_a_reason() -> None:
    result = import_pages([parse_markdown("# Only a heading\n", "empty.md")])
    assert result.entries == []
    assert result.skipped == ["empty.md: no text to import"]


@pytest.mark.parametrize(("heading", "asked"), [
    ("How do I install it?", True), ("What's new", True), ("Installation", False),
    ("Is it free", True), ("Why?", True), ("Notes on speed", False)])
def test_questions_are_recognised(heading: str, asked: bool) -> None:
    assert is_question(heading) is asked


def test_ids_are_stable_unique_kebab_case() -> None:
    assert slug("Is there a source-level debugger, with breakpoints? (etc.)") == \
        "is-there-a-source-level-debugger-with-breakpoints-etc"
    assert slug("Ünïcödé café") == "unicode-cafe"
    assert len(slug("word " * 40)) <= 64
    assert not slug("word " * 40).endswith("-")
    taken: set[str] = set()
    assert [unique_id(t, taken) for t in ("Setup", "Setup", "Setup", "???")] == \
        ["setup", "setup-2", "setup-3", "section"]


def test_a_long_section_is_cut_between_blocks_never_inside_code() -> None:
    blocks = (Block("First paragraph. " * 100), code_block("x = 1\n" * 400, "py"),
              Block("After."))
    answer, cut = fit(blocks, ANSWER_LIMIT, "Full section: <https://example.org/a#b>")
    assert cut
    assert len(answer) <= ANSWER_LIMIT
    assert answer.endswith("Full section: <https://example.org/a#b>")
    assert answer.count("```") % 2 == 0
    assert "x = 1" not in answer  # the code block did not fit: left out whole


def test_a_single_huge_code_block_is_shortened_at_a_line_and_closed() -> None:
    blocks = (code_block("print('line')\n" * 1000, "py"),)
    answer, cut = fit(blocks, ANSWER_LIMIT, "Full section: <https://example.org/>")
    assert cut and len(answer) <= ANSWER_LIMIT
    code = answer.split("\n\nFull section")[0]
    assert code.startswith("```py\n") and code.endswith("\n```")
    assert all(line in ("```py", "```", "print('line')") for line in code.split("\n"))
    assert blocks[0].kind is BlockKind.CODE


def test_keywords_are_distinctive_words_not_in_the_title() -> None:
    pages = [parse_markdown("# A\n\n## Threads\n\nUse `threading.Thread` and the `queue` "
                            "module; threading threading.\n\n## Files\n\nUse `shutil` to copy "
                            "files, shutil shutil.\n", "a.md")]
    threads, files = import_pages(pages, level=2).entries
    assert threads.keywords == ("queue",)  # "threading" is the title's "threads" (one stem)
    assert files.keywords[0] == "shutil"


def test_a_short_tag_with_a_front_matter_title_is_one_entry_despite_sub_headings() -> None:
    tag = ("---\ntitle: Virtual environments\n---\n## Making one\n\n`python -m venv .venv`\n\n"
           "## Using it\n\nActivate it first.\n")
    (entry,) = import_pages([parse_markdown(tag, "tags/venv.md")]).entries
    assert entry.title == "Virtual environments"
    assert entry.answer == ("**Making one**\n\n`python -m venv .venv`\n\n**Using it**\n\n"
                            "Activate it first.")


def test_a_heading_above_the_level_without_sub_headings_is_an_entry() -> None:
    roles = ("# Roles\n\n## Staff\n\n### Helpers\n\nThey help.\n\n### Moderators\n\nThey "
             "moderate.\n\n## Announcements\n\nPinged for news.\n\n## Q: Can I get a role?\n\n"
             "Ask in the help channel.\n")
    entries = import_pages([parse_markdown(roles, "roles.md")], level=3).entries
    assert [e.title for e in entries] == ["Helpers", "Moderators", "Announcements",
                                          "Can I get a role?"]
    assert entries[-1].questions == ("Can I get a role?",)


def test_a_heading_of_nothing_writable_is_titled_from_the_file() -> None:
    page = parse_markdown("# \x01\x02\n\nText.\n", "docs/odd.md")
    (entry,) = import_pages([page]).entries
    assert entry.title == "docs/odd.md"
    assert entry.document == "docs/odd.md"
