"""Cut a Page into sections, one a future entry, at a heading level chosen per page.

A FAQ page gets one section a question, a short page (a tag) one section in all, a long guide
the shallowest level whose sections mostly fit one answer. `level` forces the depth everywhere.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.core.importing.page import Block, Heading, Page, as_block


def _split(text: str) -> list[str]:
    return text.split()


ANSWER_LIMIT = 4000  # characters: one Discord embed description (4,096) with room to spare
INTRO_MIN = 300  # characters: a shorter introduction to a group of sections is no entry
# The level of a question a page writes as a line, not a heading (`question_lines`), or of an
# HTML toggle's label: below every HTML and Markdown heading (h1-h6). Those `question_lines`
# takes are cut at wherever the page is cut; they never decide the level (`choose_level`).
QUESTION_LEVEL = 7
FITTING_SHARE = 0.75
QUESTION_SHARE = 0.5
_QUESTION_WORDS = frozenset(_split("""
how what why when where who whom whose which can could should would will do does did is are was
were am may might must shall have has had isn't aren't don't doesn't didn't can't won't wouldn't
shouldn't"""))
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its blocks (deeper headings among them, in bold), with where it is from."""

    title: str
    document: str
    blocks: tuple[Block, ...]
    group: str | None = None
    url: str | None = None
    line: int | None = None
    aliases: tuple[str, ...] = ()
    whole_page: bool = False
    intro: bool = False  # text under a heading above the level cut at (or before any heading)

    @property
    def size(self) -> int:
        return sum(len(block.text) + 2 for block in self.blocks)


def is_question(text: str) -> bool:
    """Whether a heading is phrased as a question: a question mark, or a question word first."""
    if text.rstrip().endswith("?"):
        return True
    words = _WORD.findall(text.lower())
    return bool(words) and words[0].removesuffix("'s") in _QUESTION_WORDS


def document_name(page: Page) -> str:
    """What a page is called: its title, its one top heading, or its file name."""
    if page.title:
        return page.title
    title = title_heading(page)
    return title.text if title is not None else _from_file_name(page.name)


def split_page(page: Page, level: int | None = None) -> tuple[list[Section], int | None]:
    """The page's sections and the heading level they were cut at (None: the whole page)."""
    headings = [part for part in page.parts if isinstance(part, Heading)]
    document = document_name(page)
    if not any(isinstance(part, Block) for part in page.parts):
        return [], None
    if level is None:
        level = choose_level(page)
    asked = any(h.level >= QUESTION_LEVEL for h in headings)  # question lines to cut at
    if not headings or (level is None and not asked):
        return [_whole(page, document)], None
    if level is None:  # one entry but for its question lines: cut at every heading, and
        # keep every part (nothing the page said before is skipped as an introduction)
        return _cut(page, document, QUESTION_LEVEL - 1, intros=False), QUESTION_LEVEL
    return _cut(page, document, level), level


def choose_level(page: Page) -> int | None:
    """The heading level that makes sensible entries; None for one entry of the whole page.
    Question lines (`QUESTION_LEVEL`) are cut at wherever it is, and never choose it."""
    headings = _real(page)
    if not headings:
        return None
    title = title_heading(page)
    levels = sorted({h.level for h in headings if h is not title})
    if not levels:
        return None
    asking = question_level(page)
    if asking is not None:
        return asking  # a FAQ: one entry a question
    if (title is not None or page.title) and sum(len(p.text) + 2 for p in page.parts
                                                 if isinstance(p, Block)) <= ANSWER_LIMIT:
        return None  # a short page under one title, such as a tag: one entry
    for level in levels:
        sections = _cut(page, document_name(page), level)
        fitting = sum(section.size <= ANSWER_LIMIT for section in sections)
        if sections and fitting >= FITTING_SHARE * len(sections):
            return level
    return levels[-1]


