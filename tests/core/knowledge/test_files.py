"""Reading a knowledge folder: which files count, links, sizes, FIFOs, unreadable files, memory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.core.knowledge import files
from bot.core.knowledge.files import MAX_FILE_BYTES, load_folder
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.problems import Problem
from bot.core.memo import BuildMemory

ENTRY = "entries:\n  - id: {id}\n    title: T\n    answer: A\n"


def test_folder_reads_yaml_and_yml_and_skips_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ENTRY.format(id="a"))
    (tmp_path / "b.yml").write_text(ENTRY.format(id="b"))
    (tmp_path / "C.YAML").write_text(ENTRY.format(id="c"))
    (tmp_path / "notes.md").write_text("# not knowledge\n")
    (tmp_path / "a.yaml~").write_text("backup: {\n")
    (tmp_path / ".#a.yaml").symlink_to("user@host.1234:1700000000")  # Emacs lock file
    (tmp_path / ".a.yaml.swp").write_bytes(b"\x00\xff")
    (tmp_path / ".hidden.yaml").write_text("broken: [\n")
    result = load_folder(tmp_path)
    assert result.problems == []
    assert [Path(f.path).name for f in result.files] == ["C.YAML", "a.yaml", "b.yml"]


def test_no_such_folder(tmp_path: Path) -> None:
    result = load_folder(tmp_path / "missing")
    assert [str(p) for p in result.problems] == [f"{tmp_path / 'missing'}:1:1: no such folder"]


def test_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("a: 1\n")
    result = load_folder(tmp_path / "f.yaml")
    assert [p.message for p in result.problems] == ["not a folder"]


def test_folder_without_knowledge_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi\n")
    result = load_folder(tmp_path)
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}:1:1: no knowledge files (*.yaml or *.yml) in this folder"
    ]


def test_folder_named_like_a_file(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(ENTRY.format(id="a"))
    (tmp_path / "sub.yaml").mkdir()
    result = load_folder(tmp_path)
    assert [(Path(p.path).name, p.line, p.message) for p in result.problems] == [
        ("sub.yaml", 1, "is a folder, not a knowledge file; knowledge files are not searched "
                        "for in sub-folders"),
    ]
    assert len(result.files) == 1


def test_symbolic_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(ENTRY.format(id="x"))
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "real.yaml").write_text(ENTRY.format(id="a"))
    (folder / "inside.yaml").symlink_to(folder / "real.yaml")
    (folder / "escape.yaml").symlink_to(outside)
    (folder / "dangling.yaml").symlink_to(folder / "gone.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    result = load_folder(folder)
    messages = {Path(p.path).name: p.message for p in result.problems}
    assert messages == {
        "escape.yaml": f"symbolic link points outside the knowledge folder, to {outside}; "
                       "copy the file in instead",
        "dangling.yaml": "symbolic link to a file that does not exist",
        "loop.yaml": "symbolic link that cannot be followed (a loop?)",
        # read twice, every id in it would be a duplicate
        "inside.yaml": "symbolic link to real.yaml, which is read already; remove the link",
    }
    assert sorted(Path(f.path).name for f in result.files) == ["real.yaml"]


def test_two_links_to_one_file_and_a_link_listed_before_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "faq.yaml").write_text(ENTRY.format(id="a"))
    (folder / "b.yaml").symlink_to(folder / "sub" / "faq.yaml")
    (folder / "c.yaml").symlink_to(folder / "sub" / "faq.yaml")
    (folder / "a.yaml").symlink_to(folder / "z.yaml")
    (folder / "z.yaml").write_text(ENTRY.format(id="z"))
    result = load_folder(folder)
    assert [(Path(p.path).name, p.message) for p in result.problems] == [
        ("a.yaml", "symbolic link to z.yaml, which is read already; remove the link"),
        ("c.yaml", "symbolic link to b.yaml, which is read already; remove the link"),
    ]
    assert [Path(f.path).name for f in result.files] == ["b.yaml", "z.yaml"]


def test_odd_file_names_are_shown_on_one_line(tmp_path: Path) -> None:
    # A line break or a terminal escape in a file's name must not split or colour a problem.
    (tmp_path / "a\nb.yaml").write_text(ENTRY.format(id="a") + "    titel: x\n")
    (tmp_path / "c\x1b[31m.yaml").write_text(ENTRY.format(id="a"))
    kb, problems = load_knowledge(tmp_path)
    assert kb is None
    shown = [str(problem).removeprefix(f"{tmp_path}/") for problem in problems]
    assert [line.split(":")[0] for line in shown] == ["a\\nb.yaml", "c\\x1b[31m.yaml"]
    assert "(first defined at " + str(tmp_path) + "/a\\nb.yaml:2:9)" in shown[1]
    assert all(line.isprintable() for line in shown)


def test_a_line_break_in_a_quoted_key_or_question_stays_on_the_problems_line(
        tmp_path: Path) -> None:
    (tmp_path / "kb.yaml").write_text(ENTRY.format(id="a") + '    "ti\\ntel": x\n'
                                      '    questions: ["a\\nb", "A B"]\n')
    kb, problems = load_knowledge(tmp_path)
    assert kb is None
    assert [str(p).removeprefix(f"{tmp_path}/") for p in problems] == [
        "kb.yaml:5:5: unknown field 'ti\\ntel' in an entry; did you mean 'title'?",
        "kb.yaml:6:25: question 'A B' is listed twice in 'a'"]


def test_a_file_that_vanishes_between_listing_and_reading(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(ENTRY.format(id="a"))
    (tmp_path / "b.yaml").write_text(ENTRY.format(id="b"))
    read = files._load_file

    def vanishing(path: Path, *args: object) -> object:
        if path.name == "b.yaml":
            path.unlink()  # an editor or a sync tool removing it just after the listing
        return read(path, *args)

    monkeypatch.setattr(files, "_load_file", vanishing)
    kb, problems = load_knowledge(tmp_path)
    assert kb is None
    assert [str(p) for p in problems] == [
        f"{tmp_path}/b.yaml:1:1: cannot read file: No such file or directory"]


def test_huge_file_is_refused_before_reading(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    def no_open(*args: object, **kwargs: object) -> int:
        raise AssertionError("the huge file was opened")

    monkeypatch.setattr(files.os, "open", no_open)
    started = time.perf_counter()
    result = load_folder(tmp_path)
    assert time.perf_counter() - started < 1.0
    assert [str(p) for p in result.problems] == [
        f"{path}:1:1: file is 52,428,800 bytes; a knowledge file may be at most 1,048,576 bytes "
        "(1 MiB); refused without reading it"
    ]


def test_file_just_at_the_limit_is_read(tmp_path: Path) -> None:
    text = "a: " + "x" * (MAX_FILE_BYTES - 5) + "\n"
    assert len(text) == MAX_FILE_BYTES - 1
    (tmp_path / "big.yaml").write_text(text)
    result = load_folder(tmp_path)
    assert result.problems == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result = load_folder(tmp_path)
    assert [p.message for p in result.problems] == ["not a regular file"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    result = load_folder(tmp_path)
    assert [p.message for p in result.problems] == ["cannot read file: Permission denied"]


def test_a_reload_reparses_only_files_whose_bytes_changed(tmp_path: Path) -> None:
    kb = tmp_path / "kb.yaml"
    kb.write_text("entries:\n  - id: a\n    title: A\n    answer: x\n", encoding="utf-8")
    memory = BuildMemory()
    first = load_folder(tmp_path, memory)
    again = load_folder(tmp_path, memory)
    assert again.files[0] is first.files[0]  # the same bytes: the same tree
    assert load_folder(tmp_path).files[0] is not first.files[0]  # no memory: parsed anew
    kb.write_text("entries:\n  - id: a\n    title: A\n    answer: x\n  bad: [\n",
                  encoding="utf-8")
    changed = load_folder(tmp_path, memory)
    assert changed.problems and changed.files[0] is not first.files[0]
    kb.write_text("entries:\n  - id: a\n    title: A\n    answer: x\n", encoding="utf-8")
    back = load_folder(tmp_path, memory)
    assert back.files[0] is first.files[0] and not back.problems
    back.problems.append(Problem("x", 1, 1, "a caller's list is its own"))
    assert not load_folder(tmp_path, memory).problems
