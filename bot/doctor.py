"""`faqbot doctor`: a checklist a self-hoster runs first, each line ✓ or ✗ with the fix."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.problems import problem_count
from bot.settings import Settings

OK_MARK, BAD_MARK = "✓", "✗"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the checklist: passed or not, what was found, and the fix when not."""

    ok: bool
    text: str
    fix: str = ""

    def __str__(self) -> str:
        line = f"{OK_MARK if self.ok else BAD_MARK} {self.text}"
        return line if self.ok or not self.fix else f"{line}\n    fix: {self.fix}"


def settings_check(settings: Settings) -> Check:
    health = (f"; health on {settings.health_host}:{settings.health_port}"
              if settings.health_port else "")
    return Check(True, f"settings parsed (log level {settings.log_level}{health})")


def knowledge_check(folder: Path) -> Check:
    kb, problems = load_knowledge(folder)
    if kb is None:
        first = str(problems[0]) if problems else "no knowledge files"
        return Check(False, f"knowledge base in {folder}: {problem_count(len(problems))}, the "
                            f"first: {first}",
                     f"run `faqbot kb check --dir {folder}` for every problem and fix the files")
    rows = len(kb.table.rows) if kb.table else 0
    return Check(True, f"knowledge base valid: {len(kb.entries)} entries and {rows} table rows "
                       f"in {folder}")


def data_folder_check(database: Path) -> Check:
    folder = database.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".faqbot-doctor-"):
            pass
        if database.exists() and not os.access(database, os.W_OK):
            raise PermissionError(f"{database} is read-only")
    except OSError as exc:
        return Check(False, f"data folder {folder} is not writable ({exc.strerror or exc})",
                     "create it and give the bot's user write access to it, or point "
                     "DATABASE_PATH elsewhere; the bot answers without a question log meanwhile")
    return Check(True, f"data folder {folder} is writable")


def question_log_check(database: Path) -> Check:
    """Whether the question log reads (opened read-only: the doctor changes nothing)."""
    if not database.exists():
        return Check(True, f"question log {database}: new, made at the first question")
    fix = ("move the file aside (the bot starts a new log) or restore it from a backup; the bot "
           "answers without recording meanwhile")
    try:
        uri = f"{database.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=2)) as conn:
            (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
            (count,) = conn.execute("SELECT count(*) FROM questions").fetchone()
    except sqlite3.Error as exc:
        return Check(False, f"question log {database} cannot be read ({exc})", fix)
    if verdict != "ok":
        return Check(False, f"question log {database} is damaged ({verdict})", fix)
    return Check(True, f"question log {database} reads ({count:,} questions)")


def semantic_check(settings: Settings) -> Check:
    """Whether the semantic layer is off, or on with a model that loads (downloading it, with
    its progress bar, on first use)."""
    if not settings.semantic:
        return Check(True, "semantic layer off (SEMANTIC=1 turns it on)")
    from bot.semantic.model import reason
    from bot.semantic.setup import semantic_build

    try:
        build = semantic_build(settings, sys.stdout)
    except Exception as exc:
        if isinstance(exc, ImportError):
            fix = "install the extra (pip install 'faqbot[semantic]', or make run SEMANTIC=1)"
        elif settings.semantic_model_path is not None:  # the admin's own folder is at fault
            fix = (f"put a whole model.onnx and tokenizer.json in {settings.semantic_model_path}"
                   ", or unset SEMANTIC_MODEL_PATH to download the model")
        else:
            fix = ("let the machine reach the model's address (SEMANTIC_MODEL_URL), or on a "
                   "machine without internet set SEMANTIC_MODEL_PATH to a folder with "
                   "model.onnx and tokenizer.json")
        return Check(False, f"semantic layer on, but its model cannot be had: {reason(exc)}",
                     f"{fix}; the bot answers lexically meanwhile")
    return Check(True, f"semantic layer on: its model loads ({build.encoder.key})")


def run_doctor(settings: Settings) -> list[Check]:
    """Every check, local ones first; Discord's only when a token is set."""
    checks = [settings_check(settings), knowledge_check(settings.knowledge_dir),
              data_folder_check(settings.database_path),
              question_log_check(settings.database_path), semantic_check(settings)]
    if not settings.discord_token:
        checks.append(Check(False, "DISCORD_TOKEN is not set: Discord was not checked",
                            "put DISCORD_TOKEN=... in .env (see .env.example); `faqbot chat` "
                            "works without it"))
        return checks
    from bot.discord_app.doctor import discord_checks

    checks.extend(asyncio.run(discord_checks(settings)))
    return checks
