"""Appending a question to a knowledge file: only the new line changes, or nothing does."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from knowledge_edit_cases import FAQ, SPECIAL, changed_lines

from bot.core.knowledge.load import load_knowledge
from bot.knowledge_edit import append_question, find_item_file


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "faq.yaml").write_text(FAQ, encoding="utf-8")
    return tmp_path


def real_validate(folder: Path) -> list[str]:
    _, problems = load_knowledge(folder)
    return [str(problem) for problem in problems]


def questions_of(folder: Path, item_id: str) -> tuple[str, ...]:
    kb, problems = load_knowledge(folder)
    assert kb is not None, problems
    item = kb.find(item_id)
    assert item is not None
    return item.questions


def test_block_list_gains_exactly_one_line_and_keeps_comments(folder: Path) -> None:
    path = folder / "faq.yaml"
    result = append_question(path, "join", "where is the invite link?",
                             validate=lambda: real_validate(folder))
    assert result.ok, result
    after = path.read_text(encoding="utf-8")
    assert changed_lines(FAQ, after) == ([], ["      - where is the invite link?"])
    assert after.index("where is the invite link?") < after.index("# keywords help")
    for comment in ("# Community FAQ", "# where answers come from", "# the most asked",
                    "# keywords help the matcher", "# no questions yet", "# flow style"):
        assert comment in after
    assert questions_of(folder, "join") == ("how do I join?", "can I join",
                                            "where is the invite link?")
    assert "+      - where is the invite link?" in result.diff



def test_flow_list_changes_only_its_own_line(folder: Path) -> None:
    path = folder / "faq.yaml"
    result = append_question(path, "rules", "is swearing ok?",
                             validate=lambda: real_validate(folder))
    assert result.ok, result
    removed, added = changed_lines(FAQ, path.read_text(encoding="utf-8"))
    assert removed == ["""    questions: ['what are the rules', "rules?"]  # flow style"""]
    assert len(added) == 1
    assert added[0].startswith("    questions: ['what are the rules', \"rules?\", ")
    assert added[0].endswith("# flow style")
    assert questions_of(folder, "rules")[-1] == "is swearing ok?"


def test_entry_without_questions_gets_the_list(folder: Path) -> None:
    path = folder / "faq.yaml"
    result = append_question(path, "events", "when are the events",
                             validate=lambda: real_validate(folder))
    assert result.ok, result
    after = path.read_text(encoding="utf-8")
    assert changed_lines(FAQ, after) == ([], ["    questions:", "      - when are the events"])
    assert after.index("questions:\n      - when are the events") < after.index("Every Friday")
    assert questions_of(folder, "events") == ("when are the events",)


@pytest.mark.parametrize(("item_id", "added"), [
    ("price", ["        - is it free"]),
    ("storage", ["      questions:", "        - is it free"]),
    ("compare", ["  questions:", "    - is it free"]),
])
def test_table_rows_and_the_table_itself(folder: Path, item_id: str, added: list[str]) -> None:
    path = folder / "faq.yaml"
    result = append_question(path, item_id, "is it free", validate=lambda: real_validate(folder))
    assert result.ok, result
    assert changed_lines(FAQ, path.read_text(encoding="utf-8")) == ([], added)
    assert questions_of(folder, item_id)[-1] == "is it free"


@pytest.mark.parametrize("question", SPECIAL)
@pytest.mark.parametrize("item_id", ["join", "rules", "events"])
def test_yaml_special_characters_round_trip(folder: Path, item_id: str, question: str) -> None:
    path = folder / "faq.yaml"
    result = append_question(path, item_id, question, validate=lambda: real_validate(folder))
    assert result.ok, result
    assert questions_of(folder, item_id)[-1] == question
    removed, added = changed_lines(FAQ, path.read_text(encoding="utf-8"))
    assert len(removed) <= 1 and len(added) <= 2
    assert "# the most asked" in path.read_text(encoding="utf-8")


def test_failed_validation_leaves_the_file_byte_for_byte(folder: Path) -> None:
    path = folder / "faq.yaml"
    before = path.read_bytes()
    seen: list[bytes] = []

    def validate() -> list[str]:
        seen.append(path.read_bytes())
        return ["faq.yaml:1:1: something is wrong"]

    result = append_question(path, "join", "a new question", validate=validate)
    assert not result.ok
    assert result.problems == ("faq.yaml:1:1: something is wrong",)
    assert b"a new question" in seen[0]  # the validator saw the edited file
    assert path.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["faq.yaml"]  # no temporary file left


