"""The heavy steps of `faqbot kb import`: parse the documents, compose and check the files.

Checking is as `faqbot kb check` would. A large import is parsed, and a large new one checked,
by several processes (one a CPU, at most four), as the benchmark measures."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar

from bot.core.importing.build import ImportedEntry, ImportResult, unique_id
from bot.core.importing.from_html import parse_html
from bot.core.importing.from_markdown import markdown_parser, parse_markdown
from bot.core.importing.from_rst import parse_rst
from bot.core.importing.knowledge_file import (
    Merge,
    MergeError,
    keys_and_ids,
    merge,
    new_files,
)
from bot.core.importing.page import Page
from bot.core.knowledge.files import MAX_FILE_BYTES, load_folder
from bot.core.knowledge.nodes import ParsedFile, walk
from bot.core.knowledge.parse import parse_text
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.schema import validate
from bot.core.text import fold
from bot.doc_sources import Document

log = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[str, str, str | None], Page]] = {"rst": parse_rst,
                                                              "html": parse_html}
PARALLEL_CHARACTERS = 2_000_000  # below this, starting processes costs more than it saves
MAX_WORKERS = 4
PART_BYTES = MAX_FILE_BYTES - 64 * 1024  # room left for curators' additions
T = TypeVar("T")
R = TypeVar("R")


def workers_for(characters: int) -> int:
    """How many processes to use for this much text: one a CPU when it is large."""
    return min(os.cpu_count() or 1, MAX_WORKERS) if characters >= PARALLEL_CHARACTERS else 1


def _in_processes(step: Callable[[list[T]], list[R]], batches: list[list[T]]) -> list[list[R]]:
    """`step` over each batch, one process a batch."""
    # Fork is quick; but a process with threads is never forked (a lock held by another
    # thread would stay held in the child): it spawns fresh interpreters instead.
    method = "fork" if threading.active_count() == 1 and \
        "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: BaseContext = multiprocessing.get_context(method)
    with ProcessPoolExecutor(len(batches), mp_context=context) as pool:
        return list(pool.map(step, batches))


def parse_documents(documents: list[Document],
                    workers: int | None = None) -> tuple[list[Page], list[str]]:
    """Every document as a Page, in order, and a line for each that failed; a large import is
    parsed by several processes (`workers`, default: one a CPU, at most four)."""
    if workers is None:
        workers = workers_for(sum(len(document.text) for document in documents))
    if workers < 2:
        results = _parse_batch(documents)
    else:
        parsed = _in_processes(_parse_batch, [documents[n::workers] for n in range(workers)])
        results = [parsed[n % workers][n // workers] for n in range(len(documents))]
    pages = [page for page, _ in results if page is not None]
    return pages, [problem for _, problem in results if problem is not None]


def _parse_batch(documents: list[Document]) -> list[tuple[Page | None, str | None]]:
    parser = markdown_parser()
    results: list[tuple[Page | None, str | None]] = []
    for document in documents:
        try:
            if document.kind == "markdown":
                page = parse_markdown(document.text, document.name, document.url, parser=parser)
            else:
                page = PARSERS[document.kind](document.text, document.name, document.url)
            results.append((page, None))
        except RecursionError:
            results.append((None, f"{document.name}: nested too deeply to read; skipped"))
        except Exception as exc:  # a parser's failure on one document must not stop the rest
            log.debug("parsing %s failed", document.name, exc_info=True)
            results.append((None, f"{document.name}: cannot be read as {document.kind} "
                                  f"({type(exc).__name__}); skipped"))
    return results


def part_path(target: Path, number: int) -> Path:
    """`NAME.yaml`, then `NAME-2.yaml`, `NAME-3.yaml`...: an import too big for one file."""
    return target if number == 1 else target.with_name(f"{target.stem}-{number}{target.suffix}")


def existing_parts(target: Path) -> list[Path]:
    """The files an earlier import to `target` wrote, in order."""
    found = [target] if target.exists() else []
    if target.parent.is_dir():
        prefix = f"{target.stem}-"
        numbered = []
        for path in target.parent.iterdir():
            number = path.stem.removeprefix(prefix)
            if path.suffix == target.suffix and path.stem.startswith(prefix) and \
                    number.isdigit() and int(number) >= 2:
                numbered.append((int(number), path))
        found.extend(path for _, path in sorted(numbered))
    return found


def compose(target: Path, existing: list[Path], result: ImportResult,
            sources: list[str], elsewhere: Iterable[str] = ()) -> list[tuple[Path, Merge]]:
    """The files to write: new ones (split at PART_BYTES), or the existing ones with the
    import merged in, new sections going to the last one while it has room; new entries'
    ids avoid `elsewhere` (those of the folder's other files) too."""
    if not existing:
        made = new_files(result.entries, sources, PART_BYTES)
        return [(part_path(target, n), merged) for n, merged in enumerate(made, 1)]
    texts: list[str] = []
    infos = []
    for path in existing:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MergeError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        _, problems = parse_text(str(path), data)
        if problems:
            raise MergeError(f"{path}: fix it first ({problems[0]})")
        texts.append(data.decode("utf-8"))
        infos.append(keys_and_ids(texts[-1]))
    every_id = set(elsewhere).union(*(ids for _, ids in infos))
    documents = {entry.document for entry in result.entries}
    remaining = list(result.entries)
    files: list[tuple[Path, Merge]] = []
    extra: list[ImportedEntry] = []
    for number, (path, text, (keys, ids)) in enumerate(zip(existing, texts, infos,
                                                          strict=True), 1):
        mine = [e for e in remaining if (e.document, e.section) in keys]
        remaining = [e for e in remaining if (e.document, e.section) not in keys]
        taken = every_id - ids
        merged = merge(text, mine + remaining if number == len(existing) else mine,
                       documents=documents, taken=taken)
        if number == len(existing) and remaining and len(merged.text.encode()) > PART_BYTES:
            merged = merge(text, mine, documents=documents, taken=taken)
            extra = remaining
        files.append((path, merged))
    if extra:
        taken = every_id | {i for _, merged in files for i in merged.made}
        fresh = [dataclasses.replace(e, id=unique_id(e.title, taken)) if e.id in taken else e
                 for e in extra]
        last = int(existing[-1].stem.rsplit("-", 1)[-1]) if len(existing) > 1 else 1
        for number, merged in enumerate(new_files(fresh, sources, PART_BYTES), last + 1):
            files.append((part_path(target, number), merged))
    return files


def check(folder: Path, files: list[tuple[Path, Merge]], *, new: bool = False,
          workers: int | None = None) -> list[Problem]:
    """What `faqbot kb check` would say of the folder with these files written in it (only
    the problems the other files of the folder do not have on their own).

    The files of a `new` import refer to nothing in each other (no `related`) and their ids
    are distinct (checked here): then groups of them can be checked, each with the folder's
    other files, in several processes, and together they say what one check would."""
    if workers is None:
        workers = workers_for(sum(len(merged.text) for _, merged in files)) if new else 1
    mine = [str(path) for path, _ in files]
    texts = [(str(path), merged.text) for path, merged in files]
    workers = min(workers, len(texts))
    if workers < 2:
        return _check_batch((str(folder), mine, texts))
    ids = [i for _, merged in files for i in merged.made]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        return [Problem(mine[0], 1, 1, f"ids made twice: {', '.join(twice)}")]
    batches = [(str(folder), mine, texts[n::workers]) for n in range(workers)]
    found = _in_processes(_check_batches, [[batch] for batch in batches])
    return sorted({problem for problems in found for problem in problems[0]})


def _check_batches(batches: list[tuple[str, list[str], list[tuple[str, str]]]]
                   ) -> list[list[Problem]]:
    return [_check_batch(batch) for batch in batches]


def _check_batch(batch: tuple[str, list[str], list[tuple[str, str]]]) -> list[Problem]:
    """The problems of these files (path, text) with the folder's other files (not `mine`)."""
    folder, mine, texts = batch
    parsed_files: list[ParsedFile] = []
    problems: list[Problem] = []
    for path, text in texts:
        data = text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            problems.append(Problem(path, 1, 1, f"the knowledge file would be {len(data):,} "
                                                f"bytes; at most {MAX_FILE_BYTES:,} allowed"))
            continue
        parsed, found = parse_text(path, data)
        problems.extend(found)
        if parsed is not None:
            parsed_files.append(parsed)
    if problems:
        return problems
    others = other_files(Path(folder), mine)
    before = set(validate(others)[1]) if others else set()
    return [p for p in validate([*others, *parsed_files])[1] if p not in before]


def ids_elsewhere(others: Iterable[ParsedFile]) -> set[str]:
    """The ids the folder's other knowledge files define (entries, the table, its rows): the
    ids an import must not take."""
    return {value for parsed in others for value in _fields(parsed, "id")}


def questions_asked(others: Iterable[ParsedFile]) -> set[str]:
    """The questions (folded) the folder's other knowledge files ask: an import does not ask
    them again."""
    return {fold(question) for parsed in others for question in _fields(parsed, "questions")}


def _fields(parsed: ParsedFile, key: str) -> Iterator[str]:
    """The text of every `key` field in a file (each item of a list of texts)."""
    for node in walk(parsed.root) if parsed.root is not None else ():
        value = node.value.get(key) if node.is_map else None
        for item in (value.value if value.is_list else [value]) if value is not None else ():
            if isinstance(item.value, str):
                yield item.value


def other_files(folder: Path, mine: Iterable[str | Path]) -> list[ParsedFile]:
    """The folder's knowledge files but `mine`, as far as they can be read."""
    if not folder.is_dir():
        return []
    skip = {Path(path).resolve() for path in mine}
    return [f for f in load_folder(folder).files if Path(f.path).resolve() not in skip]
