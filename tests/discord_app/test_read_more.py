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
  - id: windows
    title: Installing the tool on Windows
    answer: Use the Windows installer.
    source: {document: Docs, section: Windows, url: "https://docs.example.org/win.html"}
  - id: linux
    title: Installing the tool on Linux
    answer: Use your package manager.
    source: {document: Docs, section: Linux, url: "https://docs.example.org/linux.html"}
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


async def test_a_picked_suggestion_shows_its_read_more_link(harness: Harness) -> None:
    for question in ("install on windows or linux", "windows or linux", "tool"):
        record = await harness.slash("ask", {"question": question})
        if embed_of(record)["title"] == "Did you mean…":
            break
    else:
        pytest.fail("no question produced a did-you-mean reply")
    choice = next(b for b in buttons_of(record) if "licence" not in b["label"].lower())
    info = harness.fake.state.interaction_by_token(record.path.split("/")[3])
    assert info is not None and info.original_message_id is not None
    message = harness.fake.state.messages[info.original_message_id]
    click = await harness.fake.send_component(choice["custom_id"], message)
    shown = await harness.fake.wait_for_callback(click)
    title = embed_of(shown)["title"]
    urls = {"How do I install the tool?": "https://docs.example.org/install.html#installing",
            "Installing the tool on Windows": "https://docs.example.org/win.html",
            "Installing the tool on Linux": "https://docs.example.org/linux.html"}
    links = [b["url"] for b in buttons_of(shown) if b.get("style") == 5]
    assert links == [urls[title]]
    harness.assert_valid()
