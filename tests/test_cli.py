"""The `faqbot` command line, run as a real program: `python -m bot ...` in a clean folder.

It runs on the tiny knowledge base (KNOWLEDGE_DIR) unless a test is about choosing the folder."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from bot.core.knowledge.models import KnowledgeBase
from bot.core.library import Library
from bot.core.matching.matcher import Matcher
from bot.settings import SHIPPED_KNOWLEDGE

TESTS = Path(__file__).resolve().parent
TINY = TESTS / "fixtures" / "tiny" / "kb"
TOKEN = "MTIzNDU2Nzg5.secret-token-value.abcdef"
SETTINGS_NAMES = (
    "DISCORD_TOKEN", "DEV_GUILD_ID", "ADMIN_USER_IDS", "KNOWLEDGE_DIR", "LOG_LEVEL",
    "SHARD_COUNT", "DATABASE_PATH", "STORE_USER_IDS", "RETENTION_DAYS", "KB_WATCH",
    "COOLDOWN_RATE", "COOLDOWN_SECONDS", "USER_ID_SALT", "PYTHONIOENCODING", "HEALTH_PORT",
    "HEALTH_HOST", "SEMANTIC", "SEMANTIC_MODEL", "SEMANTIC_MODEL_PATH", "SEMANTIC_MODEL_URL",
)
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: \S.*$")
ANSWER_Q = "how do i brew tea"  # one of the tea-brewing entry's own questions
NONE_Q = "what is the capital of france"


@dataclass
class Run:
    code: int
    out: str
    err: str


def clean_env(**extra: str | None) -> dict[str, str]:
    """No settings from this process; KNOWLEDGE_DIR the tiny knowledge base unless `extra`
    says otherwise (None: not set, so the program's default or a .env decides)."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES}
    # The chat records questions: keep its log out of the project's data/ folder.
    env["DATABASE_PATH"] = str(Path(tempfile.mkdtemp(prefix="faqbot-cli-")) / "log.sqlite3")
    env["KNOWLEDGE_DIR"] = str(TINY)
    env.update({k: v for k, v in extra.items() if v is not None})
    for name in [k for k, v in extra.items() if v is None]:
        env.pop(name, None)
    return env


def faqbot(cwd: Path, *args: str, stdin: str = "", program: tuple[str, ...] | None = None,
           **env: str | None) -> Run:
    command = [*(program or (sys.executable, "-m", "bot")), *args]
    done = subprocess.run(command, cwd=cwd, env=clean_env(**env), input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return Run(done.returncode, done.stdout, done.stderr)


def parallel(*calls: Callable[[], Run]) -> list[Run]:
    """Run independent commands at once: the suite stays fast."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda call: call(), calls))


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    """An empty working folder, so that no stray .env is read."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def tiny() -> KnowledgeBase:
    return Library.open(TINY).current.kb


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Library.open(TINY).current.matcher


@pytest.fixture(scope="module")
def suggest_q(matcher: Matcher) -> str:
    """A question the tiny knowledge base answers with at least two "did you mean" choices.

    Searched for, not fixed: which questions are ambiguous changes as the matcher improves.
    """
    pool = ["coffee beans or tea leaves", "tea leaves coffee beans", "tea coffee", "drinks"]
    for question in pool:
        if len(matcher.match(question).suggestions) >= 2:
            return question
    pytest.fail("no question gets a did-you-mean reply with two choices")


# -- one program ------------------------------------------------------------------------


def test_faqbot_and_python_m_bot_are_the_same_program(cwd: Path) -> None:
    # `python -m bot.cli` as well: the module a reader finds the commands in.
    script = Path(sys.executable).with_name("faqbot")
    assert script.exists()
    module = (sys.executable, "-m", "bot.cli")
    help_a, help_b, help_c, ask_a, ask_b, ask_c = parallel(
        partial(faqbot, cwd, "--help"),
        partial(faqbot, cwd, "--help", program=(str(script),)),
        partial(faqbot, cwd, "--help", program=module),
        partial(faqbot, cwd, "ask", "--json", ANSWER_Q),
        partial(faqbot, cwd, "ask", "--json", ANSWER_Q, program=(str(script),)),
        partial(faqbot, cwd, "ask", "--json", ANSWER_Q, program=module),
    )
    for a, b in ((help_a, help_b), (help_a, help_c), (ask_a, ask_b), (ask_a, ask_c)):
        assert (a.code, a.out) == (b.code, b.out)
        assert a.code == 0
    assert "usage: faqbot" in help_a.out


# -- ask ------------------------------------------------------------------------------


def test_ask_json_one_object_per_question(cwd: Path, matcher: Matcher, suggest_q: str) -> None:
    questions = [ANSWER_Q, suggest_q, NONE_Q, "", "/quit", "1", "hello"]
    run = faqbot(cwd, "ask", "--json", stdin="\n".join(questions) + "\n")
    assert run.code == 0
    lines = run.out.splitlines()
    asked = [q for q in questions if q.strip()]
    assert len(lines) == len(asked)  # blank lines are skipped, nothing else is printed
    for line, question in zip(lines, asked, strict=True):
        obj = json.loads(line)
        assert set(obj) == {"question", "id", "score", "verdict", "suggestions", "alternatives",
                            "related"}
        match = matcher.match(question)
        assert obj["question"] == question
        assert obj["verdict"] == match.verdict.value
        assert obj["id"] == match.answer_id
        assert obj["suggestions"] == list(match.suggestions)
        assert obj["alternatives"] == list(match.alternatives)
        assert obj["related"] == list(match.related)
        assert 0.0 <= obj["score"] <= 1.0
        assert obj["score"] == pytest.approx(match.score, abs=1e-3)
        if obj["verdict"] == "answer":
            assert obj["id"] is not None
            assert obj["suggestions"] == []
        else:
            assert obj["id"] is None
        if obj["verdict"] == "suggest":
            assert 1 <= len(obj["suggestions"]) <= 3
    first, second, third = (json.loads(line) for line in lines[:3])
    assert (first["verdict"], first["id"]) == ("answer", "tea-brewing")
    assert second["verdict"] == "suggest"
    assert (third["verdict"], third["id"], third["suggestions"]) == ("none", None, [])


def test_a_bug_is_one_line_and_the_traceback_only_in_the_debug_log(cwd: Path) -> None:
    # A fault no input can provoke on purpose, put in by the program that runs the CLI.
    program = (sys.executable, "-c", (
        "import sys\n"
        "from bot.core.matching.matcher import Matcher\n"
        "def broken(self, question): raise RuntimeError('boom')\n"
        "Matcher.match = broken\n"
        "from bot.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"))
    quiet = faqbot(cwd, "ask", ANSWER_Q, program=program)
    assert quiet.code == 1
    assert quiet.err.strip().splitlines() == [
        "faqbot: ask failed: RuntimeError: boom (LOG_LEVEL=DEBUG logs the traceback)"]
    done = subprocess.run([*program, "ask", ANSWER_Q], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False, env=clean_env(LOG_LEVEL="DEBUG"))
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: boom" in done.stderr


def test_ask_with_a_question_argument(cwd: Path) -> None:
    # Words after `ask` make one question, quoted or not.
    run, text = parallel(partial(faqbot, cwd, "ask", "--json", *ANSWER_Q.split()),
                         partial(faqbot, cwd, "ask", ANSWER_Q))
    assert run.code == 0
    obj = json.loads(run.out)
    assert obj["question"] == ANSWER_Q
    assert obj["id"] == "tea-brewing"

    assert text.code == 0
    assert text.out.startswith("Brewing tea\n")
    assert "Source: The Tiny Guide — Brewing" in text.out


def test_ask_text_answers_each_line_on_its_own(cwd: Path, suggest_q: str) -> None:
    run = faqbot(cwd, "ask", stdin=f"{suggest_q}\n1\n/quit\n{ANSWER_Q}\n")
    assert run.code == 0
    assert run.out.count("Did you mean") == 1
    # "1" and "/quit" are questions too: no choice is picked and nothing stops.
    assert run.out.count("No answer in the knowledge base") == 2
    assert "Brewing tea\n====" in run.out
    assert "Type a number" not in run.out


def test_ask_answers_each_line_as_it_arrives(cwd: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], cwd=cwd,
                            env=clean_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(f"{ANSWER_Q}\n".encode())
        proc.stdin.flush()  # stdin stays open: the answer must come before end of input
        first = _read_until(proc.stdout.fileno(), b"\n")
        assert json.loads(first)["question"] == ANSWER_Q
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        err = proc.stderr.read().decode()
        proc.stdout.close()
        proc.stderr.close()
    assert "Traceback" not in err


# -- chat -----------------------------------------------------------------------------


def test_chat_piped_prints_answers_and_no_prompts(cwd: Path, suggest_q: str,
                                                  tiny: KnowledgeBase,
                                                  matcher: Matcher) -> None:
    lines = [ANSWER_Q, suggest_q, "2", "/table", "/table cost", "/topics",
             "/explain tea-brewing", "/why is tea cheap", "/reload", "/help", NONE_Q, "/quit",
             ANSWER_Q]
    run = faqbot(cwd, "chat", stdin="\n".join(lines) + "\n")
    assert run.code == 0
    out = run.out
    assert "you>" not in out
    assert "topics loaded" not in out
    assert out.startswith("Brewing tea\n")

    picked = matcher.match(suggest_q).suggestions[1]
    picked_title = tiny.title_of(picked)
    assert "Did you mean" in out
    assert f"  2. {picked_title}" in out
    # The pick is answered (a table row's heading goes on with its columns).
    assert re.search(rf"\n{re.escape(picked_title)}(: [^\n]*)?\n===", out), out

    assert "Tea and coffee compared\n" in out
    for row in ("Caffeine", "Price per cup", "Where it grows"):
        assert row in out
    assert "Price per cup: Tea vs Coffee" in out
    assert "Tens of cents" in out
    assert "Topics I know (7)" in out
    assert "verdict: answer → row-price" in out
    assert "Reloaded: 7 topics, version 2.\nNo changes." in out
    assert "/table FACTOR" in out
    assert "No answer in the knowledge base" in out
    # /quit stops: the last question is not answered a second time.
    assert out.count("Brewing tea\n===") == 2  # the first answer and /explain


def test_a_question_typed_in_another_encoding_is_answered_and_recorded(cwd: Path) -> None:
    # Latin-1 bytes from a terminal: read as U+FFFD, not as lone surrogates that the question
    # log cannot store (the question was answered, then lost with an error line).
    env = clean_env()
    done = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=cwd, env=env,
                          input=b"how do i brew t\xe9a\n", capture_output=True, timeout=60,
                          check=False)
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    assert b"Brewing tea" in done.stdout
    exported = faqbot(cwd, "export", "--format", "jsonl", "--all",
                      DATABASE_PATH=env["DATABASE_PATH"])
    assert [json.loads(line)["text"] for line in exported.out.splitlines()] == [
        "how do i brew t\ufffda"]


def test_start_without_a_token_falls_back_to_chat(cwd: Path) -> None:
    run = faqbot(cwd, stdin=ANSWER_Q + "\n")
    assert run.code == 0
    assert "No DISCORD_TOKEN set" in run.err
    assert run.out.startswith("Brewing tea")


def test_start_takes_dir_as_every_command_that_reads_the_knowledge_base(cwd: Path) -> None:
    run = faqbot(cwd, "start", "--dir", str(TINY), stdin=ANSWER_Q + "\n", KNOWLEDGE_DIR=None)
    assert run.code == 0 and run.out.startswith("Brewing tea")


@pytest.mark.parametrize("plain", [{}, {"NO_COLOR": "1"}, {"TERM": "dumb"}],
                         ids=["colour", "NO_COLOR", "TERM=dumb"])
def test_chat_is_interactive_on_a_terminal_in_colour_unless_asked_not(
        cwd: Path, plain: dict[str, str]) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat"], cwd=cwd,
                            env={**clean_env(), "TERM": "xterm", **plain},
                            stdin=follower, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    output = b""
    try:
        output += _read_until(leader, b"you> ")
        os.write(leader, b"/table cost\n")
        output += _read_until(leader, b"you> ")
        os.write(leader, b"/quit\n")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        proc.stderr.close()
    text = output.decode(errors="replace")
    assert "faqbot: 7 topics loaded." in text
    assert "Tens of cents" in text
    assert "Traceback" not in err
    coloured = re.search(rb"\x1b\[[0-9;]*m", output) is not None  # a colour or style
    assert coloured == (not plain)


def test_the_chat_stopped_by_sigterm_gives_the_terminal_back(cwd: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat"], cwd=cwd, env=clean_env(),
                            stdin=follower, stdout=follower, stderr=subprocess.PIPE)
    try:
        _read_until(leader, b"you> ")
        os.write(leader, b"half typed")
        _read_until(leader, b"typed")
        editing = termios.tcgetattr(follower)[3]
        assert not editing & termios.ECHO  # line editing at the prompt: the program echoes
        # Idle at the prompt, as when a service manager stops it. (CPython's readline loop
        # checks for signals only when its select() is interrupted: one landing while it
        # draws typed characters waits for the next key.)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert termios.tcgetattr(follower)[3] & termios.ECHO  # echo given back
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(follower)
        os.close(leader)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        proc.stderr.close()
    assert "Traceback" not in err


def _read_until(fd: int, marker: bytes, timeout: float = 20.0) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        left = deadline - time.monotonic()
        assert left > 0, data
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, data
            data += chunk
    return data


# -- kb check / kb list, and choosing the folder --------------------------------------


def test_kb_check_clean_and_where_the_folder_comes_from(cwd: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(TINY, other)
    (other / "more.yml").write_text(
        "entries:\n  - {id: extra, title: Extra, answer: More.}\n", encoding="utf-8")
    with_dotenv = tmp_path / "with-dotenv"
    with_dotenv.mkdir()
    (with_dotenv / ".env").write_text(f"KNOWLEDGE_DIR={TINY}\n", encoding="utf-8")

    shipped, by_flag, by_env, by_dotenv, env_wins, flag_wins, asked = parallel(
        partial(faqbot, cwd, "kb", "check", KNOWLEDGE_DIR=None),
        partial(faqbot, cwd, "kb", "check", "--dir", str(TINY), KNOWLEDGE_DIR=None),
        partial(faqbot, cwd, "kb", "check", KNOWLEDGE_DIR=str(other)),
        partial(faqbot, with_dotenv, "kb", "check", KNOWLEDGE_DIR=None),
        partial(faqbot, with_dotenv, "kb", "check", KNOWLEDGE_DIR=str(other)),
        partial(faqbot, with_dotenv, "kb", "check", "--dir", str(SHIPPED_KNOWLEDGE),
                KNOWLEDGE_DIR=str(other)),
        partial(faqbot, with_dotenv, "ask", "--json", "how do i brew tea", KNOWLEDGE_DIR=None),
    )
    tiny_summary = "OK: 3 entries and 3 table rows in 1 file"
    assert shipped.code == 0
    # The default is the shipped folder; what it holds is test_shipped_knowledge's business.
    assert re.fullmatch(rf"OK: \d+ entries and \d+ table rows in \d+ files?"
                        rf" \({re.escape(str(SHIPPED_KNOWLEDGE))}\)\.\n", shipped.out), shipped.out
    assert by_flag.code == 0
    assert by_flag.out == f"{tiny_summary} ({TINY}).\n"
    assert by_env.out == f"OK: 4 entries and 3 table rows in 2 files ({other}).\n"
    assert by_dotenv.out == f"{tiny_summary} ({TINY}).\n"
    assert env_wins.out.endswith(f"({other}).\n")  # the environment overrides .env
    assert flag_wins.out.endswith(f"({SHIPPED_KNOWLEDGE}).\n")  # --dir overrides both
    # The chosen folder is the one answering.
    assert json.loads(asked.out)["id"] == "tea-brewing"


NASTY_FILES: dict[str, bytes] = {
    "01-syntax.yaml": b"entries: [\n  - id: x\n",
    "02-tabs.yaml": b"entries:\n\t- id: tabbed\n",
    "03-binary.yaml": bytes(range(256)),
    "04-bom.yaml": b"\xef\xbb\xbfentries:\n  - {id: bom, title: B, answer: C}\n",
    "05-python-tag.yaml": b"entries: !!python/object/apply:os.system ['echo pwned']\n",
    "06-alias-bomb.yaml": (b"a: &a [x, x, x, x, x, x, x, x, x]\n"
                           + b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n"
                                      % ((c,) * 2 + (c - 1,) * 9)
                                      for c in range(ord("b"), ord("k")))),
    "07-deep.yaml": b"[" * 5000 + b"]" * 5000,
    "08-empty.yaml": b"",
    "09-schema.yaml": (b"entries:\n  - id: Not Kebab\n    title: [list]\n    answr: typo\n"
                       b"  - id: dup\n    title: A\n    answer: B\n    related: [nowhere]\n"
                       b"  - id: dup\n    title: A\n    answer: B\n    reviewed: someday\n"
                       b"table: 3\n"),
    "10-scalar.yaml": b"just a string\n",
    "11-dupkeys.yaml": b"entries: []\nentries: []\n",
    "12-nul.yaml": b"entries:\n  - id: a\x00b\n",
    "13-latin1.yaml": "entries:\n  - id: caf\u00e9\n".encode("latin-1"),
}


def test_kb_check_reports_every_problem_and_never_a_traceback(cwd: Path,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "nasty"
    folder.mkdir()
    for name, data in NASTY_FILES.items():
        (folder / name).write_bytes(data)
    (folder / "14-folder.yaml").mkdir()
    (folder / "15-dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    (folder / "16-outside.yaml").symlink_to(TINY / "tiny.yaml")
    (folder / "notes.txt").write_text("not a knowledge file", encoding="utf-8")

    run = faqbot(cwd, "kb", "check", "--dir", str(folder))
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines
    for line in lines:
        assert PROBLEM_LINE.match(line), line
        assert line.startswith(str(folder) + "/"), line
    named = {Path(line.split(":", 1)[0]).name for line in lines}
    expected = {*NASTY_FILES, "14-folder.yaml", "15-dangling.yaml", "16-outside.yaml"}
    assert named == expected
    assert "notes.txt" not in run.out
    assert f"{len(lines)} problems found." in run.err
    assert "pwned" not in run.out + run.err
    schema = [line for line in lines if "09-schema.yaml" in line]
    assert len(schema) >= 5  # id, title, unknown field, duplicate id, unknown related, ...

    missing = faqbot(cwd, "kb", "check", "--dir", str(tmp_path / "nowhere"))
    assert missing.code == 1
    assert missing.out == f"{tmp_path / 'nowhere'}:1:1: no such folder\n"


def test_a_broken_folder_is_reported_by_every_command(cwd: Path, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "kb.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    commands = (("chat",), ("ask", "hi"), ("why", "hi"), ("kb", "list"), ("kb", "list", "--json"))
    runs = parallel(*(partial(faqbot, cwd, *args, stdin="hi\n", KNOWLEDGE_DIR=str(folder))
                      for args in commands))
    for args, run in zip(commands, runs, strict=True):
        assert run.code == 1, args
        assert f"{folder / 'kb.yaml'}:2:5: missing required field 'title'" in run.out + run.err
    assert runs[-1].out == ""  # stdout is for JSON: a script reading it gets none


def test_kb_list(cwd: Path, tiny: KnowledgeBase) -> None:
    run = faqbot(cwd, "kb", "list", "--json")
    assert run.code == 0
    items = [json.loads(line) for line in run.out.splitlines()]
    assert [item["id"] for item in items] == list(tiny.ids)
    for item in items:
        assert {"id", "title", "questions", "keywords", "answer"} <= set(item)
        assert item["title"]
        assert item["answer"]
        assert item["questions"], item["id"]
    by_id = {item["id"]: item for item in items}
    assert by_id["row-price"]["answer"] == "Tea: A few cents; Coffee: Tens of cents"
    entry = tiny.entry("tea-brewing")
    assert entry is not None
    assert by_id["tea-brewing"]["answer"] == entry.answer
    assert by_id["tea-brewing"]["questions"] == list(entry.questions)
    assert by_id["tea-brewing"]["keywords"] == list(entry.keywords)

    text = faqbot(cwd, "kb", "list", "--dir", str(TINY))
    assert text.code == 0
    assert text.out.startswith("tea-brewing: Brewing tea\n")
    assert "  ? how long should tea steep" in text.out
    assert "  keywords: tea, steep, brew, leaves" in text.out
    assert "  | Steep the leaves for three minutes" in text.out
    assert "row-price: Price per cup" in text.out
    assert "  | Tea: A few cents; Coffee: Tens of cents" in text.out


def test_output_never_crashes_on_odd_encodings(cwd: Path, tmp_path: Path) -> None:
    # A non-UTF-8 terminal: escapes instead of a UnicodeEncodeError.
    run = faqbot(cwd, "kb", "list", "--json", PYTHONIOENCODING="ascii")
    assert run.code == 0
    assert all(json.loads(line)["id"] for line in run.out.splitlines())
    # A file name that is not UTF-8, printed to a strict UTF-8 stream.
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff-bad.yaml")).write_text("entries: [\n", encoding="utf-8")
    bad = faqbot(cwd, "kb", "check", "--dir", str(folder), PYTHONIOENCODING="utf-8")
    assert bad.code == 1
    assert "-bad.yaml:" in bad.out


def test_a_closed_pipe_ends_quietly(cwd: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask"], cwd=cwd, env=clean_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before anything is written
    _, err = proc.communicate(((ANSWER_Q + "\n") * 500).encode(), timeout=60)
    assert "Traceback" not in err.decode()
    assert proc.returncode != 0


# -- run, tokens and settings -------------------------------------------------------------


def test_run_without_a_token_says_what_to_set(cwd: Path) -> None:
    run = faqbot(cwd, "run")
    assert run.code == 2
    assert run.out == ""
    assert "DISCORD_TOKEN is not set" in run.err
    assert ".env" in run.err
    assert "`faqbot chat` works without Discord" in run.err


def test_a_token_on_the_command_line_is_refused(cwd: Path) -> None:
    variants = (
        ("--token", TOKEN, "run"),
        ("run", "--token", TOKEN),
        ("run", f"--token={TOKEN}"),
        ("chat", "--token", TOKEN),
        ("kb", "check", "--token", TOKEN),
    )
    runs = parallel(*(partial(faqbot, cwd, *args) for args in variants))
    for args, run in zip(variants, runs, strict=True):
        assert run.code == 2, args
        assert "refusing a token on the command line" in run.err
        assert "DISCORD_TOKEN" in run.err
        assert TOKEN not in run.out + run.err


def test_bad_settings_are_a_clear_error(cwd: Path) -> None:
    with_dotenv = cwd / "with-dotenv"
    with_dotenv.mkdir()
    (with_dotenv / ".env").write_text("LOG_LEVEL=chatty\n", encoding="utf-8")
    run, from_dotenv = parallel(
        partial(faqbot, cwd, "kb", "check", DEV_GUILD_ID="abc", DISCORD_TOKEN=TOKEN),
        partial(faqbot, with_dotenv, "kb", "check"),
    )
    assert run.code == 2
    assert run.err == "faqbot: DEV_GUILD_ID must be a whole number, not 'abc'\n"
    assert from_dotenv.code == 2
    assert "LOG_LEVEL" in from_dotenv.err


# -- eval and why ------------------------------------------------------------------------


def test_eval_and_min_overall(cwd: Path) -> None:
    (cwd / "tiny-eval.yaml").write_text(
        "questions:\n  - {q: how do i brew tea, ids: [tea-brewing]}\n"
        "  - {q: what is the capital of france, ids: []}\n", encoding="utf-8")
    (cwd / "half-eval.yaml").write_text(
        "questions:\n  - {q: how do i brew tea, ids: [tea-brewing]}\n"
        "  - {q: what is the capital of france, ids: [flat-tyre]}\n", encoding="utf-8")
    (cwd / "bad-eval.yaml").write_text("questions: 3\n", encoding="utf-8")
    (cwd / "deep-eval.yaml").write_text("[" * 10_000, encoding="utf-8")
    (cwd / "typo-eval.yaml").write_text("questions:\n  - {q: how do i brew tea, "
                                        "ids: [tea-brewnig]}\n", encoding="utf-8")
    passing, failing, percent, nan, tiny, *bad = parallel(
        partial(faqbot, cwd, "eval", "tiny-eval.yaml", "--min-overall", "0"),
        partial(faqbot, cwd, "eval", "half-eval.yaml", "--min-overall", "0.9"),
        partial(faqbot, cwd, "eval", "tiny-eval.yaml", "--min-overall", "85"),
        partial(faqbot, cwd, "eval", "tiny-eval.yaml", "--min-overall", "nan"),
        partial(faqbot, cwd, "eval", "tiny-eval.yaml", "--dir", str(TINY), "--min-overall", "1"),
        partial(faqbot, cwd, "eval", "bad-eval.yaml"),
        partial(faqbot, cwd, "eval", "missing.yaml"),
        partial(faqbot, cwd, "eval", "deep-eval.yaml"),
        partial(faqbot, cwd, "eval", "typo-eval.yaml"),
    )
    assert passing.code == 0
    assert passing.out.startswith("overall")
    assert "in-scope top-1" in passing.out
    assert failing.code == 1
    assert "is below --min-overall 0.900" in failing.err
    assert percent.code == nan.code == 2  # a share from 0 to 1: never passed or failed by it
    assert "85 is not a share from 0 to 1 (0.85, not 85)" in percent.err
    assert "nan is not a share from 0 to 1" in nan.err
    assert tiny.code == 0, tiny.out
    assert "(2/2)" in tiny.out
    for path, run in zip(("bad-eval.yaml", "missing.yaml", "deep-eval.yaml", "typo-eval.yaml"),
                         bad, strict=True):
        assert run.code == 2
        assert run.err.startswith(f"faqbot: cannot read {path}")
    assert "deep-eval.yaml:1:51: values are nested more than 50 levels deep" in bad[2].err
    assert ("typo-eval.yaml:2:34: question 1 ('how do i brew tea'): id 'tea-brewnig' is not in "
            "the knowledge base") in bad[3].err


def test_why_prints_the_top_candidates(cwd: Path) -> None:
    run = faqbot(cwd, "why", "is", "tea", "cheap")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "verdict: answer → row-price"
    assert lines[1].startswith("1. row-price — Price per cup  score ")
    numbered = [line for line in lines if re.match(r"^\d\. ", line)]
    assert 2 <= len(numbered) <= 5


SEMANTIC_KB = TESTS / "fixtures" / "semantic" / "kb"


def test_why_and_eval_with_the_semantic_layer(cwd: Path, model_folder: Path) -> None:
    (cwd / "community-eval.yaml").write_text(
        "questions:\n  - {q: \"whats a boost, is it like a retweet\", ids: [server-boosts]}\n"
        "  - {q: will it rain tomorrow, ids: []}\n", encoding="utf-8")
    semantic = {"SEMANTIC": "1", "SEMANTIC_MODEL_PATH": str(model_folder)}
    why, lexical, fused, missing = parallel(
        partial(faqbot, cwd, "why", "--dir", str(SEMANTIC_KB), "how can i pm a user",
                **semantic),
        partial(faqbot, cwd, "eval", "community-eval.yaml", "--dir", str(SEMANTIC_KB)),
        partial(faqbot, cwd, "eval", "community-eval.yaml", "--dir", str(SEMANTIC_KB),
                **semantic),
        partial(faqbot, cwd, "ask", "--json", "--dir", str(SEMANTIC_KB), "how do i DM someone",
                SEMANTIC="1", SEMANTIC_MODEL_PATH=str(cwd / "no-model")),
    )
    assert why.code == 0, why.err
    lines = why.out.splitlines()
    assert lines[0].startswith("verdict: suggest → direct-messages")
    assert lines[1].startswith("1. direct-messages — Sending direct messages  score ")
    assert re.match(r"^ +score \d\.\d\d = 0\.70 × lexical \d\.\d\d \+ 0\.30 × semantic "
                    r"\d\.\d\d \(cosine \d\.\d\d\)$", lines[2])
    assert "(1/2)" in lexical.out
    assert "(2/2)" in fused.out, fused.out
    # No model: one line says so, and the bot answers lexically.
    assert missing.code == 0
    assert json.loads(missing.out)["id"] == "direct-messages"
    assert missing.err.startswith("Semantic layer off: SEMANTIC_MODEL_PATH ")
    assert len(missing.err.splitlines()) == 1


def test_without_the_semantic_extra_one_line_says_how_to_install_it(cwd: Path) -> None:
    # onnxruntime made unimportable, as in an install without the `semantic` extra.
    program = (sys.executable, "-c", "import sys; sys.modules['onnxruntime'] = None; "
               "from bot.cli import main; sys.exit(main())")
    run = faqbot(cwd, "ask", "--json", "--dir", str(SEMANTIC_KB), "how do i DM someone",
                 program=program, SEMANTIC="1")
    assert run.code == 0
    assert json.loads(run.out)["id"] == "direct-messages"
    assert run.err == ("Semantic layer off: the 'semantic' extra is not installed (make run "
                       "SEMANTIC=1 installs it, or pip install 'faqbot[semantic]'); answering "
                       "with the lexical matcher.\n")


def test_ctrl_c_while_starting_is_a_quiet_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from bot.__main__ import run

    def interrupted() -> int:
        raise KeyboardInterrupt  # as if pressed while the command line was still importing

    starting = types.ModuleType("bot.cli")
    starting.main = interrupted  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.cli", starting)
    assert run() == 130


def test_any_locale_and_any_bytes_print_something_readable(cwd: Path) -> None:
    doctor = faqbot(cwd, "doctor", LC_ALL="C", LANG="C", PYTHONUTF8="0")
    assert doctor.out.startswith("\\u2713 settings parsed")  # ✓ written as an escape
    assert "failed" not in doctor.err
    asked = faqbot(cwd, "ask", "--json", os.fsdecode(b"how do i brew tea \xff"))
    assert json.loads(asked.out)["question"] == "how do i brew tea \ufffd"  # valid UTF-8


def test_ask_at_a_terminal_says_what_it_waits_for(cwd: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask"], cwd=cwd, env=clean_env(),
                            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(follower)
    try:
        os.write(leader, b"how do i brew tea\n\x04")
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert proc.returncode == 0
    assert err.decode().startswith("faqbot ask: type one question a line; Ctrl-D ends")
    assert out.decode().startswith("Brewing tea")
