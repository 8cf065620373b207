"""`faqbot doctor`'s local checks: settings, knowledge base, data folder, token presence."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from faqbot_harness import TINY, make_settings

from bot.cli import main
from bot.doctor import BAD_MARK, OK_MARK, run_doctor

SETTINGS_NAMES = ("DISCORD_TOKEN", "DEV_GUILD_ID", "KNOWLEDGE_DIR", "DATABASE_PATH",
                  "LOG_LEVEL", "HEALTH_PORT", "RETENTION_DAYS", "SEMANTIC", "SEMANTIC_MODEL",
                  "SEMANTIC_MODEL_PATH", "SEMANTIC_MODEL_URL")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)  # no .env but the test's own
    for name in SETTINGS_NAMES:
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:] = handlers  # main() configures logging each time
    root.setLevel(level)


def test_doctor_without_a_token_checks_what_it_can(folder: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (folder / ".env").write_text(f"DATABASE_PATH={folder / 'data' / 'faq.sqlite3'}\n"
                                 f"KNOWLEDGE_DIR={TINY}\n", encoding="utf-8")
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{OK_MARK} settings parsed")
    assert lines[1].startswith(f"{OK_MARK} knowledge base valid: ")
    assert lines[2] == f"{OK_MARK} data folder {folder / 'data'} is writable"
    assert lines[3] == (f"{OK_MARK} question log {folder / 'data' / 'faq.sqlite3'}: new, made "
                        "at the first question")
    assert lines[4] == f"{OK_MARK} semantic layer off (SEMANTIC=1 turns it on)"
    assert lines[5] == f"{BAD_MARK} DISCORD_TOKEN is not set: Discord was not checked"
    assert lines[6].startswith("    fix: put DISCORD_TOKEN=... in .env")
    assert lines[-1] == "1 problem found."


def test_doctor_reports_a_bad_setting_as_a_check(folder: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (folder / ".env").write_text("HEALTH_PORT=99999\n", encoding="utf-8")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{BAD_MARK} settings: HEALTH_PORT must be a port from 1 to 65535")
    assert "fix: correct it in .env" in out


def test_doctor_names_a_broken_knowledge_base_and_an_unwritable_data_folder(
        tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(TINY, knowledge)
    (knowledge / "broken.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    settings = make_settings(tmp_path, knowledge_dir=knowledge,
                             database_path=blocker / "faq.sqlite3")
    checks = [str(check) for check in run_doctor(settings)]
    assert checks[1].startswith(f"{BAD_MARK} knowledge base in {knowledge}: ")
    assert "broken.yaml:" in checks[1]
    assert f"fix: run `faqbot kb check --dir {knowledge}`" in checks[1]
    assert checks[2].startswith(f"{BAD_MARK} data folder {blocker} is not writable")
    assert "fix: create it and give the bot's user write access" in checks[2]


def test_doctor_checks_the_semantic_layer_when_it_is_on(folder: Path, model_folder: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    base = (f"DATABASE_PATH={folder / 'data' / 'faq.sqlite3'}\nKNOWLEDGE_DIR={TINY}\n"
            "SEMANTIC=1\n")
    (folder / ".env").write_text(base + f"SEMANTIC_MODEL_PATH={folder / 'nowhere'}\n",
                                 encoding="utf-8")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"{BAD_MARK} semantic layer on, but its model cannot be had: " in out
    assert "does not exist" in out
    assert f"fix: put a whole model.onnx and tokenizer.json in {folder / 'nowhere'}" in out
    (folder / ".env").write_text(base + f"SEMANTIC_MODEL_PATH={model_folder}\n",
                                 encoding="utf-8")
    main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[4].startswith(f"{OK_MARK} semantic layer on: its model loads (")


def test_doctor_reads_the_question_log_and_changes_nothing(tmp_path: Path) -> None:
    log = tmp_path / "faq.sqlite3"
    settings = make_settings(tmp_path, knowledge_dir=TINY, database_path=log)
    log.write_bytes(b"not a database" * 400)
    [check] = [c for c in run_doctor(settings) if "question log" in c.text]
    assert str(check).startswith(f"{BAD_MARK} question log {log} cannot be read (file is not "
                                 "a database)")
    assert "fix: move the file aside (the bot starts a new log)" in str(check)
    assert log.read_bytes() == b"not a database" * 400
    log.unlink()
    with sqlite3.connect(log) as conn:
        conn.execute("CREATE TABLE questions (id INTEGER)")
        conn.executemany("INSERT INTO questions VALUES (?)", [(1,), (2,)])
    conn.close()
    [check] = [c for c in run_doctor(settings) if "question log" in c.text]
    assert str(check) == f"{OK_MARK} question log {log} reads (2 questions)"
