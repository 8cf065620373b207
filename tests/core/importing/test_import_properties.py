"""Whatever a document holds, the import gives a knowledge file that validates, or nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.importing.build import import_pages
from bot.core.importing.from_html import parse_html
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.from_rst import parse_rst
from bot.core.importing.knowledge_file import new_file
from bot.core.importing.page import Page
from bot.core.knowledge.parse import parse_text
from bot.core.knowledge.schema import validate

PIECES = [
    "# ", "## ", "### ", "\n", "\n\n", "text ", "How do I x?", "`", "```", "```py\n", "*", "**",
    "_", "[a](b)", "[x](http://e.org/y)", "![i](p.png)", "<", ">", "<script>", "</script>",
    "<h1>", "</h1>", "<h2>", "<p>", "</p>", "<pre>", "</pre>", "<table><tr><td>",
    "</td></tr></table>", "- ", "1. ", "> ", "|a|b|\n|-|-|\n|c|d|\n", "===\n", "---\n",
    ".. code-block:: py\n\n   x\n", ".. note::\n\n   n\n", ":func:`f`", "`t <http://x.org>`_",
    "::\n\n    code\n", "\t", "\x00", "\x85", "\u2028", "é", "?", "'", '"', ": ", "- id: x\n",
    "{", "}", "&amp;", "&#0;", "\\", "<!", "<![", "]]>", "\r", "\ufeff", "\U0001f600", "  \n",
    "|", "~~", "<br>", "<a href='javascript:x'>j</a>", ".. seealso::\n\n   s\n",
    ".. versionadded:: 1\n", "\n.. _t: http://x.org\n",
]
PARSERS: list[tuple[Callable[[str, str, str | None], Page], str]] = [
    (parse_markdown, "a.md"), (parse_rst, "a.rst"), (parse_html, "a.html")]


@pytest.mark.parametrize(("parse", "name"), PARSERS)
@settings(max_examples=60, deadline=None, derandomize=True)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=60))
def test_any_document_imports_to_a_valid_file_or_nothing(
        parse: Callable[[str, str, str | None], Page], name: str, pieces: list[str]) -> None:
    page = parse("".join(pieces), name, "https://docs.example.org/a.html")
    result = import_pages([page])
    if not result.entries:
        return
    parsed, problems = parse_text("kb.yaml", new_file(result.entries, [name]).encode())
    assert problems == []
    assert parsed is not None
    kb, problems = validate([parsed])
    assert problems == []
    assert kb is not None and len(kb.entries) == len(result.entries)
