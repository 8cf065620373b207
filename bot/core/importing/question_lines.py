"""Questions a page writes as lines, not headings, made headings: one entry a question.

Many FAQs mark their questions without headings: a line in bold ending in "?" (an accordion's
toggle or a definition term is converted to one), a list item that starts with one ("1. **How
do I join?** Fill in the form."), a line after a "Q:" label (its answer's "A:" label is then
dropped), or a paragraph of its own ending in "?"; quoted, as Discord posts often are, or not.

Where a page's headings are not its questions (`sections.question_level`), the question lines
of a part of it (what follows one heading up to the next) are taken when that part looks like
a FAQ: at least `MIN_LINES` of them answered, the first at its start (the top of the page may
open with a short welcome, under `sections.INTRO_MIN`). Once one part is taken, any other
part that starts with a question line is taken too (a FAQ grouped by topic, one question under
a topic). A guide's rhetorical question, or a README's "**Note:**", stays in its text. A
question line with no text after it stays text. A question line's heading is at
`QUESTION_LEVEL` and links where the heading above it does.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap

from bot.core.importing.page import Block, BlockKind, Heading, Page, Part, as_block, plain
from bot.core.importing.sections import INTRO_MIN, QUESTION_LEVEL, question_level, title_heading

MIN_LINES = 2  # question lines a part of a page needs to be taken for a FAQ's
LONGEST = 200  # characters: a longer paragraph ending in "?" is prose, not a FAQ's question
_BOLD = r"\*\*(?P<bold>(?:(?!\*\*).)+)\*\*:?"  # text in bold, no bold mark inside
_BOLD_LINE = re.compile(_BOLD)
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+" + _BOLD + r"\s*(?P<rest>.*)")
# "Q:", "Q." or "Question:" (in bold or not) before the question
_Q_LABEL = re.compile(r"(?:\*\*)?(?:q|question)\s*[:.](?:\*\*)?\s+(?P<text>\S.*)",
                      re.IGNORECASE)
ANSWER_LABEL = re.compile(r"(?:\*\*)?(?:a|answer)\s*:(?:\*\*)?(?:\s+|$)", re.IGNORECASE)
_QUOTED = re.compile(r"> ?")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)")  # [text](address)
_MARK = re.compile(r"(?<!\\)(?:\*+|~~|`)")  # the converters' emphasis and code marks
_ESCAPED = re.compile(r"\\([\\*_~|`])")


def with_question_lines(page: Page) -> Page:
    """The page with its question lines as headings; as it is when none is taken."""
    if question_level(page) is not None:
        return page
    runs: list[list[Part]] = [[]]  # the page cut before each heading
    for part in page.parts:
        if isinstance(part, Heading):
            runs.append([])
        runs[-1].append(part)
    title = title_heading(page)
    asked = [_asked(run) for run in runs]
    faq_like = [len(lines) >= MIN_LINES and lead <= _opening(run, title)
                for run, (_, lines, lead) in zip(runs, asked, strict=True)]
    if not any(faq_like):
        return page
    parts: list[Part] = []
    for run, (pieces, lines, lead), taken in zip(runs, asked, faq_like, strict=True):
        parts.extend(_unlabelled(pieces) if taken or (lines and lead == 0) else run)
    return Page(page.name, tuple(parts), page.title, page.url, page.aliases, page.notes)


def _opening(run: list[Part], title: Heading | None) -> int:
    """How much text (in characters) may come before a run's first question line: a short
    welcome at the top of the page (before any heading, or under its title); none elsewhere."""
    return INTRO_MIN if not run or not isinstance(run[0], Heading) or run[0] is title else 0


def _asked(run: list[Part]) -> tuple[list[Part], list[Heading], int]:
    """A run of parts (a heading, if any, and what follows it up to the next) with its
    question lines as headings linking where that heading does; those headings; and how many
    characters of text come before the first. A question line with no text after it (another
    right after it, or the run's end) answers nothing: it stays a line in bold."""
    head = run[0] if run and isinstance(run[0], Heading) else None
    split = [piece for part in run[head is not None:] for piece in _split(part)]
    pieces: list[Part] = [head] if head is not None else []
    lines: list[Heading] = []
    lead = 0  # characters of text before the first question line
    for n, piece in enumerate(split):
        answered = n + 1 < len(split) and isinstance(split[n + 1], Block)
        if isinstance(piece, Heading) and answered:
            line = dataclasses.replace(piece, anchor=head.anchor if head else None)
            lines.append(line)
            pieces.append(line)
        else:
            text = as_block(piece)
            lead += 0 if lines else len(text.text)
            pieces.append(text)
    return pieces, lines, lead


def question_of(line: str, alone: bool = False) -> str | None:
    """The question a line asks as a line of its own, or None: a whole line in bold ending in
    "?", any text after a "Q:" label, or (`alone`: the line is a paragraph of its own) a line
    that ends in "?". Markdown as the converters write it."""
    line = line.strip()
    labelled = _Q_LABEL.fullmatch(line.removeprefix("**").removesuffix("**"))
    if labelled is not None:
        return _plain(labelled["text"])
    bold = bold_question(line)
    if bold is not None:
        return bold
    asked = _plain(line)
    if alone and asked.endswith("?") and len(asked) <= LONGEST and not line.startswith(
            ("-", "*", "+", ">", "#", "|", "`")) and not line[:1].isdigit():
        return asked
    return None


def bold_question(line: str) -> str | None:
    """The question of a whole line in bold that ends in "?", as plain text, or None."""
    bold = _BOLD_LINE.fullmatch(line.strip())
    asked = _plain(bold["bold"]) if bold is not None else ""
    return asked if asked.endswith("?") else None


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
        if item is not None and _plain(item["bold"]).endswith("?"):
            question = _plain(item["bold"])
        else:
            item = None
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
        label = ANSWER_LABEL.match(part.text) if isinstance(part, Block) and after_question \
            and part.kind is BlockKind.TEXT else None
        if label is None:
            out.append(part)
        elif part.text[label.end():].strip():
            out.append(Block(part.text[label.end():]))
    return out


def _plain(markdown: str) -> str:
    """Heading text from a line of Discord Markdown: links as their text, marks and escapes
    dropped."""
    return plain(_ESCAPED.sub(r"\1", _MARK.sub("", _LINK.sub(r"\1", markdown))))
