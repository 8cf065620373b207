"""Questions a page writes as lines, not headings, made headings: one entry a question.

Many FAQs mark their questions without headings: a line in bold ("**How do I join?**", or an
HTML accordion's toggle or definition term, converted so), a list item that starts with one
("1. **How do I join?** Fill in the form."), a `Q:` line answered by an `A:` one, or a
paragraph of its own that ends with a question mark; quoted, as Discord posts often are, or
not. When a page's headings are not its questions (`sections.question_level`), the question
lines of each part of it between two headings become headings at `QUESTION_LEVEL` (below
every real heading) if that part has at least `MIN_LINES` of them, so that a guide with a
rhetorical question here and there keeps its text whole, or when it starts with one (a FAQ
grouped by topic, one question under a topic). An `A:` label after a question is dropped.
"""

from __future__ import annotations

import re
import textwrap

from bot.core.importing.page import Block, BlockKind, Heading, Page, Part, plain
from bot.core.importing.sections import is_question, question_level

QUESTION_LEVEL = 7  # deeper than every HTML and Markdown heading (h1-h6)
MIN_LINES = 2  # question lines a part of a page needs before they are taken for its structure
LONGEST = 200  # characters: a longer paragraph ending in "?" is prose, not a FAQ's question
_BOLD = r"\*\*(?P<bold>(?:(?!\*\*).)+)\*\*:?"  # bold text, no bold mark inside
_BOLD_LINE = re.compile(_BOLD)
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+" + _BOLD + r"\s*(?P<rest>.*)")
# "Q:", "Q." or "Question:" (in bold or not) before the question
_Q_LABEL = re.compile(r"(?:\*\*)?(?:q|question)\s*[:.)](?:\*\*)?\s+(?P<text>\S.*)",
                      re.IGNORECASE)
_A_LABEL = re.compile(r"(?:\*\*)?(?:a|answer)\s*[:.)](?:\*\*)?(?:\s+|$)", re.IGNORECASE)
_QUOTED = re.compile(r"> ?")
_ESCAPED = re.compile(r"\\([\\*_~|`])")


def with_question_lines(page: Page) -> Page:
    """The page with its question lines as headings; as it is when its headings ask already
    or it has fewer than `MIN_LINES` question lines to take."""
    if question_level(page) is not None:
        return page
    runs: list[list[Part]] = [[]]  # the page cut before each heading
    for part in page.parts:
        if isinstance(part, Heading):
            runs.append([])
        runs[-1].append(part)
    split = [[piece for part in run for piece in _split(part)] for run in runs]
    taken = [_asks(run, pieces) for run, pieces in zip(runs, split, strict=True)]
    if sum(asked for asked in taken) < MIN_LINES:
        return page
    parts = [part for run, pieces, asked in zip(runs, split, taken, strict=True)
             for part in (_unlabelled(pieces) if asked else run)]
    return Page(page.name, tuple(parts), page.title, page.url, page.aliases, page.notes)


def _asks(run: list[Part], pieces: list[Part]) -> int:
    """How many question lines of a run of parts (a heading, if any, and what follows it up
    to the next) are taken: all of them when there are `MIN_LINES` or when the run's text
    starts with one; none when a lone one comes after other text (a guide's aside)."""
    headed = bool(run) and isinstance(run[0], Heading)
    lines = [p for p in pieces[headed:] if isinstance(p, Heading)]
    first = pieces[headed] if len(pieces) > headed else None
    return len(lines) if len(lines) >= MIN_LINES or (lines and first is lines[0]) else 0


def question_of(line: str, alone: bool = False) -> str | None:
    """The question a line asks as a line of its own, or None: a whole line in bold that is a
    question, any text after a "Q:" label, or (`alone`: the line is a paragraph of its own)
    one that ends with a question mark. Markdown as the converters write it."""
    line = line.strip()
    bold = _BOLD_LINE.fullmatch(line)
    text = bold["bold"] if bold is not None else line
    labelled = _Q_LABEL.fullmatch(text)
    if labelled is not None:
        return _plain(labelled["text"])
    asked = _plain(text)
    if bold is not None and is_question(asked):
        return asked
    if alone and asked.endswith("?") and len(asked) <= LONGEST and not line.startswith(
            ("-", "*", ">", "#", "|", "`")) and not line[:1].isdigit():
        return asked
    return None


def _split(part: Part) -> list[Part]:
    """A text block cut at its question lines, each a Heading; anything else as it is."""
    if isinstance(part, Heading) or part.kind is not BlockKind.TEXT:
        return [part]
    lines = part.text.split("\n")
    if all(_QUOTED.match(line) for line in lines):  # a quote: its lines, unquoted
        lines = [_QUOTED.sub("", line, count=1) for line in lines]
    out: list[Part] = []
    kept: list[str] = []
    item_answer = False  # whether `kept` is the rest of a list item that asked

    def flush() -> None:
        if item_answer and len(kept) > 1:  # its further lines, indented under the item
            kept[1:] = textwrap.dedent("\n".join(kept[1:])).split("\n")
        text = "\n".join(kept).strip()
        kept.clear()
        if text:
            out.append(Block(text))

    for line in lines:
        question = question_of(line, alone=len(lines) == 1)
        item = _LIST_ITEM.fullmatch(line.strip()) if question is None else None
        if item is not None and is_question(_plain(item["bold"])):
            question = _plain(item["bold"])
        if question is None:
            kept.append(line)
            continue
        flush()
        out.append(Heading(QUESTION_LEVEL, question))
        item_answer = item is not None
        if item is not None:
            kept.append(item["rest"])
    flush()
    return out if any(isinstance(p, Heading) for p in out) else [part]


def _unlabelled(parts: list[Part]) -> list[Part]:
    """The "A:" label dropped from the text right after each question line."""
    out: list[Part] = []
    for part in parts:
        after_question = bool(out) and isinstance(out[-1], Heading) \
            and out[-1].level == QUESTION_LEVEL
        label = _A_LABEL.match(part.text) if isinstance(part, Block) and after_question \
            and part.kind is BlockKind.TEXT else None
        if label is None:
            out.append(part)
        elif part.text[label.end():].strip():
            out.append(Block(part.text[label.end():]))
    return out


def _plain(markdown: str) -> str:
    """Heading text from a line of Discord Markdown: bold marks and escapes dropped."""
    return plain(_ESCAPED.sub(r"\1", markdown.replace("**", "")))
