"""Library.reload(): validate everything, then swap in one step; on failure keep the old KB."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest

from bot.core.knowledge.problems import KnowledgeError
from bot.core.library import KnowledgeDiff, Library, diff_knowledge
from bot.core.matching.match import Verdict
from bot.core.replies.reply import ReplyKind

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny" / "kb"
EXTRA = """\
entries:
  - id: bread-baking
    group: Baking
    title: Baking bread
    answer: Knead the dough, let it rise twice, and bake it hot.
    questions: [how do i bake bread]
    keywords: [bread, dough, knead, bake]
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(TINY, target)
    return target


def edit(folder: Path, old: str, new: str, name: str = "tiny.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_open_loads_and_indexes(folder: Path) -> None:
    clock = Clock()
    library = Library.open(folder, clock=clock)
    snap = library.current
    assert snap.version == 1
    assert snap.loaded_at == dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.UTC)
    assert snap.matcher.kb is snap.kb
    assert "tea-brewing" in snap.kb.ids
    assert snap.matcher.match("how do i brew tea").answer_id == "tea-brewing"


def test_a_snapshot_answers_with_the_match_and_the_reply_to_show(folder: Path) -> None:
    snapshot = Library.open(folder).current
    match, reply = snapshot.answer("how do i brew tea")
    assert match.answer_id == "tea-brewing"
    assert (reply.kind, reply.item_id, reply.title) == (ReplyKind.ANSWER, "tea-brewing",
                                                        "Brewing tea")
    match, reply = snapshot.answer("coffee beans or tea leaves")
    assert match.verdict is Verdict.SUGGEST
    assert tuple(choice.id for choice in reply.choices) == match.suggestions
    match, reply = snapshot.answer("what is the capital of france")
    assert (match.verdict, reply.kind) == (Verdict.NONE, ReplyKind.NONE)


