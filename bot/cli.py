"""The `faqbot` command line (also `python -m bot`): run, chat, ask, why, eval, kb, sync."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import io
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.chat import ChatSession, prompted_lines, run_chat, terminal_width
from bot.core.curation.evaluate import FORMAT as EVAL_FORMAT
from bot.core.curation.evaluate import evaluate, format_report, format_why, load_questions
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.problems import KnowledgeError, problem_count
from bot.core.matching.match import Match
from bot.core.replies.reply import Reply
from bot.curation_cli import export_command, gaps_command, stats_command
from bot.import_cli import add_arguments as add_import_arguments
from bot.import_cli import import_command
from bot.logs import configure_logging
from bot.recorder import Recorder
from bot.semantic.setup import open_library
from bot.services import knowledge_base_key, open_store
from bot.settings import Settings, SettingsError
from bot.store import TERMINAL_CHANNEL

log = logging.getLogger(__name__)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _share(text: str) -> float:
    """A share from 0 to 1 (`--min-overall 0.85`; the report prints 85.0%)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:  # NaN is neither
        raise argparse.ArgumentTypeError(f"{text} is not a share from 0 to 1 (0.85, not 85)")
    return value


class TokenOnCommandLine(argparse.Action):
    """Refuses `--token`: a token typed on the command line lands in shell history."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        parser.exit(EXIT_USAGE, "faqbot: refusing a token on the command line (it would land in "
                                "shell history and process lists). Set DISCORD_TOKEN in the "
                                "environment or in .env instead.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot", description="Answer questions from a curated YAML knowledge base.")
    parser.add_argument("--token", nargs="?", action=TokenOnCommandLine, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("--token", nargs="?", action=TokenOnCommandLine, help=argparse.SUPPRESS)
        return sub

    def with_dir(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--dir", type=Path, help="knowledge folder (default: KNOWLEDGE_DIR or "
                                                  "the shipped one)")
        return sub

    with_dir(command("start", "Discord when DISCORD_TOKEN is set, else the terminal chat "
                              "(make run)"))
    with_dir(command("run", "connect to Discord (needs DISCORD_TOKEN)"))
    with_dir(command("chat", "talk to the bot in the terminal"))
    ask = with_dir(command("ask", "answer questions (from the arguments, or stdin, one a line)"))
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("question", nargs="*")
    why = with_dir(command("why", "show the top candidates for a question and what matched"))
    why.add_argument("question", nargs="+")
    ev = with_dir(command("eval", "measure the matcher on a question set", epilog=EVAL_FORMAT))
    ev.add_argument("file", type=Path, help="a YAML question set (its format is below)")
    ev.add_argument("--min-overall", type=_share, default=None,
                    help="exit 1 when the overall score is below this (0 to 1, e.g. 0.85)")

    kb = command("kb", "check or list the knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)

    def kb_command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = kb_commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--token", nargs="?", action=TokenOnCommandLine, help=argparse.SUPPRESS)
        return with_dir(sub)

    kb_command("check", "validate the knowledge files")
    kb_list = kb_command("list", "every entry and table row")
    kb_list.add_argument("--json", action="store_true")
    kb_import = kb_commands.add_parser(
        "import", help="make a knowledge file from Markdown, reStructuredText, HTML or a URL",
        description="make (or --update) a knowledge file from Markdown, reStructuredText, "
                    "HTML files, folders of them, or http(s) pages")
    kb_import.add_argument("--token", nargs="?", action=TokenOnCommandLine,
                           help=argparse.SUPPRESS)
    add_import_arguments(kb_import)

    def with_all(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--all", dest="every", action="store_true",
                         help="questions to every knowledge base (default: only those to the "
                              "one --dir / KNOWLEDGE_DIR names)")
        return sub

    gaps = with_all(with_dir(command("gaps", "unanswered and low-confidence questions, "
                                             "grouped")))
    gaps.add_argument("--days", type=_days, default=30, help="how far back (default 30)")
    stats = with_all(with_dir(command("stats", "questions asked, answered shares, votes, "
                                               "top gaps")))
    stats.add_argument("--days", type=_days, default=30, help="how far back (default 30)")
    stats.add_argument("--chart", type=Path, help="also write a PNG chart of questions per day")
    export = with_all(with_dir(command("export", "every recorded question, as CSV or JSON "
                                                 "Lines")))
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--days", type=_days, default=None, help="only the last N days")
    export.add_argument("--output", type=Path, help="write to this file (default: stdout)")

    with_dir(command("doctor", "check settings, knowledge base, data folder, question log, "
                               "semantic layer, token, intents, servers and permissions; "
                               "each line ✓ or ✗ with the fix"))
    sync = with_dir(command("sync", "sync the slash commands with Discord"))
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, help="sync to this server only (instant)")
    where.add_argument("--global", dest="global_", action="store_true",
                       help="sync globally (can take a while to show)")
    return parser


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 1 <= days <= 3650:
        raise argparse.ArgumentTypeError("days must be from 1 to 3650")
    return days


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_stdout()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        if args.command == "doctor":
            print(f"✗ settings: {exc}\n    fix: correct it in .env or the environment (see "
                  ".env.example)")
            return EXIT_PROBLEMS
        print(f"faqbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "dir", None) is not None:
        settings = dataclasses.replace(settings, knowledge_dir=args.dir)
    on_discord = args.command in ("run", "sync") or (
        args.command in (None, "start") and settings.discord_token)
    # Only a bot on Discord logs its progress; commands print results and log only problems.
    level = settings.log_level if on_discord or settings.log_level == "DEBUG" else "WARNING"
    configure_logging(level, secrets=[settings.discord_token or "", settings.user_id_salt or ""])
    try:
        return _dispatch(args, settings)
    except KnowledgeError as exc:
        print(f"faqbot: the knowledge base in {settings.knowledge_dir} does not load:",
              file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`faqbot kb list | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except Exception as exc:  # a bug: one line here, the traceback in the log at debug level
        log.debug("faqbot %s failed", args.command or "start", exc_info=True)
        print(f"faqbot: {args.command or 'start'} failed: {type(exc).__name__}: {exc} "
              "(LOG_LEVEL=DEBUG logs the traceback)", file=sys.stderr)
        return EXIT_PROBLEMS


def _tolerant_stdout() -> None:
    """Never crash printing: an odd file name or a non-UTF-8 terminal gets escapes instead.
    Bytes typed in another encoding are read as U+FFFD, not as lone surrogates, which the
    question log cannot store."""
    for stream in (sys.stdout, sys.stderr):  # "strict", or an ASCII locale's surrogateescape
        if isinstance(stream, io.TextIOWrapper) and stream.errors != "backslashreplace":
            stream.reconfigure(errors="backslashreplace")
    if isinstance(sys.stdin, io.TextIOWrapper) and sys.stdin.errors != "replace":
        sys.stdin.reconfigure(errors="replace")


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    match args.command:
        case None | "start":
            if settings.discord_token:
                return _run_discord(settings)
            print("No DISCORD_TOKEN set: starting the terminal chat instead "
                  "(see README to connect to Discord).", file=sys.stderr)
            return _chat(settings)
        case "run":
            return _run_discord(settings)
        case "chat":
            return _chat(settings)
        case "ask":
            return _ask(settings, args.question, as_json=args.json)
        case "why":
            library = open_library(settings)
            print(format_why(library.current.matcher, " ".join(args.question)))
            return EXIT_OK
        case "eval":
            return _eval(settings, args.file, args.min_overall)
        case "kb" if args.kb_command == "import":
            return import_command(args)
        case "kb":
            return _kb(settings, args.kb_command, as_json=getattr(args, "json", False))
        case "doctor":
            return _doctor(settings)
        case "sync":
            return _sync(settings, guild=args.guild, globally=args.global_)
        case "gaps":
            return gaps_command(settings, args.days, args.every)
        case "stats":
            return stats_command(settings, args.days, args.chart, args.every)
        case "export":
            return export_command(settings, args.format, args.days, args.output, args.every)
    return EXIT_USAGE


def _chat(settings: Settings) -> int:
    library = open_library(settings)
    interactive = sys.stdin.isatty()
    lines = prompted_lines() if interactive else sys.stdin
    with asyncio.Runner() as runner:  # the question log is async; the chat is not
        recorder = Recorder(runner.run(open_store(settings)),
                            knowledge_base=knowledge_base_key(settings))

        def record(question: str, match: Match) -> int | None:
            return runner.run(recorder.question(guild_id=None, channel_id=TERMINAL_CHANNEL,
                                                user_id=TERMINAL_CHANNEL, text=question,
                                                match=match))

        def picked(question_id: int | None, item_id: str) -> None:
            runner.run(recorder.click(question_id, item_id))

        session = ChatSession(library, width=terminal_width(), on_question=record,
                              on_pick=picked, render=_renderer())
        try:
            with _hang_up_as_interrupt(interactive):
                run_chat(session, lines, sys.stdout, interactive=interactive)
        finally:
            runner.run(recorder.close())
    return EXIT_OK


@contextlib.contextmanager
def _hang_up_as_interrupt(interactive: bool) -> Iterator[None]:
    """SIGTERM and SIGHUP end an interactive chat as Ctrl-C does: the prompt's line editing
    gives the terminal back as it found it (echo on), and the question log is closed. By
    default they would kill the process with the terminal left without echo."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    caught = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {signum: signal.getsignal(signum) for signum in caught} if interactive else {}
    for signum in before:
        signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _renderer() -> Callable[[Reply, int], str]:
    """Markdown rendered for the terminal: in colour on a TTY, plain text when piped or when
    colour is not wanted (NO_COLOR set, as no-color.org asks, or TERM=dumb)."""
    from bot.terminal import render_reply

    colour = (sys.stdout.isatty() and not os.environ.get("NO_COLOR")
              and os.environ.get("TERM") != "dumb")
    return functools.partial(render_reply, color=colour)


