"""`faqbot gaps`, `faqbot stats` and `faqbot export`: the question log from the command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Literal, TextIO

from bot.atomic_file import output_text, write_output
from bot.core.curation.open_gaps import still_open, titles_of
from bot.core.knowledge.load import load_knowledge
from bot.semantic.setup import open_library
from bot.services import knowledge_base_key, user_id_salt
from bot.settings import Settings
from bot.store import Stats, Store, StoreError
from bot.store.chart import render_stats_chart
from bot.store.report import format_gaps, format_stats

EXIT_OK, EXIT_FAILED = 0, 1


def _no_log(settings: Settings) -> bool:
    if settings.database_path.exists():
        return False
    print(f"No questions recorded yet ({settings.database_path} does not exist).",
          file=sys.stderr)
    return True


async def _open(settings: Settings) -> Store:
    return await Store.open(settings.database_path, salt=user_id_salt(settings),
                            store_user_ids=settings.store_user_ids)


def _which(settings: Settings, every: bool) -> str | None:
    """The knowledge base whose questions to report: the live one, or every one (None);
    said on stderr, so that a reader of the report knows which it is."""
    if every:
        print("Questions to every knowledge base.", file=sys.stderr)
        return None
    key = knowledge_base_key(settings)
    print(f"Questions to the knowledge base in {key} (--all: every one).", file=sys.stderr)
    return key


def gaps_command(settings: Settings, days: int, every: bool = False) -> int:
    if _no_log(settings):
        return EXIT_OK
    library = open_library(settings)

    async def run() -> str:
        store = await _open(settings)
        try:
            groups = still_open(await store.gaps(days, knowledge_base=_which(settings, every)),
                                library.current.matcher)
        finally:
            await store.close()
        return format_gaps(groups, titles=titles_of(library.current.kb), limit=100_000)

    return _report(run)


def stats_command(settings: Settings, days: int, chart: Path | None,
                  every: bool = False) -> int:
    if _no_log(settings):
        return EXIT_OK
    kb, _ = load_knowledge(settings.knowledge_dir)
    titles = titles_of(kb) if kb is not None else {}
    figures: list[Stats] = []

    async def run() -> str:
        store = await _open(settings)
        try:
            stats = await store.stats(days, knowledge_base=_which(settings, every))
        finally:
            await store.close()
        figures.append(stats)
        return format_stats(stats, titles, limit=100_000)

    done = _report(run)
    if done != EXIT_OK or chart is None:
        return done
    try:  # the report stands whatever happens to the chart
        write_output(chart, render_stats_chart(figures[0]))
    except OSError as exc:
        print(f"faqbot: cannot write the chart to {chart}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"\nChart written to {chart}.")
    return EXIT_OK


def export_command(settings: Settings, fmt: Literal["csv", "jsonl"], days: int | None,
                   output: Path | None, every: bool = False) -> int:
    if _no_log(settings):
        return EXIT_OK

    async def run(out: TextIO) -> int:
        store = await _open(settings)
        try:
            return await store.export(fmt, out, days=days,
                                      knowledge_base=_which(settings, every))
        finally:
            await store.close()

    if output is not None and _is_the_log(settings, output):
        print(f"faqbot: {output} is the question log itself; export to another file",
              file=sys.stderr)
        return EXIT_FAILED
    try:
        if output is None:
            rows = asyncio.run(run(sys.stdout))
        else:  # an existing file is replaced once the export is whole: a failure leaves it
            with output_text(output) as handle:
                rows = asyncio.run(run(handle))
    except StoreError as exc:
        print(f"faqbot: the question log cannot be read: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"faqbot: {_failed_on(exc, output)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{rows} rows exported.", file=sys.stderr)
    return EXIT_OK


def _is_the_log(settings: Settings, path: Path) -> bool:
    """Whether `path` is the question log's database or its salt file."""
    log = settings.database_path
    salt = log.with_name(log.name + ".salt")
    target = path.resolve()
    return any(target == own.resolve() for own in (log, salt))


def _failed_on(exc: OSError, output: Path | None) -> str:
    """What an OSError was about: writing `output`, else reading the question log."""
    if output is not None and exc.filename is not None and Path(exc.filename).parent in (
            output.parent, output.resolve().parent):
        return f"cannot write {output}: {exc.strerror or exc}"
    return f"the question log cannot be read: {exc}"


def _report(run: Callable[[], Coroutine[Any, Any, str]]) -> int:
    try:
        text = asyncio.run(run())
    except (StoreError, OSError) as exc:
        print(f"faqbot: the question log cannot be read: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(text)
    return EXIT_OK
