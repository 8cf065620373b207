"""Markdown (CommonMark with tables, optional YAML front matter) to a Page, via markdown-it-py."""

from __future__ import annotations

import itertools
import re
import tomllib
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from bot.core.importing.from_html import html_parts
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
from bot.core.importing.question_lines import ANSWER_LABEL, bold_question

_SLUG_DROP = re.compile(r"[^\w\- ]")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Hugo's TOML front matter, between "+++" lines (markdown-it reads only YAML's "---")
_TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_SOFT = "\x00"  # a source line break inside a paragraph, until `_line_breaks` decides
WRAPPED = 50  # characters: a line at least this long before a break was wrapped to width


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables, strikethrough and front matter; reuse it for many documents
    (making one costs more than parsing a short page)."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.use(front_matter_plugin)
    return parser


def parse_markdown(text: str, name: str, url: str | None = None, *,
                   parser: MarkdownIt | None = None) -> Page:
    """The Markdown document `text` (called `name`) as a Page; links resolve against `url`."""
    parser = parser or markdown_parser()
    title: str | None = None
    aliases: tuple[str, ...] = ()
    notes: list[str] = []
    toml = _TOML_FRONT.match(text)
    if toml is not None:  # read, then blanked: the lines below keep their numbers
        try:
            title, aliases = _front_fields(tomllib.loads(toml[1]))
        except tomllib.TOMLDecodeError:
            notes.append("its front matter is not valid TOML; ignored")
        text = "\n" * toml[0].count("\n") + text[toml.end():]
    root = SyntaxTreeNode(parser.parse(text))
    converter = _Converter(url)
    for node in root.children:
        if node.type == "front_matter":
            title, aliases, note = _front_matter(node.content)
            if note:
                notes.append(note)
        else:
            converter.block(node)
    return Page(name=name, parts=tuple(converter.parts), title=title, url=url, aliases=aliases,
                notes=tuple(notes))


