"""reStructuredText to a Page via docutils: headings and Discord-Markdown blocks.

Sphinx's roles (`:func:`, `:ref:`...) and directives (`code-block`, `seealso`, `versionadded`...)
are not docutils' own: roles become code or text, and a directive docutils does not know is read
from the error it reports (its name, argument and content) and rendered here. File inclusion and
raw passthrough are off, so a document can never read a file or a URL, and nothing is run.
"""

from __future__ import annotations

import io
import re
import textwrap
from typing import Any

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser, roles
from docutils.parsers.rst.states import Inliner

from bot.core.importing.page import (
    Block,
    Heading,
    Page,
    Part,
    absolute,
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

TEXT_ROLES = frozenset({"ref", "doc", "term", "abbr", "guilabel", "menuselection", "dfn",
                        "numref", "newsgroup", "issue", "source", "download", "any"})
CALLABLE_ROLES = frozenset({"func", "meth"})
LABEL_ROLES = frozenset({"ref", "doc", "numref"})  # a label names a section we cannot see
CODE_DIRECTIVES = {"code-block": "", "sourcecode": "", "code": "", "testcode": "py",
                   "doctest": "py", "testoutput": "", "productionlist": ""}
DROPPED_DIRECTIVES = frozenset({
    "toctree", "index", "testsetup", "testcleanup", "literalinclude", "currentmodule",
    "module", "moduleauthor", "sectionauthor", "codeauthor", "tabularcolumns", "autosummary",
    "include", "raw", "image", "figure", "highlight", "default-role", "role", "meta",
    "contents", "sectnum", "program",
})
# Sphinx's object descriptions (`.. function:: name(args)`, `.. py:class:: Name`): the
# signature in code, then the description.
DESCRIPTIONS = frozenset({"function", "class", "method", "attribute", "data", "exception",
                          "decorator", "describe", "object", "option", "envvar",
                          "staticmethod", "classmethod", "property", "coroutinefunction"})
VERSION_LABELS = {"versionadded": "New in version", "versionchanged": "Changed in version",
                  "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
ADMONITIONS = {"note": "Note", "warning": "Warning", "tip": "Tip", "hint": "Hint",
               "important": "Important", "caution": "Caution", "danger": "Danger",
               "error": "Error", "attention": "Attention", "seealso": "See also"}
_EXPLICIT = re.compile(r"^(.+?)\s*<([^<>]*)>$", re.DOTALL)
_DIRECTIVE = re.compile(r"^\.\.\s+([\w:.+-]+)::[ \t]*(.*)$")
_SKIPPED_NODES = (nodes.comment, nodes.target, nodes.substitution_definition, nodes.pending,
                  nodes.raw, nodes.image, nodes.transition, nodes.footnote_reference,
                  nodes.citation_reference)


def _inliner() -> Inliner:
    """docutils' inliner, rendering an interpreted-text role it does not know as code or plain
    text instead of an error. (docutils builds its patterns from the class's own attributes,
    so the method is replaced on the instance rather than in a subclass.)"""
    inliner = Inliner()

    def interpreted(rawsource: str, text: str, role: str,
                    lineno: int) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        role_fn, messages = roles.role(role, inliner.language, lineno, inliner.reporter)
        if role_fn:
            made, more = role_fn(role, rawsource, text, lineno, inliner)
            return made, messages + more
        return [_role_node(role.rsplit(":", maxsplit=1)[-1].lower(), utils.unescape(text))], []

    inliner.interpreted = interpreted
    return inliner


def _role_node(name: str, text: str) -> nodes.Node:
    explicit = _EXPLICIT.match(text)
    if explicit:
        return nodes.Text(explicit.group(1))
    shown = text.lstrip("!")
    if shown.startswith("~"):
        shown = shown[1:].rsplit(".", 1)[-1]
    if name in LABEL_ROLES:
        return nodes.Text(_label_words(shown, name))
    if name in TEXT_ROLES:
        return nodes.Text(shown)
    if name in CALLABLE_ROLES and not shown.endswith(")"):
        shown += "()"
    return nodes.literal(shown, shown)


def _label_words(target: str, role: str) -> str:
    """A cross-reference label as words (`logging_setup` → "logging setup"); a document's
    index page goes by its folder's name."""
    parts = [p for p in re.split(r"[:/]", target) if p]
    if not parts:
        return target
    pick = parts[-1]
    if role == "doc" and pick == "index" and len(parts) > 1:
        pick = parts[-2]
    return " ".join(re.split(r"[_\-]+", pick)).strip() or target


def _settings() -> Any:
    settings = get_default_settings(Parser)
    settings.report_level = 5  # nothing printed; problems stay in the tree, handled below
    settings.halt_level = 5
    settings.warning_stream = io.StringIO()
    settings.file_insertion_enabled = False  # no `include`, no csv-table :file: or :url:
    settings.raw_enabled = False
    settings.syntax_highlight = "none"
    return settings


def _doctree(text: str, name: str) -> nodes.document:
    document = utils.new_document(name, _settings())
    Parser(inliner=_inliner()).parse(text, document)
    return document


def parse_rst(text: str, name: str, url: str | None = None) -> Page:
    """The reStructuredText document `text` (called `name`) as a Page; links resolve
    against `url`."""
    document = _doctree(text, name)
    converter = _Converter(url, name, _targets(document))
    converter.children(document, 0)
    return Page(name=name, parts=tuple(converter.parts), url=url)


def _targets(document: nodes.document) -> dict[str, str]:
    """Named hyperlink targets (`.. _name: https://...`) by name: references resolve to them."""
    found: dict[str, str] = {}
    for target in document.findall(nodes.target):
        uri = target.get("refuri")
        if uri:
            for target_name in target.get("names", []):
                found.setdefault(target_name, uri)
    return found


class _Converter:
    def __init__(self, base: str | None, name: str, targets: dict[str, str]) -> None:
        self.base = base
        self.name = name
        self.targets = targets
        self.highlight = ""
        self.parts: list[Part] = []

    def children(self, node: nodes.Element, depth: int) -> None:
        for child in node.children:
            if depth == 0 and not self.parts and isinstance(child, nodes.field_list):
                continue  # file-wide metadata (`:tocdepth: 2`) before anything else
            if isinstance(child, nodes.section):
                self.section(child, depth + 1)
            elif isinstance(child, nodes.Element):
                for block in self.blocks(child):
                    if block.text.strip():
                        self.parts.append(block)

    def section(self, section: nodes.section, depth: int) -> None:
        title = next((c for c in section.children if isinstance(c, nodes.title)), None)
        if title is not None:
            ids = section.get("ids") or []
            line = title.line or section.line
            self.parts.append(Heading(depth, plain(title.astext()), ids[0] if ids else None,
                                      line))
        self.children(section, depth)

    # -- blocks -------------------------------------------------------------------------

    def blocks(self, node: nodes.Element) -> list[Block]:
        if isinstance(node, nodes.title):
            return []
        if isinstance(node, _SKIPPED_NODES):
            return []
        if isinstance(node, nodes.system_message):
            return self.directive(node)
        if isinstance(node, nodes.paragraph):
            return [Block(tidy(self.inline(node)))]
        if isinstance(node, nodes.literal_block):
            languages = [c for c in node.get("classes", []) if c != "code"]
            return [code_block(node.astext(), languages[0] if languages else self.highlight)]
        if isinstance(node, nodes.doctest_block):
            return [code_block(node.astext(), "py")]
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            return [Block(self.listing(node))]
        if isinstance(node, nodes.definition_list):
            return [Block("\n".join(self.definition(item) for item in node.children))]
        if isinstance(node, nodes.field_list):
            lines = [f"**{escape(field[0].astext())}:** {self.text(field[1])}"
                     for field in node.children if len(field) == 2]
            return [Block("\n".join(lines))]
        if isinstance(node, nodes.block_quote):
            return [Block(quote(self.text(node)))]
        if isinstance(node, nodes.Admonition):
            return [Block(self.admonition(node))]
        if isinstance(node, nodes.table):
            rows = [[plain(entry.astext()) for entry in row.children]
                    for row in node.findall(nodes.row)]
            block = table_block(rows)
            return [block] if block else []
        if isinstance(node, nodes.line_block):
            return [Block("\n".join(self.inline(line) for line in node.findall(nodes.line)))]
        if isinstance(node, nodes.rubric):
            return [Block(f"**{tidy(self.inline(node))}**")]
        if isinstance(node, nodes.topic) and "contents" in node.get("classes", []):
            return []
        if isinstance(node, nodes.section):  # a section inside a directive: its title in bold
            title = next((c for c in node.children if isinstance(c, nodes.title)), None)
            head = [Block(f"**{tidy(self.inline(title))}**")] if title is not None else []
            return head + [b for c in node.children if isinstance(c, nodes.Element)
                           for b in self.blocks(c)]
        if isinstance(node, nodes.TextElement):
            return [Block(tidy(self.inline(node)))]
        return [b for c in node.children if isinstance(c, nodes.Element) for b in self.blocks(c)]

    def text(self, node: nodes.Element) -> str:
        return "\n\n".join(b.text for c in node.children if isinstance(c, nodes.Element)
                           for b in self.blocks(c) if b.text.strip())

    def listing(self, node: nodes.Element) -> str:
        ordered = isinstance(node, nodes.enumerated_list)
        number = int(node.get("start", 1)) if ordered else 0
        items = []
        for item in node.children:
            if not isinstance(item, nodes.Element):
                continue
            items.append(list_item(f"{number}." if ordered else "-",
                                   self.text(item).replace("\n\n", "\n")))
            number += 1
        return "\n".join(items)

    def definition(self, item: nodes.Node) -> str:
        if not isinstance(item, nodes.Element):
            return ""
        term = next((c for c in item.children if isinstance(c, nodes.term)), None)
        body = next((c for c in item.children if isinstance(c, nodes.definition)), None)
        head = f"**{tidy(self.inline(term))}**" if term is not None else ""
        return "\n".join(p for p in (head, self.text(body) if body is not None else "") if p)

    def admonition(self, node: nodes.Element) -> str:
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        label = title.astext() if title is not None else node.tagname.capitalize()
        return f"**{escape(plain(label))}:** {self.text(node)}"

    def directive(self, message: nodes.system_message) -> list[Block]:
        """A directive docutils does not know (Sphinx's), from the text its error quotes."""
        quoted = next((c for c in message.children if isinstance(c, nodes.literal_block)), None)
        said = next((c for c in message.children if isinstance(c, nodes.paragraph)), None)
        if quoted is None or said is None or \
                not said.astext().startswith("Unknown directive type"):
            return []
        first, _, rest = quoted.astext().partition("\n")
        found = _DIRECTIVE.match(first.strip())
        if found is None:
            return []
        name, argument = found.group(1).lower(), found.group(2).strip()
        content = _content(rest)
        if name == "highlight":
            self.highlight = "" if argument in ("none", "text", "default") else argument
            return []
        if name in DROPPED_DIRECTIVES or name.startswith("auto"):
            return []
        if name in CODE_DIRECTIVES:
            language = argument.split()[0] if argument else CODE_DIRECTIVES[name]
            return [code_block(content, language or self.highlight)] if content.strip() else []
        inner = self.fragment(content)
        if (name in DESCRIPTIONS or ":" in name) and argument:
            signature = inline_code(" ".join(argument.split()))
            return [Block(f"{signature}\n{inner}".strip())]
        if name in VERSION_LABELS:
            head = f"*{VERSION_LABELS[name]} {escape(argument)}:*"
            return [Block(f"{head} {inner}".strip())]
        if name in ADMONITIONS:
            return [Block(f"**{ADMONITIONS[name]}:** {inner}".strip())] if inner else []
        return [Block(inner)] if inner.strip() else []

    def fragment(self, content: str) -> str:
        """Directive content parsed as reStructuredText of its own and rendered."""
        if not content.strip():
            return ""
        nested = _Converter(self.base, self.name, self.targets)
        nested.highlight = self.highlight
        return nested.text(_doctree(content, self.name))

    # -- inline -------------------------------------------------------------------------

    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return escape(str(node).replace("\n", " "))
        if isinstance(node, (*_SKIPPED_NODES, nodes.system_message)):
            return ""
        if not isinstance(node, nodes.Element):
            return ""
        if isinstance(node, nodes.literal):
            return inline_code(node.astext())
        if isinstance(node, nodes.title_reference):
            return inline_code(node.astext())
        if isinstance(node, nodes.substitution_reference):  # defined where we cannot see
            return escape(_label_words(node.astext(), "ref"))
        inner = "".join(self.inline(child) for child in node.children)
        if isinstance(node, nodes.emphasis):
            return f"*{inner.strip()}*" if inner.strip() else ""
        if isinstance(node, nodes.strong):
            return f"**{inner.strip()}**" if inner.strip() else ""
        if isinstance(node, nodes.reference):
            uri = node.get("refuri") or self.targets.get(node.get("refname", ""))
            return link(inner, absolute(uri, self.base) if uri else None)
        return inner


def _content(rest: str) -> str:
    """A directive's content: its indented lines after any `:option:` lines, dedented."""
    lines = textwrap.dedent(rest).split("\n")
    at = 0
    while at < len(lines) and lines[at].strip().startswith(":"):
        at += 1
    return "\n".join(lines[at:]).strip("\n")
