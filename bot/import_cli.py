"""`faqbot kb import`: documentation (files, folders, web pages) into a knowledge file.

Reading is `bot.doc_sources`; converting is `bot.core.importing`. The file is written only
when the whole knowledge folder, with it, validates as `faqbot kb check` would; atomically.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import multiprocessing
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

from bot.core.importing.build import ImportedEntry, ImportResult, import_pages, unique_id
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
from bot.core.loader import MAX_FILE_BYTES, is_knowledge_name, load_folder, parse_text
from bot.core.problems import Problem
from bot.core.validate import validate
from bot.doc_sources import Document, gather
from bot.knowledge_edit import atomic_write

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PARSERS: dict[str, Callable[[str, str, str | None], Page]] = {"rst": parse_rst,
                                                              "html": parse_html}
PARALLEL_CHARACTERS = 2_000_000  # below this, starting processes costs more than it saves
MAX_WORKERS = 4
LISTED_PAGES = 10  # the summary names each page's level up to this many pages, then counts
PART_BYTES = MAX_FILE_BYTES - 64 * 1024  # room left for curators' additions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a .md, .rst or .html file, a folder of them, or an http(s) URL")
    parser.add_argument("--out", type=Path, required=True,
                        help="the knowledge file to write, e.g. knowledge/NAME.yaml")
    parser.add_argument("--url", help="where the docs are published: links and sources are "
                                      "made absolute against it")
    parser.add_argument("--update", action="store_true",
                        help="re-import into an existing file, keeping its curation")
    parser.add_argument("--dry-run", action="store_true", help="print the summary only")
    parser.add_argument("--level", type=_level, default=None,
                        help="cut at this heading level (1-6) instead of choosing per page")


def _level(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 6:
        raise argparse.ArgumentTypeError("the level is a heading level from 1 to 6")
    return int(text)


def import_command(args: argparse.Namespace, out: TextIO | None = None,
                   err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    target: Path = args.out
    if not is_knowledge_name(target.name):
        print(f"faqbot: --out must name a .yaml file (not hidden): {target}", file=err)
        return EXIT_USAGE
    existing = existing_parts(target)
    if existing and not args.update:
        print(f"faqbot: {existing[0]} exists; add --update to re-import into it (keeping its "
              "curation), or choose another --out", file=err)
        return EXIT_USAGE
    if args.url and not args.url.lower().startswith(("http://", "https://")):
        print(f"faqbot: --url must be an http:// or https:// address, not {args.url!r}",
              file=err)
        return EXIT_USAGE
    gathered = gather(args.sources, args.url)
    pages, skipped = parse_documents(gathered.documents)
    result = import_pages(pages, args.level)
    result.skipped[:0] = [*gathered.problems, *skipped]
    if not result.entries:
        _print_skipped(result, out)
        print("faqbot: nothing to import; nothing written.", file=err)
        return EXIT_FAILED
    try:
        files = compose(target, existing, result, [d.name for d in gathered.documents])
    except MergeError as exc:
        print(f"faqbot: {exc}; nothing written.", file=err)
        return EXIT_FAILED
    problems = check(target.parent, files)
    if problems:
        for problem in problems[:20]:
            print(problem, file=err)
        print(f"faqbot: the result would not pass `faqbot kb check` ({len(problems)} "
              f"problem{'s' if len(problems) != 1 else ''}); nothing written.", file=err)
        return EXIT_FAILED
    _print_summary(files, result, out, dry_run=args.dry_run)
    if not args.dry_run:
        for path, merged in files:
            try:
                atomic_write(path, merged.text.encode("utf-8"))
            except OSError as exc:
                print(f"faqbot: cannot write {path}: {exc.strerror or exc}", file=err)
                return EXIT_FAILED
    return EXIT_OK


def parse_documents(documents: list[Document],
                    workers: int | None = None) -> tuple[list[Page], list[str]]:
    """Every document as a Page, in order, and a line for each that failed; a large import is
    parsed by several processes (`workers`, default: one a CPU, at most four)."""
    size = sum(len(document.text) for document in documents)
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if size >= PARALLEL_CHARACTERS else 1
    if workers < 2:
        results = _parse_batch(documents)
    else:
        batches = [documents[n::workers] for n in range(workers)]
        # Fork is quick; but a process with threads is never forked (a lock held by another
        # thread would stay held in the child), it spawns fresh interpreters instead.
        method = "fork" if threading.active_count() == 1 and \
            "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parsed = list(pool.map(_parse_batch, batches))
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
            sources: list[str]) -> list[tuple[Path, Merge]]:
    """The files to write: new ones (split at PART_BYTES), or the existing ones with the
    import merged in, new sections going to the last one while it has room."""
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
    every_id = set().union(*(ids for _, ids in infos))
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


def check(folder: Path, files: list[tuple[Path, Merge]]) -> list[Problem]:
    """What `faqbot kb check` would say of the folder with these files written in it."""
    parsed_files = []
    problems: list[Problem] = []
    for path, merged in files:
        data = merged.text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            problems.append(Problem(str(path), 1, 1, f"the knowledge file would be "
                                                     f"{len(data):,} bytes; at most "
                                                     f"{MAX_FILE_BYTES:,} allowed"))
            continue
        parsed, found = parse_text(str(path), data)
        problems.extend(found)
        if parsed is not None:
            parsed_files.append(parsed)
    if problems:
        return problems
    others = []
    if folder.is_dir():
        mine = {path.resolve() for path, _ in files}
        others = [f for f in load_folder(folder).files if Path(f.path).resolve() not in mine]
    # Problems the other files have on their own are theirs, not the import's.
    before = set(validate(others)[1]) if others else set()
    return [p for p in validate([*others, *parsed_files])[1] if p not in before]


def _print_summary(files: list[tuple[Path, Merge]], result: ImportResult, out: TextIO, *,
                   dry_run: bool) -> None:
    cut = [entry for entry in result.entries if entry.cut]
    made = sum(len(merged.made) for _, merged in files)
    updated = sum(len(merged.updated) for _, merged in files)
    unchanged = sum(len(merged.unchanged) for _, merged in files)
    names = ", ".join(str(path) for path, _ in files)
    verb = "Would write" if dry_run else "Wrote"
    print(f"{verb} {names}: {made} entries made, {updated} updated, {unchanged} unchanged, "
          f"{len(cut)} cut, {len(result.skipped)} skipped.", file=out)
    if len(files) > 1:
        print(f"  (in {len(files)} files: a knowledge file holds at most "
              f"{MAX_FILE_BYTES // 1024:,} KiB)", file=out)
    hows = {name: f"heading level {level}" if level is not None else "one entry for the page"
            for name, level in result.levels.items()}
    if len(hows) <= LISTED_PAGES:
        for name, how in hows.items():
            print(f"  {name}: {how}", file=out)
    else:
        for how, count in sorted(Counter(hows.values()).items()):
            print(f"  {how}: {count} pages", file=out)
    for note in result.notes:
        print(f"  note: {note}", file=out)
    if cut:
        print("Cut to fit one Discord message (each ends with a link to the full section):",
              file=out)
        for entry in cut:
            print(f"  {entry.origin}: {entry.id}", file=out)
    _print_skipped(result, out)
    gone = [item for _, merged in files for item in merged.gone]
    if gone:
        print("Gone from the docs (kept; remove them if they should go):", file=out)
        for item in gone:
            print(f"  {item}", file=out)
    if dry_run:
        print("Dry run: nothing written.", file=out)


def _print_skipped(result: ImportResult, out: TextIO) -> None:
    if result.skipped:
        print("Skipped:", file=out)
        for line in result.skipped:
            print(f"  {line}", file=out)
