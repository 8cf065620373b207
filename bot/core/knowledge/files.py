"""Find and read a knowledge folder's files, safely: which files count, size and link limits.

What is read
    Every file directly inside the folder whose name ends in `.yaml` or `.yml` (in any letter
    case). Sub-folders are not searched. Names starting with a dot are skipped: editors leave
    such files beside the ones being edited (Emacs's `.#faq.yaml` lock, which is a dangling
    symbolic link; `.faq.yaml.swp`; macOS's `._faq.yaml`), and they are never knowledge.

Refused, each as a problem: a symbolic link out of the folder or to a file read already, a
folder named like a file, a file over `MAX_FILE_BYTES` (from its size, before it is read). Each
file's bytes are then parsed (`parse.parse_text`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.nodes import ParsedFile
from bot.core.knowledge.parse import parse_text
from bot.core.knowledge.problems import Problem
from bot.core.memo import BuildMemory

KNOWLEDGE_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024


@dataclass(slots=True)
class LoadResult:
    files: list[ParsedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)



def load_folder(folder: Path, memory: BuildMemory | None = None) -> LoadResult:
    """Parse every knowledge file of a folder; never raises for anything the folder holds.
    With a library's `memory`, a file parsed before with the same bytes is not parsed again."""
    result = LoadResult()
    where = str(folder)
    try:
        if not folder.exists():
            result.problems.append(Problem(where, 1, 1, "no such folder"))
            return result
        if not folder.is_dir():
            result.problems.append(Problem(where, 1, 1, "not a folder"))
            return result
        children = list(folder.iterdir())
        root = folder.resolve()
    except (OSError, RuntimeError) as exc:
        result.problems.append(Problem(where, 1, 1, f"cannot read the folder: {_reason(exc)}"))
        return result
    paths = sorted(p for p in children if is_knowledge_name(p.name))
    if not paths:
        result.problems.append(
            Problem(where, 1, 1, "no knowledge files (*.yaml or *.yml) in this folder")
        )
        return result
    # Each file is read once, by its own name first: a link to a file read already is refused
    # (all its ids would be duplicates).
    read = {root / path.name: path.name for path in paths if not path.is_symlink()}
    for path in paths:
        parsed, problems = _load_file(path, root, memory, read)
        result.problems.extend(problems)
        if parsed is not None:
            result.files.append(parsed)
    return result


def is_knowledge_name(name: str) -> bool:
    """A knowledge file's name: `*.yaml` or `*.yml`, not hidden (editors' dotfiles)."""
    return not name.startswith(".") and name.lower().endswith(KNOWLEDGE_SUFFIXES)


def _load_file(path: Path, root: Path, memory: BuildMemory | None, read: dict[Path, str]
               ) -> tuple[ParsedFile | None, list[Problem]]:
    name = str(path)

    def refuse(message: str) -> tuple[ParsedFile | None, list[Problem]]:
        return None, [Problem(name, 1, 1, message)]

    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return refuse("symbolic link to a file that does not exist")
            except (OSError, RuntimeError):
                return refuse("symbolic link that cannot be followed (a loop?)")
            if not target.is_relative_to(root):
                return refuse(f"symbolic link points outside the knowledge folder, to {target}; "
                              "copy the file in instead")
            if target in read:
                return refuse(f"symbolic link to {read[target]}, which is read already; "
                              "remove the link")
            read[target] = path.name
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return refuse("is a folder, not a knowledge file; knowledge files are not "
                          "searched for in sub-folders")
        if not stat.S_ISREG(info.st_mode):
            return refuse("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return refuse(_too_big(info.st_size))
        # Non-blocking, so that a file swapped for a FIFO since the check cannot hang us.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return refuse("not a regular file")
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, RuntimeError) as exc:
        return refuse(f"cannot read file: {_reason(exc)}")
    if len(data) > MAX_FILE_BYTES:
        return refuse(_too_big(len(data)))
    if memory is None:
        return parse_text(name, data)
    # A reload re-parses only the files whose bytes changed since one of the last few parses.
    key = (name, hashlib.blake2b(data, digest_size=16).digest())
    known = memory.parsed.get(key)
    if known is None:
        parsed, problems = parse_text(name, data)
        known = memory.parsed.put(key, (parsed, tuple(problems)))
    return known[0], list(known[1])


def _too_big(size: int) -> str:
    return (f"file is {size:,} bytes; a knowledge file may be at most {MAX_FILE_BYTES:,} bytes "
            "(1 MiB); refused without reading it")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