def _ask(settings: Settings, words: list[str], *, as_json: bool) -> int:
    library = open_library(settings)
    # Lines are answered as they arrive (a program may ask one, read the answer, ask again).
    # Bytes of another encoding in an argument arrive as lone surrogates: read as U+FFFD, as
    # they are on stdin.
    typed = " ".join(words).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if not words and sys.stdin.isatty():  # not piped: say what it waits for
        print("faqbot ask: type one question a line; Ctrl-D ends (faqbot chat converses).",
              file=sys.stderr)
    questions = [typed] if words else (line.rstrip("\n") for line in sys.stdin)
    snapshot = library.current
    width = terminal_width()
    render = _renderer()
    for question in questions:
        if not question.strip():
            continue
        # Every line is a question on its own: no /commands, no picking a number.
        match, reply = snapshot.answer(question)
        if as_json:
            print(json.dumps({
                "question": question,
                "id": match.answer_id,
                "score": round(match.score, 4),
                "verdict": match.verdict.value,
                "suggestions": list(match.suggestions),
                "alternatives": list(match.alternatives),  # offered under an answer
                "related": list(match.related),  # offered with no answer: the closest
            }, ensure_ascii=False), flush=True)
        else:
            print(render(reply, width), end="\n\n", flush=True)
    return EXIT_OK