def test_a_real_validation_failure_elsewhere_restores_the_file(folder: Path) -> None:
    # Another file of the folder reuses the id 'join': the folder cannot validate.
    (folder / "more.yaml").write_text("entries:\n  - id: join\n    title: T\n    answer: A\n",
                                      encoding="utf-8")
    path = folder / "faq.yaml"
    before = path.read_bytes()
    mode = path.stat().st_mode
    result = append_question(path, "join", "a new question",
                             validate=lambda: real_validate(folder))
    assert not result.ok
    assert any("duplicate id 'join'" in problem for problem in result.problems)
    assert path.read_bytes() == before
    assert path.stat().st_mode == mode


def test_a_validator_that_raises_restores_the_file(folder: Path) -> None:
    path = folder / "faq.yaml"
    before = path.read_bytes()

    def validate() -> list[str]:
        raise RuntimeError("reload crashed")

    result = append_question(path, "join", "a new question", validate=validate)
    assert not result.ok
    assert "reload crashed" in result.problems[0]
    assert path.read_bytes() == before


@pytest.mark.parametrize(("item_id", "question", "reason"), [
    ("nope", "a question", "no entry or table row with id 'nope'"),
    ("join", "HOW DO I   JOIN?", "already a question of 'join'"),
    ("rules", "can i join", "already a question of 'join'"),
    ("join", "   ", "empty"),
    ("join", "x" * 301, "at most 300"),
])
def test_refusals_touch_nothing(folder: Path, item_id: str, question: str, reason: str) -> None:
    path = folder / "faq.yaml"
    before = path.read_bytes()
    stat = path.stat()
    called: list[bool] = []
    result = append_question(path, item_id, question,
                             validate=lambda: called.append(True) or [])
    assert not result.ok
    assert reason in result.message
    assert not called
    assert path.read_bytes() == before
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_a_file_that_does_not_parse_is_refused(folder: Path) -> None:
    path = folder / "broken.yaml"
    path.write_text("entries:\n  - id: x\n    title: [unclosed\n", encoding="utf-8")
    result = append_question(path, "x", "q", validate=list)
    assert not result.ok
    assert "does not parse" in result.message




def test_concurrent_appends_keep_both(folder: Path) -> None:
    path = folder / "faq.yaml"
    results = []

    def add(question: str) -> None:
        results.append(append_question(path, "join", question,
                                       validate=lambda: real_validate(folder)))

    threads = [threading.Thread(target=add, args=(f"parallel question {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result.ok for result in results), results
    assert {f"parallel question {i}" for i in range(4)} <= set(questions_of(folder, "join"))


def test_find_item_file(folder: Path) -> None:
    (folder / "other.yml").write_text("entries:\n  - id: other\n    title: O\n    answer: A\n",
                                      encoding="utf-8")
    (folder / ".hidden.yaml").write_text("entries:\n  - id: hidden\n", encoding="utf-8")
    assert find_item_file(folder, "join") == folder / "faq.yaml"
    assert find_item_file(folder, "storage") == folder / "faq.yaml"
    assert find_item_file(folder, "compare") == folder / "faq.yaml"
    assert find_item_file(folder, "other") == folder / "other.yml"
    assert find_item_file(folder, "hidden") is None
    assert find_item_file(folder, "missing") is None
    assert find_item_file(folder / "nowhere", "join") is None


def test_a_symlinked_file_is_edited_where_it_lives(folder: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    real = checkout / "faq.yaml"
    (folder / "faq.yaml").rename(real)
    link = folder / "faq.yaml"
    link.symlink_to(real)
    result = append_question(link, "join", "a new question",
                             validate=lambda: real_validate(folder))
    assert result.ok and result.path == link
    assert link.is_symlink() and "a new question" in real.read_text(encoding="utf-8")
    assert "a new question" in questions_of(folder, "join")


def test_a_read_only_file_is_refused(folder: Path) -> None:
    path = folder / "faq.yaml"
    before = path.read_bytes()
    path.chmod(0o444)
    result = append_question(path, "join", "a new question",
                             validate=lambda: real_validate(folder))
    assert (result.ok, result.message) == (False, "faq.yaml is read-only; left unchanged")
    assert path.read_bytes() == before


def test_a_restore_that_fails_says_what_the_file_still_holds(folder: Path) -> None:
    path = folder / "faq.yaml"

    def validate() -> list[str]:
        path.unlink()
        path.mkdir()  # nothing can be put back where a folder now stands
        return ["faq.yaml:1:1: something is wrong"]

    result = append_question(path, "join", "a new question", validate=validate)
    assert not result.ok
    assert result.message.startswith("faq.yaml would not validate with the new question, and "
                                     "putting it back failed (")
    assert result.message.endswith("the file still holds \"a new question\" under 'join'; "
                                   "remove it by hand before the next reload")
