"""Questions a page writes as lines, not headings, made headings: one entry a question.

Many FAQs mark their questions without headings: a line in bold ("**How do I join?**"), a
`Q:` line answered by an `A:` one, an HTML `<details>` summary or a definition list's term
(both converted to a bold line). When a page's headings are not its questions and it has at
least `MIN_LINES` such lines, and no fewer than it has headings under its title, each becomes a
heading at `QUESTION_LEVEL` (below every real heading), and an `A:` label after it is dropped.
"""

from __future__ import annotations

import re

from bot.core.importing.page import Block, BlockKind, Heading, Page, Part, plain
from bot.core.importing.sections import is_question, question_level, title_heading

QUESTION_LEVEL = 7  # deeper than every HTML and Markdown heading (h1-h6)
MIN_LINES = 2  # question lines a page needs before they are taken for its structure
_BOLD_LINE = re.compile(r"\*\*(?P<text>(?:(?!\*\*).)+)\*\*:?")  # a whole line in bold
# "Q:", "Q." or "Question:" (in bold or not) before the question
_Q_LABEL = re.compile(r"(?:\*\*)?(?:q|question)\s*[:.)](?:\*\*)?\s+(?P<text>\S.*)",
                      re.IGNORECASE)
_A_LABEL = re.compile(r"(?:\*\*)?(?:a|answer)\s*[:.)](?:\*\*)?(?:\s+|$)", re.IGNORECASE)
_ESCAPED = re.compile(r"\\([\\*_~|`])")


def with_question_lines(page: Page) -> Page:
    """The page with its question lines as headings, or as it is when it has none to take
    (its headings ask already, or too few lines ask)."""
    headings = [part for part in page.parts if isinstance(part, Heading)]
    if question_level(page) is not None:
        return page
    parts = [piece for part in page.parts for piece in _split(part)]
    asked = sum(isinstance(part, Heading) for part in parts) - len(headings)
    title = title_heading(page)
    below_title = len(headings) - (title is not None)
    if asked < MIN_LINES or asked < below_title:
        return page
    return Page(page.name, tuple(_unlabelled(parts)), page.title, page.url, page.aliases,
                page.notes)


def question_of(line: str) -> str | None:
    """The question a line asks as a line of its own, or None: a whole line in bold that
    is a question, or any text after a "Q:" label (Markdown as the converters write it)."""
    line = line.strip()
    bold = _BOLD_LINE.fullmatch(line)
    if bold is not None:
        line = bold["text"]
    labelled = _Q_LABEL.fullmatch(line)
    if labelled is not None:
        return _plain(labelled["text"])
    if bold is not None and is_question(text := _plain(line)):
        return text
    return None


def _split(part: Part) -> list[Part]:
    """A text block cut at its question lines, each a Heading; anything else as it is."""
    if isinstance(part, Heading) or part.kind is not BlockKind.TEXT:
        return [part]
    out: list[Part] = []
    lines: list[str] = []

    def flush() -> None:
        text = "\n".join(lines).strip()
        lines.clear()
        if text:
            out.append(Block(text))

    for line in part.text.split("\n"):
        question = question_of(line)
        if question is None:
            lines.append(line)
        else:
            flush()
            out.append(Heading(QUESTION_LEVEL, question))
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
