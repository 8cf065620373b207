"""The terminal adapter: the same core replies as Discord, as plain text."""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from bot.core.curation.evaluate import format_why
from bot.core.knowledge.fields import invisible
from bot.core.knowledge.models import one_line
from bot.core.library import Library
from bot.core.matching.match import Match
from bot.core.replies.admin import reload_reply
from bot.core.replies.plain_text import reply_to_text
from bot.core.replies.render import (
    compare_reply,
    explain_reply,
    render_item,
    render_topics,
    render_unknown_topic,
)
from bot.core.replies.reply import Reply

log = logging.getLogger(__name__)

HELP = """Ask a question in plain words, or use a command:
  /table            the whole comparison table
  /table FACTOR     one row of it (e.g. /table cost)
  /topics           everything I know
  /explain ID       one topic by its id (or its title)
  /why QUESTION     how the matcher scored a question
  /reload           re-read the knowledge files
  /help             this text
  /quit             leave (Ctrl-D works too)
After "Did you mean…", an answer's "Not it?" or the entries offered with no answer, type the
number of your choice."""

# Records a question; returns its id in the question log (None when it was not recorded).
QuestionHook = Callable[[str, Match], int | None]
# Records that the suggestion `item_id` was picked for the question with that id.
PickHook = Callable[[int | None, str], None]
Renderer = Callable[[Reply, int], str]
NOTHING_TO_PICK = ("There is no choice to pick right now: ask a question in words "
                   "(/help lists the commands).")


@dataclass
class ChatSession:
    """Turns one line of input into the text to print; keeps the pending did-you-mean choices."""

    library: Library
    width: int = 80
    on_question: QuestionHook | None = None
    on_pick: PickHook | None = None
    render: Renderer = reply_to_text
    pending: tuple[str, ...] = field(default=())
    pending_question: int | None = None  # the log id of the question the choices are for
    finished: bool = False

    def handle(self, line: str) -> str:
        text = line.strip()
        if invisible(text):  # nothing shows: nothing is asked, nothing recorded
            return ""
        if text.startswith("/"):
            return self._command(text)
        digits = text.rstrip(".)").removeprefix("#")  # "2", "2.", "#2": the choice typed
        if digits.removeprefix("-").isdecimal():
            # isdecimal, not isdigit: int() rejects "²"; and no int() of thousands of digits.
            # A number alone is a pick, never a question (it would only pollute the gaps);
            # "-1" is one out of range.
            if not self.pending:
                return NOTHING_TO_PICK
            return self._pick(int(digits) if len(digits) <= 6 and digits.isdecimal() else 0)
        return self._ask(text)

    def _show(self, reply: Reply) -> str:
        self.pending = tuple(c.id for c in reply.choices)  # did-you-mean, or an answer's others
        return self.render(reply, self.width)

    def _ask(self, question: str) -> str:
        match, answer = self.library.current.answer(question)
        question_id = None
        if self.on_question is not None:
            question_id = self.on_question(question, match)
        reply = self._show(answer)
        self.pending_question = question_id
        if self.pending:
            reply += "\n\nType a number to choose."
        return reply

    def _pick(self, number: int) -> str:
        if not 1 <= number <= len(self.pending):
            return f"Choose a number from 1 to {len(self.pending)}, or ask something else."
        item_id = self.pending[number - 1]
        if self.on_pick is not None:
            self.on_pick(self.pending_question, item_id)
        reply = render_item(self.library.current.kb, item_id)
        return self._show(reply) if reply else self._show(render_unknown_topic(
            self.library.current.kb))

    def _command(self, text: str) -> str:
        name, _, arg = text[1:].partition(" ")
        arg = arg.strip()
        kb = self.library.current.kb
        match name.lower():
            case "quit" | "exit" | "q":
                self.finished = True
                return ""
            case "help":
                return HELP
            case "topics":
                return self._show(render_topics(kb))
            case "table" | "compare":
                reply, _ = compare_reply(kb, arg)
                return self._show(reply)
            case "explain":
                if not arg:
                    return "Usage: /explain ID (an id or a title; /topics lists them)"
                return self._show(explain_reply(kb, arg) or render_unknown_topic(kb))
            case "why":
                if not arg:
                    return "Usage: /why QUESTION"
                return format_why(self.library.current.matcher, arg)
            case "reload":
                return self.render(reload_reply(self.library.reload()), self.width)
            case _:
                return f"Unknown command /{one_line(name)}. Type /help for the list."


def run_chat(session: ChatSession, lines: Iterable[str], out: TextIO, *, interactive: bool) -> None:
    """Answer lines until end of input or /quit; a blank line separates piped answers."""
    if interactive:
        kb = session.library.current.kb
        out.write(f"faqbot: {len(kb.ids)} topics loaded. Ask a question, /help for commands, "
                  "/quit to leave.\n")
    for line in lines:
        try:
            answer = session.handle(line)
        except Exception:  # one bad line must not end the chat; the log has the traceback
            log.exception("could not answer %r", line[:200])
            answer = "Sorry, something went wrong while answering that. It has been logged."
        if session.finished:
            break
        if answer:
            out.write(answer + "\n\n")
        out.flush()


def prompted_lines(prompt: str = "you> ") -> Iterator[str]:
    """Lines typed at a prompt, with line editing where readline is available."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (enables history and editing for input())
    while True:
        try:
            yield input(prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            return


def terminal_width() -> int:
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
