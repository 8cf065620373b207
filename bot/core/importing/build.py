"""Pages to knowledge entries: ids, titles, questions, keywords, groups, sources and answers."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.core.importing.answer import clean, fit
from bot.core.importing.keywords import distinctive
from bot.core.importing.page import Heading, Page, plain
from bot.core.importing.question_lines import with_question_lines
from bot.core.importing.sections import (
    ANSWER_LIMIT,
    INTRO_MIN,
    Section,
    is_question,
    split_page,
)
from bot.core.knowledge.fields import MAX_URL, invisible
from bot.core.replies.plain_text import truncate
from bot.core.text import fold

MAX_ID = 64  # the schema's limits
MAX_TITLE = 200
MAX_KEYWORD = 300
FALLBACK_ID = "section"
_QUESTION_LABEL = re.compile(r"^\s*(?:Q|Question)\s*[:.)]\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """One entry made from one section of the docs."""

    id: str
    title: str
    answer: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    group: str | None
    document: str
    section: str | None
    url: str | None
    cut: bool
    origin: str  # `file:line` for messages

    def fields(self) -> dict[str, object]:
        """The entry as a knowledge file writes it, in the schema's order."""
        out: dict[str, object] = {"id": self.id}
        if self.group:
            out["group"] = self.group
        out["title"] = self.title
        out["answer"] = self.answer
        if self.questions:
            out["questions"] = list(self.questions)
        if self.keywords:
            out["keywords"] = list(self.keywords)
        out["source"] = self.source()
        return out

    def source(self) -> dict[str, str]:
        source = {"document": self.document}
        if self.section:
            source["section"] = self.section
        if self.url:
            source["url"] = self.url
        return source


@dataclass(slots=True)
class ImportResult:
    """The entries made, one-line notes on what was skipped or guessed, and each page's level."""

    entries: list[ImportedEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    levels: dict[str, int | None] = field(default_factory=dict)


def slug(text: str) -> str:
    """A kebab-case id from a heading: ASCII letters and digits, at most 64 characters, cut at
    a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(words) > MAX_ID:
        words = words[: MAX_ID + 1].rsplit("-", 1)[0] if "-" in words[:MAX_ID] \
            else words[:MAX_ID]
    return words.strip("-")


def unique_id(text: str, taken: set[str]) -> str:
    """The slug of `text`, with `-2`, `-3`... when it is taken; added to `taken`."""
    base = slug(text) or FALLBACK_ID
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: MAX_ID - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


def import_pages(pages: Sequence[Page], level: int | None = None,
                 taken: Iterable[str] = (), asked: Iterable[str] = ()) -> ImportResult:
    """Every page cut into sections and made into entries; ids avoid `taken`, and questions
    the knowledge base asks already (`asked`, folded) are not asked again."""
    result = ImportResult()
    sections: list[tuple[Page, Section]] = []
    for page in pages:
        result.notes.extend(f"{page.name}: {note}" for note in page.notes)
        found, chosen = split_page(with_question_lines(page, taking=level is None), level)
        result.levels[page.name] = chosen
        if not found:
            result.skipped.append(f"{page.name}: no text to import")
            continue
        if not page.title and found[0].whole_page and \
                not any(isinstance(part, Heading) for part in page.parts):
            result.notes.append(f"{page.name}: no headings; one entry titled "
                                f"“{found[0].title}” from the file name")
        for section in found:
            if section.intro and section.size < INTRO_MIN:
                result.skipped.append(f"{_origin(page, section)}: “{section.title}” only "
                                      "introduces the sections under it; not an entry")
            else:
                sections.append((page, section))
    keywords = distinctive([(s.title, _body(s)) for _, s in sections])
    # A title sections of different groups share ("How do I install it?" under Windows and
    # under macOS) is told apart by each one's group, in its title and so in its question.
    titles = [_title(page, section) for page, section in sections]
    groups: dict[str, set[str]] = {}
    for (_, section), title in zip(sections, titles, strict=True):
        groups.setdefault(fold(title), set()).add(section.group or "")
    ids = set(taken)
    # By fold, who asks each question: a knowledge base asks a question once.
    asker = dict.fromkeys(asked, "a knowledge file beside this one")
    for (page, section), words, title in zip(sections, keywords, titles, strict=True):
        entry = _entry(page, section, title, words, ids, qualified=len(groups[fold(title)]) > 1)
        if entry is None:
            result.skipped.append(f"{_origin(page, section)}: “{section.title}” has no text")
            continue
        first = asker.get(fold(entry.questions[0])) if entry.questions else None
        if first is not None:
            result.notes.append(f"{entry.origin}: “{entry.title}” asks the question of "
                                f"{first}; it is not made a question twice")
            entry = dataclasses.replace(entry, questions=())
        asker.update((fold(question), f"“{entry.title}” ({entry.origin})")
                     for question in entry.questions)
        result.entries.append(entry)
    return result


def _body(section: Section) -> str:
    return "\n".join(block.text for block in section.blocks)


def _title(page: Page, section: Section) -> str:
    title = truncate(plain(clean(_unprefixed(section.title))), MAX_TITLE)
    return truncate(plain(clean(page.name)), MAX_TITLE) if invisible(title) else title


def _entry(page: Page, section: Section, heading: str, words: list[str], ids: set[str], *,
           qualified: bool = False) -> ImportedEntry | None:
    """`heading`: its title (`_title`); `qualified`: sections of other groups have that title,
    so its group (if any) is added to it."""
    title = heading
    group = truncate(plain(clean(section.group)), MAX_TITLE) if section.group else None
    if qualified and group:
        title = truncate(f"{title} ({group})", MAX_TITLE)
    if section.url:
        more = f"Full section: <{section.url}>"
    else:
        more = f"*Shortened: the full section is “{heading}” in {page.name}.*"
    answer, cut = fit(section.blocks, ANSWER_LIMIT, clean(more))
    answer = clean(answer)
    if invisible(answer):
        return None
    questions = (title,) if is_question(heading) else ()
    extra = [a for a in section.aliases if a.casefold() != title.casefold()]
    keywords = tuple(dict.fromkeys(truncate(k, MAX_KEYWORD) for k in [*extra, *words]))
    return ImportedEntry(
        id=unique_id(section.title, ids), title=title, answer=answer, questions=questions,
        keywords=keywords, group=group or None,
        document=truncate(plain(clean(section.document)), MAX_TITLE) or title,
        section=None if section.whole_page else heading, cut=cut,
        url=section.url if section.url and len(section.url) <= MAX_URL else None,
        origin=_origin(page, section),
    )


def _unprefixed(title: str) -> str:
    """A FAQ's question without its "Q:" label."""
    bare = _QUESTION_LABEL.sub("", title, count=1)
    return bare if bare != title and is_question(bare) else title


def _origin(page: Page, section: Section) -> str:
    return f"{page.name}:{section.line}" if section.line else page.name
