"""`faqbot kb import` end to end: files, folders and a page served on 127.0.0.1 to a knowledge
file that `faqbot kb check` accepts; --update, --dry-run and bad input."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_doc_sources import server  # noqa: F401  (the fixture)

from bot import import_cli
from bot.cli import main

FAQ = Path(__file__).parent / "fixtures" / "import" / "python-faq" / "source"
TINY = Path(__file__).parent / "fixtures" / "tiny" / "kb" / "tiny.yaml"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`main` sets up logging to the (captured) stderr; leave the root logger as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def knowledge_folder_with_tiny(tmp_path: Path) -> Path:
    """A knowledge folder holding the tiny knowledge base as main.yaml, to import beside."""
    folder = tmp_path / "kb"
    folder.mkdir()
    shutil.copy(TINY, folder / "main.yaml")
    return folder


def test_import_the_python_faq_then_check_and_ask(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "knowledge" / "python-faq.yaml"
    out.parent.mkdir()
    sources = [str(p) for p in sorted(FAQ.glob("*.rst"))]
    code, said, err = run(capsys, "kb", "import", *sources, "--out", str(out),
                          "--url", "https://docs.python.org/3/faq/")
    assert (code, err) == (0, "")
    assert said.startswith(f"Wrote {out}: 144 entries made, 0 updated, 0 unchanged, 1 cut, "
                           "1 skipped.")
    assert ("  license.rst:296: “Licenses and Acknowledgements for Incorporated Software” only "
            "introduces the sections under it; not an entry") in said
    assert "programming.rst: heading level 3" in said
    assert run(capsys, "kb", "check", "--dir", str(out.parent))[0] == 0
    code, said, _ = run(capsys, "ask", "--dir", str(out.parent), "how do i copy a file")
    assert "Read more: https://docs.python.org/3/faq/library.html#how-do-i-copy-a-file" in said


def test_a_faq_of_bold_question_lines_is_imported_and_answers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "club.md"
    page.write_text("# Club FAQ\n\n**How do I join the club?**\nFill in the form on the "
                    "website.\n\n**When do you meet?**\nEvery Thursday from 7pm.\n",
                    encoding="utf-8")
    out = tmp_path / "knowledge" / "club.yaml"
    code, said, err = run(capsys, "kb", "import", str(page), "--out", str(out))
    assert (code, err) == (0, "")
    assert said.startswith(f"Wrote {out}: 2 entries made")
    assert "club.md: one entry a question (written as lines, not headings)" in said
    code, said, _ = run(capsys, "ask", "--dir", str(out.parent), "what day do you meet")
    assert code == 0 and "Every Thursday from 7pm." in said


def test_the_output_folder_of_a_new_community_is_made(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "knowledge" / "faq.yaml"
    code, _, err = run(capsys, "kb", "import", str(FAQ / "library.rst"), "--out", str(out))
    assert (code, err) == (0, "")
    assert run(capsys, "kb", "check", "--dir", str(out.parent))[0] == 0


def test_an_existing_file_needs_update_and_dry_run_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "faq.yaml"
    source = str(FAQ / "library.rst")
    code, said, _ = run(capsys, "kb", "import", source, "--out", str(out), "--dry-run")
    assert code == 0 and "Dry run: nothing written." in said
    assert not out.exists()
    assert run(capsys, "kb", "import", source, "--out", str(out))[0] == 0
    before = out.read_bytes()
    code, _, err = run(capsys, "kb", "import", source, "--out", str(out))
    assert code == 2 and "--update" in err
    assert out.read_bytes() == before


def test_update_keeps_what_curators_added(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "help.md").write_text("# Help\n\n## How do I start?\n\nRun it.\n\n"
                                  "## How do I stop?\n\nPress q.\n")
    out = tmp_path / "help.yaml"
    assert run(capsys, "kb", "import", str(docs), "--out", str(out))[0] == 0
    text = out.read_text().replace("  questions:\n  - How do I start?\n",
                                   "  questions:  # ours\n  - How do I start?\n"
                                   "  - how to begin\n")
    assert "# ours" in text
    out.write_text(text)
    (docs / "help.md").write_text("# Help\n\n## How do I start?\n\nRun it **now**.\n\n"
                                  "## Is it free?\n\nYes.\n")
    code, said, _ = run(capsys, "kb", "import", str(docs), "--out", str(out), "--update")
    assert code == 0
    assert said.startswith(f"Wrote {out}: 1 entries made, 1 updated, 0 unchanged")
    assert "Gone from the docs (kept; remove them if they should go):\n  how-do-i-stop" in said
    written = out.read_text()
    assert "# ours" in written
    start = yaml.safe_load(written)["entries"][0]
    assert start["questions"] == ["How do I start?", "how to begin"]
    assert start["answer"] == "Run it **now**."


def test_bad_input_is_listed_and_the_rest_imported(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.md").write_text("# Good\n\nText.\n")
    (tmp_path / "bad.md").write_bytes(b"# Bad\n\n\xff\xfe\n")
    (tmp_path / "script.html").write_text("<script>alert(1)</script><h1>S</h1><p>Safe.</p>")
    out = tmp_path / "kb" / "docs.yaml"
    out.parent.mkdir()
    code, said, err = run(capsys, "kb", "import", str(tmp_path / "good.md"),
                          str(tmp_path / "bad.md"), str(tmp_path / "script.html"),
                          str(tmp_path / "gone.md"), "--out", str(out))
    assert code == 0, err
    assert "  bad.md:3: not UTF-8 text; save it as UTF-8; skipped" in said
    assert f"  {tmp_path}/gone.md: no such file or folder" in said
    assert "Traceback" not in said + err
    data = yaml.safe_load(out.read_text())
    assert [e["title"] for e in data["entries"]] == ["Good", "S"]
    assert "alert" not in out.read_text()


def test_nothing_is_written_when_nothing_imports_or_the_folder_would_break(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.md").write_text("\n")
    out = tmp_path / "kb" / "docs.yaml"
    out.parent.mkdir()
    code, _, err = run(capsys, "kb", "import", str(tmp_path / "empty.md"), "--out", str(out))
    assert code == 1 and "nothing written" in err
    assert not out.exists()
    (tmp_path / "a.md").write_text("# How do I brew tea?\n\nText.\n")
    shutil.copy(TINY, out.parent / "main.yaml")
    # The importer avoids the other files' ids and questions; were it to miss one, the check
    # of the folder with the new file still stops the write.
    monkeypatch.setattr(import_cli, "questions_asked", lambda folder: set())
    code, _, err = run(capsys, "kb", "import", str(tmp_path / "a.md"), "--out", str(out))
    assert code == 1 and "would not pass `faqbot kb check`" in err
    assert "question 'How do I brew tea?' is also a question of 'tea-brewing'" in err
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_a_question_the_folder_asks_already_is_not_asked_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = knowledge_folder_with_tiny(tmp_path)
    (tmp_path / "a.md").write_text("# How do I brew tea?\n\nText.\n\n# Why green?\n\nX.\n")
    code, said, err = run(capsys, "kb", "import", str(tmp_path / "a.md"), "--out",
                          str(folder / "docs.yaml"))
    assert code == 0, err
    assert "note: a.md:1: “How do I brew tea?” asks the question of a knowledge file beside " \
           "this one; it is not made a question twice" in said
    asked = {e["title"]: e.get("questions")
             for e in yaml.safe_load((folder / "docs.yaml").read_text())["entries"]}
    assert asked == {"How do I brew tea?": None, "Why green?": ["Why green?"]}


def test_an_update_does_not_take_the_targets_own_questions_for_another_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (tmp_path / "a.md").write_text("# How do I brew tea?\n\nText.\n")
    target = str(folder / "docs.yaml")
    assert run(capsys, "kb", "import", str(tmp_path / "a.md"), "--out", target)[0] == 0
    (tmp_path / "a.md").write_text("# How do I brew tea?\n\nNew text.\n")
    code, said, err = run(capsys, "kb", "import", str(tmp_path / "a.md"), "--out", target,
                          "--update")
    assert code == 0, err
    assert "asks the question of" not in said
    entry = yaml.safe_load((folder / "docs.yaml").read_text())["entries"][0]
    assert (entry["questions"], entry["answer"]) == (["How do I brew tea?"], "New text.")


def test_new_ids_avoid_the_ids_of_the_folders_other_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A heading that slugs to an id another knowledge file has ("Flat tyre" beside the tiny
    # knowledge base's flat-tyre) gets '-2', as a clash inside the import does.
    folder = knowledge_folder_with_tiny(tmp_path)
    (tmp_path / "a.md").write_text("# Flat tyre\n\nPump it up.\n")
    (tmp_path / "b.md").write_text("# Coffee grinding\n\nFinely.\n")
    code, _, err = run(capsys, "kb", "import", str(tmp_path / "a.md"), "--out",
                       str(folder / "docs.yaml"))
    assert code == 0, err
    assert [e["id"] for e in yaml.safe_load((folder / "docs.yaml").read_text())["entries"]] \
        == ["flat-tyre-2"]
    code, _, err = run(capsys, "kb", "import", str(tmp_path / "a.md"), str(tmp_path / "b.md"),
                       "--out", str(folder / "docs.yaml"), "--update")
    assert code == 0, err
    assert [e["id"] for e in yaml.safe_load((folder / "docs.yaml").read_text())["entries"]] \
        == ["flat-tyre-2", "coffee-grinding-2"]


def test_import_a_page_by_url(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              server: str) -> None:  # noqa: F811
    out = tmp_path / "web.yaml"
    code, said, err = run(capsys, "kb", "import", f"{server}/moved", f"{server}/missing",
                          "--out", str(out))
    assert code == 0, err
    assert f"{server}/missing: the server answered 404 Not Found; skipped" in said
    (entry,) = yaml.safe_load(out.read_text())["entries"]
    assert entry["title"] == "Help"
    assert entry["source"]["url"] == f"{server}/page.html"


@pytest.fixture
def split_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where to import to, in an empty folder, with parts of 6,000 bytes (one FAQ: several)."""
    from bot import import_work

    monkeypatch.setattr(import_work, "PART_BYTES", 6_000)
    out = tmp_path / "kb" / "faq.yaml"
    out.parent.mkdir()
    return out