def question_level(page: Page) -> int | None:
    """The shallowest heading level under the title whose headings are mostly questions (a
    FAQ's), if any."""
    headings = _real(page)
    title = title_heading(page)
    for level in sorted({h.level for h in headings if h is not title}):
        at = [h for h in headings if h.level == level]
        asked = sum(is_question(h.text) for h in at)
        if len(at) >= 2 and asked >= QUESTION_SHARE * len(at):
            return level
    return None


def _real(page: Page) -> list[Heading]:
    """The page's headings, question lines (`QUESTION_LEVEL`) aside."""
    return [p for p in page.parts if isinstance(p, Heading) and p.level < QUESTION_LEVEL]


def title_heading(page: Page) -> Heading | None:
    """The page's title heading: the first heading, alone at the shallowest level."""
    headings = _real(page)
    if not headings:
        return None
    top = min(h.level for h in headings)
    at_top = [h for h in headings if h.level == top]
    return at_top[0] if len(at_top) == 1 and headings[0] is at_top[0] else None


def _whole(page: Page, document: str) -> Section:
    blocks = [as_block(part) for part in page.parts]
    top = title_heading(page)
    if top is not None and page.parts and page.parts[0] is top:
        blocks = blocks[1:]
    title = page.title or (top.text if top is not None else _from_file_name(page.name))
    return Section(title=title, document=document, blocks=tuple(blocks),
                   group=_folder(page), url=page.url, aliases=page.aliases, whole_page=True)


def _cut(page: Page, document: str, level: int, intros: bool = True) -> list[Section]:
    """The page cut at its headings down to `level`, and at its question lines; past the
    first of those, at every heading (an answer ends at the next heading of any level).
    `intros`: whether a short introduction to the sections under it is skipped."""
    sections: list[Section] = []
    stack: list[Heading] = []
    current: Heading | None = None
    under: Heading | None = None  # the heading question lines stand under, cut or not
    blocks: list[Block] = []

    def close() -> None:
        if not any(block.text.strip() for block in blocks):
            return
        if current is None:  # text before the first heading cut at: an introduction to it
            title, url, line, group = document, page.url, None, _folder(page)
            intro = intros and any(h is not top and h.level <= level for h in real)
        else:  # a heading above the level cut at, with headings under it, introduces them
            intro = intros and current.level < level and id(current) in has_children
            above = [h for h in stack if h.level < current.level]
            title, line = current.text, current.line
            if current.level >= QUESTION_LEVEL and under is not None:
                group = under.text
            else:
                group = above[-1].text if above else document
            url = f"{page.url.split('#')[0]}#{current.anchor}" if page.url and current.anchor \
                else page.url
        sections.append(Section(title=title, document=document, blocks=tuple(blocks),
                                group=group, url=url, line=line, intro=intro))

    real, top = _real(page), title_heading(page)
    has_children = {id(h) for h, after in itertools.pairwise(real) if after.level > h.level}
    parts = page.parts
    asked = False  # whether a question line was cut at
    for n, part in enumerate(parts):
        after = parts[n + 1] if n + 1 < len(parts) else None
        over_questions = isinstance(after, Heading) and after.level >= QUESTION_LEVEL
        if isinstance(part, Heading) and (part.level <= level or part.level >= QUESTION_LEVEL
                                          or asked or over_questions):
            asked = asked or part.level >= QUESTION_LEVEL
            close()
            blocks = []
            while stack and stack[-1].level >= part.level:
                stack.pop()
            current = part
            stack.append(part)
        elif part is not top:  # the title names the document (cut at question lines only)
            blocks.append(as_block(part))
        if isinstance(part, Heading) and part.level < QUESTION_LEVEL and part is not top:
            under = part
    close()
    return sections


def _folder(page: Page) -> str | None:
    return PurePosixPath(page.name).parent.name or None


def _from_file_name(name: str) -> str:
    stem = PurePosixPath(name).stem.replace("-", " ").replace("_", " ").strip()
    return (stem[:1].upper() + stem[1:]) if stem else name
