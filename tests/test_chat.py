"""The terminal chat, in process: real library, real matcher, real renderers."""

from __future__ import annotations

import io
import logging
import shutil
from pathlib import Path

import pytest

from bot.chat import HELP, NOTHING_TO_PICK, ChatSession, run_chat
from bot.core.library import Library
from bot.core.matching.match import Match, Verdict
from bot.core.replies.render import render_item
from bot.core.replies.reply import ALTERNATIVES_TITLE

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny" / "kb"
SUGGEST_Q = "coffee beans or tea leaves"  # the tiny KB cannot tell which item this means


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def session(folder: Path) -> ChatSession:
    return ChatSession(Library.open(folder), width=80)


def test_a_question_gets_the_answer_as_discord_shows_it(session: ChatSession) -> None:
    text = session.handle("how do i brew tea")
    assert text.startswith("Brewing tea\n===========\n")
    assert "Steep the leaves for three minutes" in text
    assert "See also: Grinding coffee, Tea and coffee compared" in text
    assert "Source: The Tiny Guide — Brewing" in text
    assert session.pending == ()


def test_a_table_row_answer_shows_an_aligned_table(session: ChatSession) -> None:
    text = session.handle("which has more caffeine, tea or coffee")
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Factor"))
    row = next(line for line in lines if line.startswith("Caffeine "))
    assert header.index("Tea") == row.index("About 40")
    assert header.index("Coffee") == row.index("About 95")


def test_did_you_mean_then_pick_by_number(session: ChatSession) -> None:
    match = session.library.current.matcher.match(SUGGEST_Q)
    assert match.verdict is Verdict.SUGGEST
    text = session.handle(SUGGEST_Q)
    assert "Did you mean" in text
    titles = [session.library.current.kb.title_of(i) for i in match.suggestions]
    for n, title in enumerate(titles, 1):
        assert f"  {n}. {title}" in text
    assert "Type a number to choose." in text
    assert session.pending == match.suggestions

    assert session.handle("9").startswith("Choose a number from 1 to 3")
    assert session.handle("0").startswith("Choose a number from 1 to 3")
    assert session.pending == match.suggestions  # a wrong number keeps the choices

    picked = session.handle(" 2 ")
    assert picked.startswith(titles[1])
    assert session.pending == ()
    # With nothing pending, a number is no question: it is said so, and not recorded.
    assert session.handle("2") == NOTHING_TO_PICK


def test_an_answers_alternatives_are_picked_by_number(session: ChatSession) -> None:
    question = "what temperature for coffee"  # the tiny KB answers it, unsure of the lead
    match = session.library.current.matcher.match(question)
    assert match.verdict is Verdict.ANSWER and match.alternatives, match
    text = session.handle(question)
    kb = session.library.current.kb
    assert text.startswith(kb.title_of(match.answer_id or ""))
    assert ALTERNATIVES_TITLE in text and "Type a number to choose." in text
    assert session.pending == match.alternatives
    assert session.handle("1").startswith(kb.title_of(match.alternatives[0]))
    assert session.pending == ()


def test_questions_and_picks_are_recorded_and_lone_numbers_are_not(folder: Path) -> None:
    asked: list[str] = []
    picks: list[tuple[int | None, str]] = []

    def record(question: str, match: Match) -> int:
        asked.append(question)
        return 100 + len(asked)

    session = ChatSession(Library.open(folder), on_question=record,
                          on_pick=lambda qid, item: picks.append((qid, item)))
    session.handle("7")
    session.handle(SUGGEST_Q)
    session.handle("how do i brew tea")  # answered: its choices are gone
    session.handle("1")
    session.handle(SUGGEST_Q)
    session.handle("4")  # out of range: not a pick
    session.handle("2")
    assert asked == [SUGGEST_Q, "how do i brew tea", SUGGEST_Q]
    assert picks == [(103, session.library.current.matcher.match(SUGGEST_Q).suggestions[1])]


