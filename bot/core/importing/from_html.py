"""HTML to a Page: headings and Discord-Markdown blocks, via BeautifulSoup.

The standard library's parser underneath. Scripts, styles, forms, embedded frames, pictures and
the site's navigation are dropped; nothing in the page is ever run. A toggle's label (a
`<details>` summary, an accordion item's label) is a heading at `QUESTION_LEVEL`, which
`question_lines` takes for a FAQ's question or turns back into a line of text; a span bold by
its style (a Google Docs export) is bold."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag
from bs4.exceptions import ParserRejectedMarkup

from bot.core.importing.page import (
    Block,
    Heading,
    Page,
    Part,
    absolute,
    as_block,
    code_block,
    escape,
    inline_code,
    link,
    list_item,
    plain,
    quote,
    table_block,
    tidy,
)
from bot.core.importing.sections import QUESTION_LEVEL

DROPPED = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "video", "audio", "picture", "img", "map", "form", "input",
    "button", "select", "textarea", "nav", "header", "footer", "aside", "head", "link", "meta",
    "base", "dialog",
})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
LISTS = ("ul", "ol", "menu")
_CSS_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")  # `.name{...}`: a class's rules
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)\b")
LABEL_LONGEST = 200  # characters: an accordion item's label is a question or a name, not text
_BLOCKS = ["p", "ul", "ol", "pre", "table", "blockquote", "dl"]  # never in a label
CODE_INLINE = frozenset({"code", "kbd", "samp", "tt", "var"})
EMPHASIS = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**", "del": "~~",
            "s": "~~", "strike": "~~"}
CONTAINERS = frozenset({
    "div", "section", "article", "main", "body", "html", "center", "details",
    "figure", "figcaption", "address", "fieldset", "hgroup", "span", "font",
})
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang|highlight)-([A-Za-z0-9_+#.-]+)$")
_SYMBOLS = "¶§#🔗\u200b \t\n"  # anchor links' marks (Docusaurus': a zero-width space)


def parse_html(text: str, name: str, url: str | None = None) -> Page:
    """The HTML page `text` (called `name`) as a Page; links resolve against `url` (or the
    page's own `<base href>` when it is http(s))."""
    soup = _soup(text)
    title_tag = soup.find("title")
    title = plain(title_tag.get_text()) if isinstance(title_tag, Tag) else None
    base_tag = soup.find("base")
    if isinstance(base_tag, Tag) and isinstance(base_tag.get("href"), str):
        url = absolute(str(base_tag["href"]), url) or url
    root = _main(soup)
    if root is None:
        return Page(name=name, parts=(), title=title or None, url=url)
    # Inside the page's marked content, a <header> holds the article's own title (WordPress:
    # `<header class="entry-header"><h1>`); elsewhere, the site's name and menus.
    inside = root.name in ("main", "article") or root.get("role") == "main"
    bold = frozenset(name for sheet in soup.find_all("style")
                     for name, rules in _CSS_RULE.findall(sheet.get_text())
                     if _BOLD_STYLE.search(rules))
    parts = _Converter(url, headed=inside, bold_classes=bold).blocks(root)
    if any(isinstance(part, Heading) and part.level == 1 for part in parts):
        title = None  # the page's own heading names it better than `<title>` and its suffix
    return Page(name=name, parts=tuple(parts), title=title or None, url=url)


def html_parts(text: str, base: str | None, after_line: int = 0) -> list[Part]:
    """An HTML fragment (embedded in Markdown) as parts."""
    return _Converter(base, after_line).blocks(_soup(text))


def _soup(text: str) -> BeautifulSoup:
    """The parsed page; markup the standard library's parser gives up on (a malformed
    `<![...` section) is read again with every `<!` taken as text."""
    try:
        return BeautifulSoup(text, "html.parser")
    except ParserRejectedMarkup:
        return BeautifulSoup(text.replace("<!", "&lt;!"), "html.parser")


def _main(soup: BeautifulSoup) -> Tag | None:
    """The page's main content when it marks it (`<main>`, `role=main`, one `<article>`)."""
    found = soup.find("main") or soup.find(True, attrs={"role": "main"})
    if isinstance(found, Tag):
        return found
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


class _Converter:
    def __init__(self, base: str | None, after_line: int = 0, *, headed: bool = False,
                 bold_classes: frozenset[str] = frozenset()) -> None:
        self.base = base
        self.bold_classes = bold_classes  # classes the page's style sheets make bold
        self.after_line = after_line  # lines of the file before the HTML (in Markdown)
        self.headed = headed  # whether a <header>'s headings are the content's (`parse_html`)

    def blocks(self, element: Tag) -> list[Part]:
        parts: list[Part] = []
        buffer: list[str] = []

        def flush() -> None:
            text = tidy("".join(buffer))
            buffer.clear()
            if text:
                parts.append(Block(text))

        toggles = _accordion_items(element)
        for child in element.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    buffer.append(escape(_spaces(str(child))))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name == "header" and self.headed and child.get("hidden") is None:
                flush()  # its headings only: no bylines, dates or share buttons
                parts.extend(p for p in self.blocks(child) if isinstance(p, Heading))
                continue
            if name in DROPPED or child.get("hidden") is not None:
                continue
            if name in HEADINGS:
                flush()
                text = plain(child.get_text(" ")).strip(_SYMBOLS)
                if text:
                    parts.append(Heading(HEADINGS[name], text, _anchor(child),
                                         self.line(child)))
            elif name == "summary" and child.find(list(HEADINGS)) is None:
                # what a <details> holds, asked or not (one holding a heading: that heading)
                flush()
                text = plain(child.get_text(" ")).strip(_SYMBOLS)
                if text:
                    parts.append(Heading(QUESTION_LEVEL, text, _anchor(child), self.line(child)))
            elif id(child) in toggles:  # an accordion's item: its label, then its panel
                flush()
                label, panel = _elements(child)
                text = plain(label.get_text(" ")).strip(_SYMBOLS)
                parts.append(Heading(QUESTION_LEVEL, text, _anchor(child) or _anchor(label),
                                     self.line(child)))
                parts.extend(self.blocks(panel))
            elif name in CONTAINERS or name == "summary" or (name in LISTS
                                                             and _toggle_list(child)):
                flush()  # (a list of toggles only, as Notion exports: its items' parts)
                items = child.find_all("li", recursive=False) if name in LISTS else [child]
                for item in items:
                    parts.extend(self.blocks(item))
            elif name == "br":
                buffer.append("\n")
            else:
                block = self.block(child)
                if block is None:
                    buffer.append(self.inline_one(child))
                else:
                    flush()
                    if block.text.strip():
                        parts.append(block)
        flush()
        return parts

    def bold(self, span: Tag) -> bool:
        """Whether a span is bold by its style (a Google Docs export's, for one)."""
        style, classes = span.get("style"), span.get("class")
        return bool(isinstance(style, str) and _BOLD_STYLE.search(style)) or (
            isinstance(classes, list) and not self.bold_classes.isdisjoint(classes))

    def line(self, element: Tag) -> int | None:
        """The element's 1-based line in the file."""
        return element.sourceline + self.after_line if element.sourceline else None

    def block(self, element: Tag) -> Block | None:
        """A block element as one Block; None for an inline element."""
        name = element.name.lower()
        if name in ("p", *LISTS) and _navigation(element):
            return Block("")  # "Back to top", a table of contents: the page's own links
        if name == "p":
            return Block(tidy(self.inline(element)))
        if name == "pre":
            return code_block(element.get_text(), _language(element))
        if name in LISTS:
            return Block(self.listing(element))
        if name == "blockquote":
            return Block(quote(self.text(element)))
        if name == "table":
            rows = [[plain(cell.get_text(" ")) for cell in row.find_all(["th", "td"])]
                    for row in element.find_all("tr")]
            return table_block(rows) or Block("")
        if name == "dl":
            items = []
            for item in element.find_all(["dt", "dd"], recursive=False):
                if item.name == "dt":
                    text = tidy(self.inline(item))
                    items.append(f"**{text}**" if text else "")
                else:  # a definition: its paragraphs and lists kept
                    items.append(self.text(item))
            return Block("\n".join(i for i in items if i))
        if name == "hr":
            return Block("")
        if name in ("dt", "dd", "li", "caption"):
            return Block(tidy(self.inline(element)))
        return None

    def text(self, element: Tag) -> str:
        return "\n\n".join(as_block(p).text for p in self.blocks(element))

    def listing(self, element: Tag) -> str:
        ordered = element.name.lower() == "ol"
        start = element.get("start")
        number = int(start) if isinstance(start, str) and start.isdigit() else 1
        items = []
        for item in element.find_all("li", recursive=False):
            marker = f"{number}." if ordered else "-"
            items.append(list_item(marker, self.text(item).replace("\n\n", "\n")))
            number += 1
        return "\n".join(items)

    def inline(self, element: Tag) -> str:
        return "".join(self.inline_one(child) for child in element.children)

    def inline_one(self, child: object) -> str:
        if isinstance(child, NavigableString):
            return escape(_spaces(str(child))) if type(child) is NavigableString else ""
        if not isinstance(child, Tag):
            return ""
        name = child.name.lower()
        if name in DROPPED:
            return ""
        if name == "br":
            return "\n"
        if name in CODE_INLINE:
            return inline_code(child.get_text())
        if name in EMPHASIS or (name == "span" and self.bold(child)):
            mark = EMPHASIS.get(name, "**")
            inner = self.inline(child).strip()
            return f"{mark}{inner}{mark}" if inner else ""
        if name == "a":
            href = child.get("href")
            target = absolute(href, self.base) if isinstance(href, str) else None
            return link(self.inline(child), target)
        if name in ("ul", "ol", "pre", "table", "blockquote", "p", "div"):
            return " " + self.inline(child) + " "
        return self.inline(child)


def _navigation(element: Tag) -> bool:
    """Whether a paragraph or list is links to places on its own page and nothing else to
    read."""
    links = element.find_all("a")
    if not links or not all(str(a.get("href", "")).startswith("#") for a in links):
        return False
    return not any(c.isalnum() for text in element.find_all(string=True)
                   if text.find_parent("a") is None for c in text)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _elements(tag: Tag) -> list[Tag]:
    return [child for child in tag.children if isinstance(child, Tag)]


def _accordion_items(parent: Tag) -> set[int]:
    """The children of `parent` that are an accordion's items (by id()): two or more
    elements alike (same tag and classes), each a label (a short text, a toggle button or a
    link, no heading or paragraph in it) then a panel with text. WordPress, Elementor and
    Bootstrap accordions, and schema.org FAQ pages, are written so."""
    kinds: dict[tuple[str, str], list[Tag]] = {}
    for child in _elements(parent):
        if child.name.lower() not in DROPPED:
            classes = child.get("class")
            key = " ".join(classes) if isinstance(classes, list) else str(classes or "")
            kinds.setdefault((child.name.lower(), key), []).append(child)
    items: set[int] = set()
    for alike in kinds.values():
        if len(alike) >= 2 and all(_is_accordion_item(item) for item in alike):
            items.update(id(item) for item in alike)
    return items


def _is_accordion_item(item: Tag) -> bool:
    inside = _elements(item)
    if len(inside) != 2 or inside[0].name.lower() in HEADINGS:
        return False
    label, panel = inside
    text = plain(label.get_text(" ")).strip(_SYMBOLS)
    links = "".join(a.get_text() for a in panel.find_all("a"))
    return 0 < len(text) <= LABEL_LONGEST and label.find(_BLOCKS) is None \
        and len(panel.get_text().split()) > len(links.split())  # not links only: a menu


def _toggle_list(listing: Tag) -> bool:
    """Whether a list holds toggles only: each item one `<details>` (a Notion export)."""
    items = listing.find_all("li", recursive=False)
    return bool(items) and all(
        [e.name.lower() for e in _elements(item)] == ["details"] for item in items)


def _anchor(heading: Tag) -> str | None:
    """The heading's own id, its section's id (it opens the section), or its anchor link's."""
    own = heading.get("id")
    if isinstance(own, str) and own:
        return own
    parent = heading.parent
    if isinstance(parent, Tag) and parent.name in ("section", "div", "article"):
        first = parent.find(True)
        ident = parent.get("id")
        if first is heading and isinstance(ident, str) and ident:
            return ident
    for anchor in heading.find_all("a"):
        for key in ("id", "name"):
            value = anchor.get(key)
            if isinstance(value, str) and value:
                return value
        href = anchor.get("href")
        if isinstance(href, str) and href.startswith("#") and len(href) > 1:
            return href[1:]
    return None


def _language(pre: Tag) -> str:
    """A code block's language from its class (`language-python`, `highlight-python3`)."""
    candidates: list[Tag] = [pre]
    code = pre.find("code")
    if isinstance(code, Tag):
        candidates.append(code)
    candidates.extend(p for p in list(pre.parents)[:2] if isinstance(p, Tag))
    for element in candidates:
        classes: object = element.get("class") or []
        for cls in classes if isinstance(classes, list) else [classes]:
            found = _LANGUAGE_CLASS.match(str(cls))
            if found:
                return found.group(1)
    return ""
