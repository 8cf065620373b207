"""Imported entries written as a valid knowledge file, and re-imported keeping curation."""

from __future__ import annotations

import yaml

from bot.core.importing.build import import_pages
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.knowledge_file import merge, new_file
from bot.core.knowledge.parse import parse_text
from bot.core.knowledge.schema import validate

DOCS = """\
# Help

## How do I install it?

Run `pip install thing`.

## Is it free?

Yes: no tricks, yes, no: "quoted" 'text' # not a comment
"""


def entries(text: str) -> list:  # type: ignore[type-arg]
    page = parse_markdown(text, "help.md", "https://docs.example.org/help.md")
    return import_pages([page]).entries


def test_a_new_file_validates_and_reads_back() -> None:
    text = new_file(entries(DOCS), ["help.md"])
    parsed, problems = parse_text("help.yaml", text.encode())
    assert problems == []
    assert parsed is not None
    kb, problems = validate([parsed])
    assert problems == []
    assert kb is not None
    assert [e.id for e in kb.entries] == ["how-do-i-install-it", "is-it-free"]
    free = kb.entries[1]
    assert free.answer == "Yes: no tricks, yes, no: \"quoted\" 'text' # not a comment"
    assert free.source is not None
    assert free.source.url == "https://docs.example.org/help.md#is-it-free"
    assert text.startswith("# Made by `faqbot kb import` from help.md.")


CURATED = """\
# Our help, curated by hand.
entries:
  - id: how-do-i-install-it
    title: Installing          # renamed by a curator
    answer: old answer
    questions:
      - how to install
    keywords: [setup]
    related: [is-it-free]
    matcher: {answer: 0.6}
    source:
      document: Help
      section: How do I install it?
  - id: is-it-free
    title: Is it free?
    answer: old
    source: {document: Help, section: "Is it free?"}
  - id: removed-section
    title: Gone
    answer: This section is no longer in the docs.
    source: {document: Help, section: Old section}
  - id: hand-written
    title: Our own entry
    answer: Kept as it is.
"""


def test_update_keeps_curation_and_comments_and_lists_what_is_gone() -> None:
    newer = DOCS + "\n## Can I use it offline?\n\nYes.\n"
    result = merge(CURATED, entries(newer))
    assert result.updated == ["how-do-i-install-it", "is-it-free"]
    assert result.made == ["can-i-use-it-offline"]
    assert result.gone == ["removed-section (Gone)"]
    assert "# Our help, curated by hand." in result.text
    assert "# renamed by a curator" in result.text
    data = yaml.safe_load(result.text)["entries"]
    install = data[0]
    assert install["title"] == "Installing"
    assert install["questions"] == ["how to install"]
    assert install["keywords"] == ["setup"]
    assert install["related"] == ["is-it-free"]
    assert install["matcher"] == {"answer": 0.6}
    assert install["answer"] == "Run `pip install thing`."
    assert install["source"]["url"] == "https://docs.example.org/help.md#how-do-i-install-it"
    assert [d["id"] for d in data] == ["how-do-i-install-it", "is-it-free", "removed-section",
                                       "hand-written", "can-i-use-it-offline"]
    assert data[1]["source"] == {"document": "Help", "section": "Is it free?",
                                 "url": "https://docs.example.org/help.md#is-it-free"}
    parsed, problems = parse_text("help.yaml", result.text.encode())
    assert problems == [] and parsed is not None
    assert validate([parsed])[1] == []


def test_update_twice_changes_nothing_the_second_time() -> None:
    first = merge(CURATED, entries(DOCS))
    second = merge(first.text, entries(DOCS))
    assert second.updated == [] and second.made == []
    assert second.text == first.text


def test_update_with_repeated_headings_updates_each_section_in_turn() -> None:
    # Two sections under the same heading share (document, section): each must still update
    # its own entry, in order, and nothing the docs say may be lost.
    page = DOCS + "\n## Is it free?\n\nThe pro plan is {}.\n"
    first = merge("entries: []\n", entries(page.format("paid")))
    assert first.made == ["how-do-i-install-it", "is-it-free", "is-it-free-2"]
    second = merge(first.text, entries(page.format("cheap").replace("no tricks", "none")))
    assert second.updated == ["is-it-free", "is-it-free-2"] and second.made == []
    answers = [d["answer"] for d in yaml.safe_load(second.text)["entries"]]
    assert answers[1:] == ["Yes: none, yes, no: \"quoted\" 'text' # not a comment",
                           "The pro plan is cheap."]
    shorter = merge(second.text, entries(DOCS.replace("no tricks", "none")))
    assert shorter.unchanged == ["how-do-i-install-it", "is-it-free"]
    assert shorter.gone == ["is-it-free-2 (Is it free?)"]


def test_new_entries_never_take_an_existing_id() -> None:
    taken = "entries:\n  - id: how-do-i-install-it\n    title: Other\n    answer: x\n"
    result = merge(taken, entries(DOCS))
    assert result.made == ["how-do-i-install-it-2", "is-it-free"]
