"""An answer whose source has an address carries a "Read more" link button on Discord."""

from __future__ import annotations

from pathlib import Path

import pytest
from faqbot_harness import Harness
from test_ask import buttons_of, embed_of

KB = """\
entries:
  - id: install
    title: How do I install the tool?
    answer: Run the installer, then restart.
    questions: [how do i install the tool]
    source:
      document: Docs
      section: Installing
      url: https://docs.example.org/install.html#installing
  - id: licence
    title: What licence does the tool use?
    answer: The MIT licence.
    questions: [what licence does the tool use]
"""


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "docs.yaml").write_text(KB, encoding="utf-8")
    return folder


async def test_an_answer_with_a_source_url_has_a_read_more_button(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "how do i install the tool"})
    embed = embed_of(record)
    assert embed["title"] == "How do I install the tool?"
    links = [b for b in buttons_of(record) if b.get("style") == 5]
    assert [(b["label"], b["url"], b.get("disabled", False)) for b in links] == [
        ("Read more", "https://docs.example.org/install.html#installing", False)]
    assert [b.get("label") for b in buttons_of(record)] == ["Helpful", "Not helpful",
                                                            "Read more"]
    harness.assert_valid()


async def test_an_answer_without_a_url_has_no_link(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "what licence does the tool use"})
    assert embed_of(record)["title"] == "What licence does the tool use?"
    assert [b for b in buttons_of(record) if b.get("style") == 5] == []
    harness.assert_valid()
