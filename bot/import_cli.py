"""`faqbot kb import`: documentation (files, folders, web pages) into a knowledge file.

Reading is `bot.doc_sources`, converting `bot.core.importing`, parsing, composing and checking
`bot.import_work`. The files are written only when the whole knowledge folder, with them,
validates as `faqbot kb check` would; each atomically.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from bot.atomic_file import atomic_write
from bot.core.importing.build import ImportResult, import_pages
from bot.core.importing.knowledge_file import Merge, MergeError
from bot.core.importing.sections import QUESTION_LEVEL
from bot.core.knowledge.fields import is_web_address
from bot.core.knowledge.files import MAX_FILE_BYTES, is_knowledge_name
from bot.core.knowledge.problems import problem_count
from bot.doc_sources import gather
from bot.import_work import (
    check,
    compose,
    existing_parts,
    ids_elsewhere,
    other_files,
    parse_documents,
    questions_asked,
)

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LISTED_PAGES = 10  # the summary names each page's level up to this many pages, then counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a .md, .rst or .html file, a folder of them, or an http(s) URL")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the knowledge file to write, e.g. knowledge/NAME.yaml")
    parser.add_argument("--url", metavar="BASE",
                        help="where the docs are published: links and sources are made "
                             "absolute against it")
    parser.add_argument("--update", action="store_true",
                        help="re-import into an existing file, keeping its curation")
    parser.add_argument("--dry-run", action="store_true", help="print the summary only")
    parser.add_argument("--level", type=_level, default=None, metavar="N",
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
    if args.url and not is_web_address(args.url):
        print(f"faqbot: --url must be an http:// or https:// address, not {args.url!r}",
              file=err)
        return EXIT_USAGE
    try:
        return _import(args, target, existing, out, err)
    except Exception as exc:  # a bug must not end in a traceback, nor half a file
        log.debug("kb import failed", exc_info=True)
        print(f"faqbot: the import failed unexpectedly ({type(exc).__name__}: {exc}); nothing "
              "written. LOG_LEVEL=DEBUG shows the details.", file=err)
        return EXIT_FAILED


def _import(args: argparse.Namespace, target: Path, existing: list[Path], out: TextIO,
            err: TextIO) -> int:
    gathered = gather(args.sources, args.url)
    pages, skipped = parse_documents(gathered.documents)
    # The folder's other files, read once. The target's own entries are the ones an update
    # keeps: their ids and questions are the merge's business, not "taken".
    others = other_files(target.parent, [target, *existing])
    elsewhere = ids_elsewhere(others)
    result = import_pages(pages, args.level, taken=elsewhere, asked=questions_asked(others))
    result.skipped[:0] = [*gathered.problems, *skipped]
    if not result.entries:
        _print_skipped(result, out)
        print("faqbot: nothing to import; nothing written.", file=err)
        return EXIT_FAILED
    try:
        files = compose(target, existing, result, [d.name for d in gathered.documents],
                        elsewhere)
    except MergeError as exc:
        print(f"faqbot: {exc}; nothing written.", file=err)
        return EXIT_FAILED
    problems = check(target.parent, files, new=not existing)
    if problems:
        for problem in problems[:20]:
            print(problem, file=err)
        print("faqbot: the result would not pass `faqbot kb check` "
              f"({problem_count(len(problems))}); nothing written.", file=err)
        return EXIT_FAILED
    if not args.dry_run and not _write_all(files, err):
        return EXIT_FAILED
    _print_summary(files, result, out, dry_run=args.dry_run)  # once it is true
    return EXIT_OK


def _write_all(files: list[tuple[Path, Merge]], err: TextIO) -> bool:
    """Write every part, or (one failing) none: those written are put back as they were."""
    written: list[tuple[Path, bytes | None]] = []  # each part written, and what it held
    for path, merged in files:
        try:
            before = path.read_bytes() if path.exists() else None
            path.parent.mkdir(parents=True, exist_ok=True)  # a new community's folder
            atomic_write(path, merged.text.encode("utf-8"))
        except OSError as exc:
            print(f"faqbot: cannot write {path}: {exc.strerror or exc}", file=err)
            stuck = False
            for done, held in reversed(written):
                try:
                    if held is None:
                        done.unlink()
                    else:
                        atomic_write(done, held)
                except OSError as undo:
                    stuck = True
                    print(f"faqbot: {done} was written and cannot be put back "
                          f"({undo.strerror or undo}); remove or restore it by hand", file=err)
            if not stuck:
                print("faqbot: nothing written.", file=err)
            return False
        written.append((path, before))
    return True


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
    hows = {name: _how(level) for name, level in result.levels.items()}
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


def _how(level: int | None) -> str:
    """How a page was cut into entries, for the summary."""
    if level is None:
        return "one entry for the page"
    if level >= QUESTION_LEVEL:
        return "one entry a question (written as lines, not headings)"
    return f"heading level {level}"