def test_the_chat_renders_markdown_for_a_terminal_and_plain_when_piped(folder: Path) -> None:
    from functools import partial

    from bot.terminal import render_reply

    (folder / "more.yaml").write_text(
        "entries:\n  - id: styled\n    title: Styled answer\n    questions: [show the "
        "styled answer]\n    answer: |\n      A **bold** claim and `code`.\n      A second "
        "line.\n      - one\n      - two\n", encoding="utf-8")
    library = Library.open(folder)
    plain = ChatSession(library, render=partial(render_reply, color=False))
    text = plain.handle("show the styled answer")
    assert "A bold claim and code.\nA second line.\n" in text
    assert "• one" in text and "• two" in text
    assert "**" not in text and "`" not in text and "\x1b[" not in text
    coloured = ChatSession(library, render=partial(render_reply, color=True))
    text = coloured.handle("show the styled answer")
    assert "\x1b[1mbold\x1b[0m" in text
    assert "**" not in text


@pytest.mark.parametrize("odd", ["²", "٣", "9" * 5000])
def test_odd_numbers_never_crash(session: ChatSession, odd: str) -> None:
    session.handle(SUGGEST_Q)
    assert session.pending
    text = session.handle(odd)
    assert isinstance(text, str)
    assert text


def test_no_answer_names_topics(session: ChatSession) -> None:
    text = session.handle("what is the capital of france")
    assert text.startswith("No answer in the knowledge base")
    assert "Brewing tea" in text
    assert "/topics" in text


def test_no_answer_offers_the_closest_entry_to_pick_by_number(folder: Path) -> None:
    with (folder / "tiny.yaml").open("a", encoding="utf-8") as kb:
        kb.write("matcher:\n  answer: 0.95\n  suggest: 0.95\n")  # no question answered
    session = ChatSession(Library.open(folder), width=80)
    text = session.handle("steeping tea leaves")
    assert text.startswith("No answer in the knowledge base")
    assert "came closest" in text and "  1. Brewing tea" in text
    assert session.pending == ("tea-brewing",)
    assert session.handle("1").startswith("Brewing tea\n")


def test_commands(session: ChatSession) -> None:
    table = session.handle("/table")
    assert table.startswith("Tea and coffee compared")
    assert "Caffeine" in table
    assert "Price per cup" in table
    assert "─" in table

    row = session.handle("/table price")
    assert row.startswith("Price per cup: Tea vs Coffee")
    assert "Tens of cents" in row
    assert "About 95 mg" not in row
    assert session.handle("/table Caffeine").startswith("Caffeine")
    assert session.handle("/compare caffeine").startswith("Caffeine")
    unknown = session.handle("/table sugar")
    assert "Its factors are: Caffeine, Where it grows, Price per cup" in unknown

    topics = session.handle("/topics")
    assert topics.startswith("Topics I know (7)")
    for item_id in session.library.current.kb.ids:
        assert f"`{item_id}`" in topics

    assert session.handle("/help") == HELP
    assert session.handle("/HELP") == HELP
    assert session.handle("/explain flat-tyre").startswith("Fixing a flat tyre")
    assert session.handle("/explain FLAT-TYRE").startswith("Fixing a flat tyre")
    assert session.handle("/explain fixing a flat tyre").startswith("Fixing a flat tyre")
    assert session.handle("/explain nothing-here").startswith("Unknown topic")

    why = session.handle(f"/why {SUGGEST_Q}")
    assert why.startswith("verdict: suggest")
    assert "1. " in why
    assert "row-price" in why
    assert session.handle("/why") == "Usage: /why QUESTION"

    assert session.handle("/frobnicate").startswith("Unknown command /frobnicate")
    assert session.handle("   ") == ""
    assert not session.finished
    assert session.handle("/quit") == ""
    assert session.finished