def test_a_large_import_is_split_into_files_and_updated_across_them(
        split_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = split_out
    source = str(FAQ / "library.rst")
    code, said, err = run(capsys, "kb", "import", source, "--out", str(out))
    assert code == 0, err
    parts = sorted(out.parent.iterdir())
    assert len(parts) > 2
    assert {p.name for p in parts} == {"faq.yaml",
                                       *(f"faq-{n}.yaml" for n in range(2, len(parts) + 1))}
    assert all(len(p.read_bytes()) <= 6_000 or p.read_text().count("- id:") == 1
               for p in parts)
    assert f"(in {len(parts)} files: a knowledge file holds at most 1,024 KiB)" in said
    assert run(capsys, "kb", "check", "--dir", str(out.parent))[0] == 0
    first = out.read_text()
    # Curate an entry in the first part, then re-import: it stays where it is, as curated.
    curated = first.replace("  questions:\n", "  questions:\n  - our own phrasing\n", 1)
    out.write_text(curated)
    code, said, err = run(capsys, "kb", "import", source, "--out", str(out), "--update")
    assert code == 0, err
    assert "0 entries made, 0 updated" in said
    assert out.read_text() == curated
    assert len(sorted(out.parent.iterdir())) == len(parts)
    code, _, err = run(capsys, "kb", "import", source, "--out", str(out))
    assert code == 2 and "--update" in err


def test_an_import_that_cannot_write_a_part_writes_none_and_says_so(
        split_out: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = split_out
    real_write = import_cli.atomic_write
    calls: list[Path] = []

    def full_disk_at_the_third(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(import_cli, "atomic_write", full_disk_at_the_third)
    code, said, err = run(capsys, "kb", "import", str(FAQ / "library.rst"), "--out", str(out))
    assert code == 1 and "Wrote" not in said
    assert err.splitlines() == [f"faqbot: cannot write {calls[2]}: No space left on device",
                                "faqbot: nothing written."]
    assert list(out.parent.iterdir()) == []  # the two parts written first are gone again


def test_usage_mistakes_get_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(FAQ / "library.rst")
    code, _, err = run(capsys, "kb", "import", source, "--out", str(tmp_path / "faq.txt"))
    assert code == 2 and err == f"faqbot: --out must name a .yaml file (not hidden): " \
                                f"{tmp_path / 'faq.txt'}\n"
    code, _, err = run(capsys, "kb", "import", source, "--out", str(tmp_path / "f.yaml"),
                       "--url", "javascript:alert(1)")
    assert code == 2 and "--url must be an http:// or https:// address" in err
    for base in ("https://", "https://x.org/my docs/", "http:///path"):
        code, _, err = run(capsys, "kb", "import", source, "--out", str(tmp_path / "f.yaml"),
                           "--url", base)
        assert code == 2 and err == (f"faqbot: --url must be an http:// or https:// address, "
                                     f"not {base!r}\n"), err
    with pytest.raises(SystemExit):
        main(["kb", "import", source, "--out", str(tmp_path / "f.yaml"), "--level", "9"])
    assert "the level is a heading level from 1 to 6" in capsys.readouterr().err


def test_level_forces_where_sections_are_cut(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "faq.yaml"
    code, said, _ = run(capsys, "kb", "import", str(FAQ / "library.rst"), "--out", str(out),
                        "--level", "2")
    assert code == 0
    assert "library.rst: heading level 2" in said
    titles = [e["title"] for e in yaml.safe_load(out.read_text())["entries"]]
    assert "General Library Questions" in titles
    assert "How do I make a Python script executable on Unix?" not in titles


def test_other_files_own_problems_do_not_block_and_deep_nesting_is_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "broken.yaml").write_text("entries: [\n")
    (tmp_path / "deep.html").write_text("<h1>T</h1>" + "<div>" * 20000 + "x")
    (tmp_path / "ok.md").write_text("# Fine\n\nText.\n")
    code, said, err = run(capsys, "kb", "import", str(tmp_path / "deep.html"),
                          str(tmp_path / "ok.md"), "--out", str(folder / "docs.yaml"))
    assert code == 0, err
    assert "  deep.html: nested too deeply to read; skipped" in said
    assert [e["title"] for e in yaml.safe_load((folder / "docs.yaml").read_text())["entries"]] \
        == ["Fine"]


def test_an_unexpected_failure_is_one_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import import_cli

    def broken(*_: object, **__: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(import_cli, "import_pages", broken)
    out = tmp_path / "faq.yaml"
    code, said, err = run(capsys, "kb", "import", str(FAQ / "library.rst"), "--out", str(out))
    assert code == 1
    assert err == ("faqbot: the import failed unexpectedly (ValueError: a bug); nothing "
                   "written. LOG_LEVEL=DEBUG shows the details.\n")
    assert "Traceback" not in said + err
    assert not out.exists()