def test_open_a_broken_folder_raises_with_every_problem(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("entries:\n  - id: Bad Id\n    title: x\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        Library.open(tmp_path)
    paths = {Path(p.path).name for p in caught.value.problems}
    assert paths == {"a.yaml", "b.yaml"}
    assert len(caught.value.problems) >= 3  # bad id, missing answer, syntax error
    for line in str(caught.value).splitlines():
        path, lineno, column, message = line.split(":", 3)
        assert path.endswith((".yaml",))
        assert int(lineno) >= 1
        assert int(column) >= 1
        assert message.strip()


def test_open_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="no such folder"):
        Library.open(tmp_path / "nowhere")


def test_reload_without_changes(folder: Path) -> None:
    library = Library.open(folder, clock=Clock())
    first = library.current
    result = library.reload()
    assert result.ok
    assert result.problems == ()
    assert result.diff.empty
    assert result.diff.summary() == "No changes."
    assert result.snapshot is library.current
    assert library.current.version == 2
    assert library.current.loaded_at > first.loaded_at


def test_reload_reports_knowledge_base_wide_changes(folder: Path) -> None:
    library = Library.open(folder)
    path = folder / "tiny.yaml"
    path.write_text("synonyms:\n  tea: [cuppa]\nmatcher: {answer: 0.7}\n"
                    + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = library.reload()
    assert result.ok, result.problems
    assert result.diff.settings == ("synonyms", "matcher thresholds")
    assert not result.diff.empty
    assert "Changed: synonyms, matcher thresholds" in result.diff.summary()
    assert library.reload().diff.summary() == "No changes."


def test_reload_reports_a_changed_lexicon(folder: Path) -> None:
    # Stop words or respellings change every answer's scoring: "No changes." would mislead.
    library = Library.open(folder)
    path = folder / "tiny.yaml"
    path.write_text("lexicon:\n  stop_words: [tea]\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = library.reload()
    assert result.ok, result.problems
    assert result.diff.settings == ("lexicon",)
    assert "Changed: lexicon" in result.diff.summary()


def test_reload_reports_added_removed_and_edited_entries(folder: Path) -> None:
    library = Library.open(folder)
    (folder / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    text = (folder / "tiny.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: flat-tyre")
    end = text.index("table:")
    (folder / "tiny.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    edit(folder, "three minutes", "four minutes")

    result = library.reload()
    assert result.ok, result.problems
    assert result.diff == KnowledgeDiff(added=("bread-baking",), removed=("flat-tyre",),
                                        edited=("tea-brewing",))
    summary = result.diff.summary()
    assert "Added (1): bread-baking" in summary
    assert "Removed (1): flat-tyre" in summary
    assert "Edited (1): tea-brewing" in summary
    # The new version answers; the removed entry is gone.
    snap = library.current
    assert snap.matcher.match("how do i bake bread").answer_id == "bread-baking"
    assert snap.kb.find("flat-tyre") is None
    tea = snap.kb.entry("tea-brewing")
    assert tea is not None
    assert "four minutes" in tea.answer


def test_reload_reports_table_rows_changed(folder: Path) -> None:
    library = Library.open(folder)
    edit(folder, '"About 95 mg a cup"', '"About 100 mg a cup"')
    text = (folder / "tiny.yaml").read_text(encoding="utf-8")
    start = text.index("    - id: row-price")
    (folder / "tiny.yaml").write_text(
        text[:start]
        + "    - id: row-taste\n      factor: Taste\n      cells: [Grassy, Bitter]\n",
        encoding="utf-8",
    )
    result = library.reload()
    assert result.ok, result.problems
    assert result.diff.added == ()
    assert result.diff.removed == ()
    assert result.diff.edited == ()
    assert set(result.diff.rows_changed) == {"row-caffeine", "row-price", "row-taste"}
    assert "Table rows changed (3)" in result.diff.summary()


def test_reload_reports_an_edited_table_but_not_its_rows(folder: Path) -> None:
    library = Library.open(folder)
    edit(folder, "title: Tea and coffee compared", "title: Tea versus coffee")
    result = library.reload()
    assert result.ok
    assert result.diff == KnowledgeDiff(edited=("drinks-table",))


def test_moving_an_entry_to_another_file_is_no_edit(folder: Path) -> None:
    library = Library.open(folder)
    text = (folder / "tiny.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: flat-tyre")
    end = text.index("table:")
    (folder / "tiny.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    (folder / "bikes.yaml").write_text("document: The Tiny Guide\nentries:\n" + text[start:end],
                                       encoding="utf-8")
    result = library.reload()
    assert result.ok, result.problems
    assert result.diff.empty


def test_failed_reload_keeps_the_old_version_live(folder: Path) -> None:
    library = Library.open(folder)
    before = library.current
    # Two files, several problems: a good edit in one file must not leak in either.
    edit(folder, "three minutes", "ten minutes")
    edit(folder, "related: [tea-brewing]", "related: [tea-brewin]")
    (folder / "broken.yaml").write_text("entries:\n  - id: x\n\ttitle: tab\n", encoding="utf-8")

    result = library.reload()
    assert not result.ok
    assert result.snapshot is before
    assert library.current is before
    assert result.diff.empty
    messages = [str(p) for p in result.problems]
    assert any("broken.yaml" in m and "tab" in m for m in messages), messages
    assert any("tiny.yaml" in m and "tea-brewin" in m for m in messages), messages
    assert result.problems == tuple(sorted(result.problems))
    # Still answering from the old version.
    assert library.current.matcher.match("how do i brew tea").answer_id == "tea-brewing"
    tea = library.current.kb.entry("tea-brewing")
    assert tea is not None
    assert "three minutes" in tea.answer
    # check() sees the same problems and swaps nothing.
    assert [str(p) for p in library.check()] == messages
    assert library.current is before

    # Fixed: the next reload goes through and diffs against the last good version.
    (folder / "broken.yaml").unlink()
    edit(folder, "related: [tea-brewin]", "related: [tea-brewing]")
    fixed = library.reload()
    assert fixed.ok
    assert fixed.snapshot.version == before.version + 1
    assert fixed.diff == KnowledgeDiff(edited=("tea-brewing",))


def test_failed_reload_when_the_folder_empties(folder: Path) -> None:
    library = Library.open(folder)
    before = library.current
    (folder / "tiny.yaml").unlink()
    result = library.reload()
    assert not result.ok
    assert result.problems
    assert library.current is before


def test_readers_always_see_one_consistent_snapshot(folder: Path) -> None:
    library = Library.open(folder)
    stop = threading.Event()
    seen: list[bool] = []

    def read() -> None:
        while not stop.is_set():
            snap = library.current
            seen.append(snap.matcher.kb is snap.kb
                        and snap.matcher.match("how do i brew tea").verdict is Verdict.ANSWER)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for n in range(5):
            edit(folder, "minutes" if n == 0 else f"minutes{n - 1}", f"minutes{n}")
            assert library.reload().ok
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert seen
    assert all(seen)
    assert library.current.version == 6


def test_diff_knowledge_is_by_id(folder: Path) -> None:
    library = Library.open(folder)
    kb = library.current.kb
    assert diff_knowledge(kb, kb).empty