def test_reload_command(session: ChatSession, folder: Path) -> None:
    assert session.handle("/reload") == ("Knowledge base reloaded\n=======================\n\n"
                                         "Reloaded: 7 topics, version 2.\nNo changes.")
    path = folder / "tiny.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("three minutes", "five minutes"),
                    encoding="utf-8")
    text = session.handle("/reload")
    assert "Reloaded: 7 topics, version 3." in text
    assert "Edited (1): tea-brewing" in text
    assert "five minutes" in session.handle("how do i brew tea")

    path.write_text(path.read_text(encoding="utf-8").replace("id: flat-tyre", "id: Flat Tyre"),
                    encoding="utf-8")
    failed = session.handle("/reload")
    assert failed.startswith("Reload refused: 1 problem\n")
    assert "Flat Tyre" in failed
    assert f"{path}:" in failed
    assert failed.endswith("The previous knowledge base is still live.")
    assert session.handle("/explain flat-tyre").startswith("Fixing a flat tyre")
    assert session.library.current.version == 3


def test_run_chat_piped_prints_one_answer_per_line(session: ChatSession) -> None:
    out = io.StringIO()
    lines = ["how do i brew tea\n", "\n", SUGGEST_Q + "\n", "1\n", "/table\n", "/quit\n",
             "how do i fix a flat tyre\n"]
    run_chat(session, lines, out, interactive=False)
    text = out.getvalue()
    assert "you>" not in text
    assert "topics loaded" not in text
    assert text.index("Brewing tea") < text.index("Did you mean") < text.index("Caffeine")
    assert "Fixing a flat tyre" not in text  # after /quit
    # Four answers, each followed by a blank line.
    answers = [a for a in text.split("\n\n") if a.split("\n")[-1].startswith("=")]
    assert text.endswith("\n\n")
    assert len(answers) >= 4


def test_run_chat_interactive_greets(session: ChatSession) -> None:
    out = io.StringIO()
    run_chat(session, [], out, interactive=True)
    assert out.getvalue().startswith("faqbot: 7 topics loaded.")


def test_one_failing_line_does_not_end_the_chat(
    session: ChatSession, caplog: pytest.LogCaptureFixture,
) -> None:
    asked: list[tuple[str, Match]] = []

    def hook(question: str, match: Match) -> None:
        asked.append((question, match))
        if question == "boom":
            raise RuntimeError("hook failed")

    session.on_question = hook
    out = io.StringIO()
    with caplog.at_level(logging.ERROR):
        run_chat(session, ["boom\n", "how do i brew tea\n"], out, interactive=False)
    assert "something went wrong" in out.getvalue()
    assert "Brewing tea" in out.getvalue()
    assert [q for q, _ in asked] == ["boom", "how do i brew tea"]
    assert asked[1][1].answer_id == "tea-brewing"
    assert "could not answer" in caplog.text


def test_explain_and_why_without_an_argument_say_how_to_use_them(session: ChatSession) -> None:
    assert session.handle("/explain") == "Usage: /explain ID (an id or a title; /topics lists them)"
    assert session.handle("/why") == "Usage: /why QUESTION"


def test_what_a_member_typed_is_never_sent_raw_to_the_terminal(session: ChatSession) -> None:
    text = session.handle("/\x1b]0;pwned\x07\x1b[2Jx")
    assert text == "Unknown command /\\x1b]0;pwned\\x07\\x1b[2Jx. Type /help for the list."


def test_a_choice_typed_loosely_is_still_a_pick_and_invisible_lines_ask_nothing(
        folder: Path) -> None:
    asked: list[str] = []
    session = ChatSession(Library.open(folder), width=80,
                          on_question=lambda question, match: asked.append(question) or None)
    assert session.handle("\u200b \u2060") == "" and asked == []
    session.handle(SUGGEST_Q)
    pending = session.pending
    assert len(pending) >= 2 and asked == [SUGGEST_Q]
    for typo in ("-1", "0.", "#9"):
        assert session.handle(typo).startswith("Choose a number from 1 to")
        assert session.pending == pending  # the choices stay
    assert session.handle("#2").splitlines()[0] == session.render(
        render_item(session.library.current.kb, pending[1]), 80).splitlines()[0]
    assert asked == [SUGGEST_Q]  # no typo was asked as a question
