"""Questions a page writes as lines, not headings, made headings: one entry a question.

Many FAQs mark their questions without headings: a line in bold ending in "?", a list whose
every item starts with one ("1. **How do I join?** Fill in the form."), or a line after a "Q:"
label (its answer's "A:" label is then dropped); quoted, as Discord posts often are, or not.
An HTML page's toggles come as headings at `QUESTION_LEVEL` already (a `<details>` summary, an
accordion's label: see `from_html`), asked or not.

Where a page's headings are not its questions (`sections.question_level`), the question lines
and toggles of a part of it (what follows one heading up to the next) are taken when that part
looks like a FAQ: at least `MIN_LINES` of them asking and answered, the first at its start (the
top of the page may open with a short welcome, under `sections.INTRO_MIN`). Once one part is
taken, any other part that starts with one is taken too (a FAQ grouped by topic). A toggle
that does not ask counts only among toggles that mostly do. Taken, each is a heading at
`QUESTION_LEVEL` (`sections.split_page` cuts there), linking where the heading above it does;
otherwise it stays text, a toggle's label in bold. So a guide's rhetorical question, a
README's "**Note:**", a changelog's bullets or a docs page's "Example" toggle stays in its
text.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap

from bot.core.importing.page import Block, BlockKind, Heading, Page, Part, as_block, plain
from bot.core.importing.sections import INTRO_MIN, QUESTION_LEVEL, question_level, title_heading

MIN_LINES = 2  # asking lines a part of a page needs to be taken for a FAQ's
_BOLD = r"\*\*(?P<bold>(?:(?!\*\*).)+)\*\*:?"  # text in bold, no bold mark inside
_BOLD_LINE = re.compile(_BOLD)
_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s")  # a list item's first line (not nested)
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+" + _BOLD + r"\s*(?P<rest>.*)")
# "4. How do I join?": a numbered item that is one question in plain text, its answer below
_NUMBERED_ITEM = re.compile(r"\d{1,3}[.)]\s+(?P<bold>[^*\s].*\?)(?P<rest>)")
# "Q:", "Q1." or "Question:" (in bold or not) before the question; "A:" or "A1:" before its
# answer
_Q = r"(?:\*\*)?(?:q|question)\s*\d{0,3}\s*[:.](?:\*\*)?"
_A = r"(?:\*\*)?(?:a|answer)\s*\d{0,3}\s*:(?:\*\*)?"
_Q_LABEL = re.compile(_Q + r"\s+(?P<text>\S.*)", re.IGNORECASE)
_Q_AND_A = re.compile(f"(?P<q>{_Q}.*?\\?(?:\\*\\*)?)\\s+{_A}\\s+(?P<a>\\S.*)", re.IGNORECASE)
ANSWER_LABEL = re.compile(_A + r"(?:\s+|$)", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(?=\S)")  # "4. " before a question: the FAQ's count
_QUOTED = re.compile(r"> ?")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)")  # [text](address)
_CODE = re.compile(r"`[^`]*`")  # an inline code span
_MARK = re.compile(r"(?<!\\)(?:\*+|~~|`)")  # the converters' emphasis and code marks
_ESCAPED = re.compile(r"\\([\\*_~|`])")


def with_question_lines(page: Page, taking: bool = True) -> Page:
    """The page with the question lines and toggles it takes as headings at `QUESTION_LEVEL`,
    and the others as text; `taking=False` takes none (a heading level the admin chose)."""
    untaken = [as_block(p) if _toggle(p) else p for p in page.parts]
    if not taking or question_level(page) is not None:  # its headings ask: no lines read
        return dataclasses.replace(page, parts=tuple(untaken))
    runs: list[list[Part]] = [[]]  # the page cut before each heading
    for part in page.parts:
        if isinstance(part, Heading) and part.level < QUESTION_LEVEL:
            runs.append([])
        runs[-1].append(part)
    asked = [_asked(run) for run in runs]
    title = title_heading(page)
    faq_like = [lines >= MIN_LINES and lead <= _opening(run, title)
                for run, (_, lines, lead) in zip(runs, asked, strict=True)]
    if not any(faq_like):
        return dataclasses.replace(page, parts=tuple(untaken))
    parts: list[Part] = []
    for run, (pieces, lines, lead), like in zip(runs, asked, faq_like, strict=True):
        if like or (lines and lead == 0):
            parts.extend(_unlabelled(pieces))
        else:
            parts.extend(as_block(p) if _toggle(p) else p for p in run)
    return dataclasses.replace(page, parts=tuple(parts))


def _toggle(part: Part) -> bool:
    return isinstance(part, Heading) and part.level >= QUESTION_LEVEL


def _opening(run: list[Part], title: Heading | None) -> int:
    """How much text (in characters) may come before a run's first question line: a short
    welcome at the top of the page (before any heading, or under its title); none elsewhere."""
    return INTRO_MIN if not run or not isinstance(run[0], Heading) or run[0] is title else 0


def _asked(run: list[Part]) -> tuple[list[Part], int, int]:
    """A run of parts (a heading, if any, and what follows it up to the next) with its
    answered question lines and toggles as headings linking where that heading does; how many
    of those ask ("?"); and how many characters of text come before the first. One with no
    text after it (another right after it, or the run's end) answers nothing: it stays text."""
    head = run[0] if run and isinstance(run[0], Heading) and not _toggle(run[0]) else None
    split: list[Part] = []
    for part in run[head is not None:]:  # a list inside an answer asks nothing of its own
        split.extend(_split(part, lists=not any(isinstance(p, Heading) for p in split)))
    pieces: list[Part] = [head] if head is not None else []
    toggles = [p.text for p in run if _toggle(p)]
    # A toggle that does not ask is a question's only among toggles that mostly do (a
    # "Rules" toggle in a FAQ of toggles; not an "Example" toggle in an answer).
    any_toggle = 2 * sum(t.endswith("?") for t in toggles) >= len(toggles)
    asking = 0
    for n, piece in enumerate(split):
        answered = n + 1 < len(split) and isinstance(split[n + 1], Block)
        if isinstance(piece, Heading) and answered and (any_toggle
                                                        or piece.text.endswith("?")):
            pieces.append(dataclasses.replace(piece, text=_NUMBERED.sub("", piece.text, 1)
                                              if piece.text.endswith("?") else piece.text,
                                              anchor=head.anchor if head else None))
            asking += piece.text.endswith("?")
        else:
            pieces.append(as_block(piece))
    before = pieces[head is not None:]
    first = next((n for n, p in enumerate(before) if _toggle(p)), len(before))
    return pieces, asking, sum(len(p.text) for p in before[:first])


def question_of(line: str) -> str | None:
    """The question a line asks as a line of its own, or None: a whole line in bold ending in
    "?", or any text after a "Q:" label. Markdown as the converters write it."""
    line = line.strip()
    labelled = _Q_LABEL.fullmatch(line.removeprefix("**").removesuffix("**"))
    if labelled is not None:
        return _plain(labelled["text"])
    return bold_question(line)


def bold_question(line: str) -> str | None:
    """The question of a whole line in bold that ends in "?", as plain text, or None."""
    bold = _BOLD_LINE.fullmatch(line.strip())
    if bold is None or _CODE.fullmatch(bold["bold"].strip()):  # a name in code: `empty?`
        return None
    asked = _plain(bold["bold"])
    return asked if asked.endswith("?") else None


def _split(part: Part, lists: bool = True) -> list[Part]:
    """A text block cut at its question lines, each a Heading (a line with a link stays in
    the answer too, so that its address is not lost); anything else as it is. `lists`:
    whether a list's items may be question lines."""
    if isinstance(part, Heading) or part.kind is not BlockKind.TEXT:
        return [part]
    lines = part.text.split("\n")
    if all(_QUOTED.match(line) for line in lines):  # a quote: its lines, unquoted
        lines = [_QUOTED.sub("", line, count=1) for line in lines]
    # A list asks when each of its items starts with a question (a changelog's does not).
    items = [line for line in lines if _ITEM.match(line)]
    listed = lists and bool(items) and all(_asking_item(line) is not None for line in items)
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

    for written in lines:
        both = _Q_AND_A.fullmatch(written.strip())  # "Q: Is it free? A: Yes." on one line
        line, answer = (both["q"], both["a"]) if both is not None else (written, None)
        question = question_of(line)
        item = _asking_item(line) if question is None and listed else None
        if item is not None:
            question = _plain(item["bold"])
        if question is None:
            kept.append(line)
            continue
        flush()
        out.append(Heading(QUESTION_LEVEL, question))
        item_answer = item is not None
        linked = _LINK.search(item["bold"] if item is not None else line) is not None
        if item is not None:
            kept.append(f"**{item['bold']}** {item['rest']}" if linked else item["rest"])
        elif linked:
            kept.append(line.strip())
        if answer is not None:
            kept.append(answer)
    flush()
    return out if any(isinstance(p, Heading) for p in out) else [part]


def _asking_item(line: str) -> re.Match[str] | None:
    """A list item that starts with a question in bold, or a numbered one that is a question
    ("bold": the question, "rest": what follows it on the line)."""
    item = _LIST_ITEM.fullmatch(line.strip()) or _NUMBERED_ITEM.fullmatch(line.strip())
    return item if item is not None and _plain(item["bold"]).endswith("?") else None


def _unlabelled(parts: list[Part]) -> list[Part]:
    """The "A:" label dropped from the text right after each question line."""
    out: list[Part] = []
    for part in parts:
        label = ANSWER_LABEL.match(part.text) if isinstance(part, Block) and out \
            and _toggle(out[-1]) and part.kind is BlockKind.TEXT else None
        if label is None:
            out.append(part)
        elif part.text[label.end():].strip():
            out.append(Block(part.text[label.end():]))
    return out


def _plain(markdown: str) -> str:
    """Heading text from a line of Discord Markdown: links as their text, marks and escapes
    dropped."""
    return plain(_ESCAPED.sub(r"\1", _MARK.sub("", _LINK.sub(r"\1", markdown))))
