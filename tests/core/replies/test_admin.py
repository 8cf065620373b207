"""Replies to reload and check: what changed, or every problem and the previous version live."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.library import Library
from bot.core.replies.admin import check_reply, reload_reply
from bot.core.replies.reply import ReplyKind

TINY = Path(__file__).resolve().parents[2] / "fixtures" / "tiny" / "kb"


def test_a_reload_says_the_version_and_what_changed(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(TINY, tmp_path / "kb"))
    reply = reload_reply(Library.open(folder).reload())
    assert (reply.kind, reply.title) == (ReplyKind.INFO, "Knowledge base reloaded")
    assert reply.body == "Reloaded: 7 topics, version 2.\nNo changes."


def test_a_refused_reload_lists_every_problem(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(TINY, tmp_path / "kb"))
    library = Library.open(folder)
    (folder / "a.yaml").write_text("entries: [\n", encoding="utf-8")
    (folder / "b.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    reply = reload_reply(library.reload())
    assert reply.kind is ReplyKind.ERROR and reply.title.startswith("Reload refused: ")
    assert "a.yaml:" in reply.body
    assert reply.body.count("b.yaml:") >= 2  # missing title and missing answer
    assert reply.body.endswith("The previous knowledge base is still live.")


def test_a_check_says_nothing_was_swapped_in() -> None:
    assert check_reply([]).kind is ReplyKind.INFO
    found = check_reply(["kb.yaml:1:1: oops"])
    assert found.kind is ReplyKind.ERROR and "kb.yaml:1:1: oops" in found.body
    assert "Nothing was swapped in" in found.body
