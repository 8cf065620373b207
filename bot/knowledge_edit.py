"""Add a question to an entry's `questions` in its knowledge file, changing nothing else.

The new text comes from `yaml_edit` (which keeps every comment and layout choice). The file is
replaced atomically (`atomic_file`); then the caller's `validate()` loads and checks the whole
folder. If it reports problems, or anything fails, the original bytes are put back, atomically.

This is blocking file work: call it from a thread (`asyncio.to_thread`) in the bot.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.atomic_file import atomic_write, locked
from bot.core.knowledge.files import is_knowledge_name
from bot.yaml_edit import EditError, add_question_to_text, find_plain, refuse_unsafe

logger = logging.getLogger(__name__)

MAX_QUESTION = 300  # the schema's limit on a phrase


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What became of an append: `ok`, a sentence for the admin, and the details."""

    ok: bool
    message: str
    path: Path
    item_id: str
    question: str
    problems: tuple[str, ...] = ()
    diff: str = ""



# -- public API -------------------------------------------------------------------------------


def find_item_file(folder: Path, item_id: str) -> Path | None:
    """The knowledge file of `folder` that defines the entry, table or table row `item_id`."""
    if not folder.is_dir():
        return None
    for path in sorted(p for p in folder.iterdir() if is_knowledge_name(p.name)):
        try:
            raw = path.read_bytes()
            refuse_unsafe(raw)
            data = yaml.safe_load(raw.decode("utf-8"))
        except (OSError, UnicodeError, yaml.YAMLError, EditError):
            logger.debug("skipping unreadable knowledge file %s", path, exc_info=True)
            continue
        if find_plain(data, item_id) is not None:
            return path
    return None


def append_question(path: Path, item_id: str, question: str, *,
                    validate: Callable[[], list[str]]) -> AppendResult:
    """Append `question` to the `questions` of `item_id` in `path`, then `validate()`.

    `validate` loads, checks and (on success) reloads the knowledge folder, returning the
    problems found; empty means success. On any failure the file is left byte-for-byte as it
    was and the result says why.
    """
    text = " ".join(question.split())
    refused = _check_question(text)
    if refused:
        return AppendResult(False, refused, path, item_id, text)
    # A symlinked file is edited where it lives, and stays a link.
    target = path.resolve()
    try:
        if not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK):
            return AppendResult(False, f"{path.name} is read-only; left unchanged", path,
                                item_id, text)
        with locked(target):
            return _append_locked(target, item_id, text, validate, shown=path)
    except OSError as exc:
        logger.warning("could not edit %s: %s", path, exc)
        return AppendResult(False, f"cannot edit {path.name}: {exc.strerror or exc}", path,
                            item_id, text)


# -- the steps ----------------------------------------------------------------------------------


def _append_locked(path: Path, item_id: str, question: str,
                   validate: Callable[[], list[str]], *, shown: Path) -> AppendResult:
    """The append on the file `path` (`shown`: the name the admin knows it by)."""
    original = path.read_bytes()
    try:
        new = add_question_to_text(original, item_id, question)
    except EditError as exc:
        return AppendResult(False, str(exc), shown, item_id, question)
    diff = "".join(difflib.unified_diff(
        original.decode("utf-8").splitlines(keepends=True),
        new.decode("utf-8").splitlines(keepends=True),
        fromfile=shown.name, tofile=shown.name,
    ))
    atomic_write(path, new)
    try:
        problems = [str(problem) for problem in validate()]
    except Exception as exc:
        logger.exception("validating after adding a question to %s failed", path)
        problems = [f"validation failed: {exc}"]
    if problems:
        try:
            atomic_write(path, original)
        except OSError as exc:  # the refused edit is still in the file: say so, plainly
            logger.error("could not put %s back after a refused edit: %s", path, exc)
            return AppendResult(
                False, f"{shown.name} would not validate with the new question, and putting "
                f"it back failed ({exc.strerror or exc}): the file still holds \"{question}\" "
                f"under '{item_id}'; remove it by hand before the next reload", shown,
                item_id, question, tuple(problems), diff)
        logger.info("adding a question to %s in %s failed validation; file restored",
                    item_id, path)
        return AppendResult(False, f"{shown.name} would not validate with the new question; "
                            "left unchanged", shown, item_id, question, tuple(problems), diff)
    logger.info("added question %r to %s in %s", question, item_id, path)
    return AppendResult(True, f"added to '{item_id}' in {shown.name}", shown, item_id, question,
                        (), diff)


def _check_question(text: str) -> str | None:
    if not text:
        return "the question is empty"
    if len(text) > MAX_QUESTION:
        return f"the question is {len(text)} characters; at most {MAX_QUESTION} allowed"
    return None