def _front_matter(content: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """Title and aliases of YAML front matter (`_front_fields`), or a note why none."""
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        return None, (), "its front matter is not valid YAML; ignored"
    return (*_front_fields(data), None)


def _front_fields(data: object) -> tuple[str | None, tuple[str, ...]]:
    """Title (`title`, or `embed: title:` as python-discord's tags write it) and aliases."""
    if not isinstance(data, dict):
        return None, ()
    title = data.get("title")
    embed = data.get("embed")
    if not isinstance(title, str) and isinstance(embed, dict):
        title = embed.get("title")
    aliases = data.get("aliases")
    names = tuple(a.strip() for a in aliases if isinstance(a, str) and a.strip()) \
        if isinstance(aliases, list) else ()
    clean = plain(title.replace("`", "")) if isinstance(title, str) else None
    return clean or None, names


class _Converter:
    def __init__(self, base: str | None) -> None:
        self.base = base
        self.parts: list[Part] = []
        self.anchors: dict[str, int] = {}

    def block(self, node: SyntaxTreeNode) -> None:
        if node.type == "heading":
            text = plain(self.plain_text(node))
            if text:
                line = node.map[0] + 1 if node.map else None
                self.parts.append(Heading(int(node.tag[1:]), text, self.anchor(text), line))
            return
        if node.type == "html_block":
            self.parts.extend(html_parts(node.content, self.base,
                                         node.map[0] if node.map else 0))
            return
        rendered = self.render(node)
        if isinstance(rendered, Block):
            self.parts.append(rendered)
        elif rendered.strip():
            self.parts.append(Block(rendered))

    def anchor(self, text: str) -> str:
        """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
        slug = _SLUG_DROP.sub("", text.lower()).replace(" ", "-")
        seen = self.anchors.get(slug, 0)
        self.anchors[slug] = seen + 1
        return f"{slug}-{seen}" if seen else slug

    def render(self, node: SyntaxTreeNode) -> Block | str:
        kind = node.type
        if _navigation(node):
            return ""  # "[⬆ Back to top](#faq)", a table of contents: the page's own links
        if kind == "paragraph":
            return tidy(_line_breaks(self.inline(node)))
        if kind in ("fence", "code_block"):
            info = node.info.split()[0] if node.info.strip() else ""
            return code_block(node.content, info)
        if kind in ("bullet_list", "ordered_list"):
            return self.listing(node)
        if kind == "blockquote":
            inner = "\n\n".join(self.text_of(child) for child in node.children)
            return quote(inner) if inner.strip() else ""
        if kind == "table":
            table = table_block([[plain(self.plain_text(cell)) for cell in row.children]
                                 for row in _rows(node)])
            return table or ""
        if kind == "heading":  # inside a list or quote: bold, on its own line
            return f"**{plain(self.inline(node).replace(_SOFT, ' '))}**"
        if kind == "html_block":
            return "\n\n".join(as_block(p).text for p in html_parts(node.content, self.base))
        return ""  # hr, front matter elsewhere: nothing to say

    def text_of(self, node: SyntaxTreeNode) -> str:
        rendered = self.render(node)
        return rendered.text if isinstance(rendered, Block) else rendered

    def listing(self, node: SyntaxTreeNode) -> str:
        ordered = node.type == "ordered_list"
        number = int(node.attrs.get("start", 1) or 1) if ordered else 0
        items = []
        for item in node.children:
            inner = "\n".join(self.text_of(child) for child in item.children
                              if self.text_of(child).strip())
            marker = f"{number}." if ordered else "-"
            items.append(list_item(marker, inner))
            number += 1
        return "\n".join(items)

    def inline(self, node: SyntaxTreeNode) -> str:
        out: list[str] = []
        for child in _inline_children(node):
            out.append(self.inline_one(child))
        return "".join(out)

    def inline_one(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "text":
            return escape(node.content)
        if kind == "softbreak":
            return _SOFT
        if kind == "hardbreak":
            return "\n"
        if kind == "code_inline":
            return inline_code(node.content)
        if kind in ("em", "strong", "s"):
            inner = self.inline(node).strip()
            mark = {"em": "*", "strong": "**", "s": "~~"}[kind]
            return f"{mark}{inner}{mark}" if inner else ""
        if kind == "link":
            href = str(node.attrs.get("href", ""))
            return link(self.inline(node), absolute(href, self.base))
        if kind == "html_inline" and _BREAK.fullmatch(node.content):
            return "\n"
        if kind in ("image", "html_inline"):
            return ""  # pictures and HTML-only markup are dropped; text between tags stays
        return self.inline(node)

    def plain_text(self, node: SyntaxTreeNode) -> str:
        return "".join(child.content if child.type in ("text", "code_inline") else " "
                       for child in _walk(node)
                       if child.type in ("text", "code_inline", "softbreak", "hardbreak"))


def _line_breaks(text: str) -> str:
    """A paragraph's source line breaks: a space where the text was wrapped to a width (the
    line before is long), a line break where the writer broke a short line on purpose, as
    Markdown written for Discord does (Discord shows every line break), or broke between a
    FAQ's question and its answer (after a question in bold, before an "A:")."""
    lines = text.split(_SOFT)
    out = [lines[0]]
    for before, line in itertools.pairwise(lines):
        last = before.rsplit("\n", 1)[-1]
        wrapped = len(last) >= WRAPPED and bold_question(last) is None \
            and not ANSWER_LABEL.match(line)
        out.append((" " if wrapped else "\n") + line)
    return "".join(out)


def _navigation(node: SyntaxTreeNode) -> bool:
    """Whether a paragraph or list is links to places on its own page and nothing else to
    read."""
    if node.type in ("bullet_list", "ordered_list"):
        return all(item.children and all(map(_navigation, item.children))
                   for item in node.children)
    return node.type == "paragraph" and _page_links_only(_inline_children(node))


def _page_links_only(children: list[SyntaxTreeNode]) -> bool:
    links = 0
    for child in children:
        if child.type == "link" and str(child.attrs.get("href", "")).startswith("#"):
            links += 1
        elif child.type == "text" and not any(c.isalnum() for c in child.content):
            continue  # "|" between two links, an arrow
        elif child.type not in ("softbreak", "hardbreak"):
            return False
    return links > 0


def _inline_children(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    if node.type == "inline":
        return list(node.children)
    if node.children and node.children[0].type == "inline" and node.type in (
            "paragraph", "heading", "th", "td"):
        return list(node.children[0].children)
    return list(node.children)


def _walk(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    out: list[SyntaxTreeNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


def _rows(table: SyntaxTreeNode) -> list[Any]:
    return [row for section in table.children for row in section.children]