def _eval(settings: Settings, path: Path, min_overall: float | None) -> int:
    library = open_library(settings)
    try:
        questions = load_questions(path, set(library.current.kb.ids))
    except (OSError, ValueError) as exc:
        print(f"faqbot: cannot read {path}: {exc}\n(`faqbot eval --help` shows the format)",
              file=sys.stderr)
        return EXIT_USAGE
    report = evaluate(library.current.matcher, questions)
    print(format_report(report))
    if min_overall is not None and report.overall < min_overall:
        print(f"overall {report.overall:.3f} is below --min-overall {min_overall:.3f}",
              file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _kb(settings: Settings, what: str, *, as_json: bool) -> int:
    kb, problems = load_knowledge(settings.knowledge_dir)
    if kb is None:  # `kb list --json` keeps stdout for JSON: the problems go to stderr
        for problem in problems:
            print(problem, file=sys.stderr if as_json else sys.stdout)
        print(f"{problem_count(len(problems))} found.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    if what == "check":
        table_rows = len(kb.table.rows) if kb.table else 0
        files = f"{len(kb.files)} file{'s' if len(kb.files) != 1 else ''}"
        print(f"OK: {len(kb.entries)} entries and {table_rows} table rows in {files} "
              f"({settings.knowledge_dir}).")
        return EXIT_OK
    from bot.core.replies.listing import list_items

    items = list_items(kb)
    if as_json:
        for item in items:
            print(json.dumps(item, ensure_ascii=False))
    else:
        print("\n\n".join(_item_text(item) for item in items))
    return EXIT_OK


def _item_text(item: dict[str, object]) -> str:
    """One listed item: id and title, then its questions, keywords and answer, indented."""

    def texts(key: str) -> list[str]:
        value = item.get(key)
        return [str(v) for v in value] if isinstance(value, list) else []

    lines = [f"{item['id']}: {item['title']}"]
    lines.extend(f"  ? {question}" for question in texts("questions"))
    if texts("keywords"):
        lines.append(f"  keywords: {', '.join(texts('keywords'))}")
    lines.extend(f"  | {line}".rstrip() for line in str(item.get("answer", "")).splitlines())
    return "\n".join(lines)


def _run_discord(settings: Settings) -> int:
    if not settings.discord_token:
        print("faqbot: DISCORD_TOKEN is not set. Put DISCORD_TOKEN=... in .env (see "
              ".env.example) or in the environment. `faqbot chat` works without Discord.",
              file=sys.stderr)
        return EXIT_USAGE
    from bot.discord_app.runner import run_bot

    return run_bot(settings)


def _doctor(settings: Settings) -> int:
    from bot.doctor import run_doctor

    checks = run_doctor(settings)
    for check in checks:
        print(check, flush=True)
    failed = sum(not check.ok for check in checks)
    print(f"\n{problem_count(failed)} found." if failed else
          "\nEverything checked is fine.")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _sync(settings: Settings, *, guild: int | None, globally: bool) -> int:
    if not settings.discord_token:
        print("faqbot: DISCORD_TOKEN is not set; syncing needs Discord.", file=sys.stderr)
        return EXIT_USAGE
    from bot.discord_app.runner import sync_commands

    target = None if globally else (guild or settings.dev_guild_id)
    if target is None and not globally:
        print("faqbot: say where to sync: --guild ID, --global, or set DEV_GUILD_ID.",
              file=sys.stderr)
        return EXIT_USAGE
    return sync_commands(settings, guild_id=target)


if __name__ == "__main__":  # `python -m bot.cli` too, not only `python -m bot`
    sys.exit(main())
