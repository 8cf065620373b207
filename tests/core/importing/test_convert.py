"""Markdown, reStructuredText and HTML become headings and Discord-Markdown blocks."""

from __future__ import annotations

from bot.core.importing.build import import_pages
from bot.core.importing.from_html import parse_html
from bot.core.importing.from_markdown import parse_markdown
from bot.core.importing.from_rst import parse_rst
from bot.core.importing.page import Block, BlockKind, Heading, Page


def blocks(page: Page) -> list[str]:
    return [part.text for part in page.parts if isinstance(part, Block)]


def headings(page: Page) -> list[tuple[int, str, str | None]]:
    return [(p.level, p.text, p.anchor) for p in page.parts if isinstance(p, Heading)]


MARKDOWN = """\
---
embed:
  title: "`*args` and `**kwargs`"
aliases: ["kwargs", "args"]
---
# Star args

Use **bold**, *italic*, ~~gone~~ and `code`; see [the docs](../guide/args.html) or
<https://example.org/x>. ![logo](logo.png) [![badge](b.svg)](https://ci.example.org)

```python
def f(*args):
    return args
```

- one
- two
  1. nested

| name | meaning |
| --- | --- |
| args | positional |

<script>alert(1)</script>
<div>kept <b>text</b></div>

Text with <kbd>Ctrl</kbd> pressed.
"""


def test_markdown_blocks_and_front_matter() -> None:
    page = parse_markdown(MARKDOWN, "tags/args.md", "https://docs.example.org/tags/args.md")
    assert page.title == "*args and **kwargs"
    assert page.aliases == ("kwargs", "args")
    assert headings(page) == [(1, "Star args", "star-args")]
    text = blocks(page)
    assert text[0] == ("Use **bold**, *italic*, ~~gone~~ and `code`; see "
                       "[the docs](https://docs.example.org/guide/args.html) or "
                       "<https://example.org/x>.")  # the picture and the badge link are gone
    code = next(p for p in page.parts if isinstance(p, Block) and p.kind is BlockKind.CODE)
    assert code.text == "```python\ndef f(*args):\n    return args\n```"
    assert "- one\n- two\n  1. nested" in text
    table = next(t for t in text if "positional" in t)
    assert table.startswith("```\nname") and table.endswith("```")
    assert not any("alert" in t for t in text)
    assert "kept **text**" in text
    assert "Text with Ctrl pressed." in text


def test_markdown_relative_links_without_a_base_keep_only_their_text() -> None:
    page = parse_markdown("See [here](other.md) and [there](ftp://x.example.org/).", "a.md")
    assert blocks(page) == ["See here and there."]


def test_markdown_escapes_plain_text_markup() -> None:
    page = parse_markdown(r"Write 2 \* 3 and snake\_case", "a.md")
    assert blocks(page) == [r"Write 2 \* 3 and snake\_case"]


RST = """\
:tocdepth: 2

===========
Guide FAQ
===========

.. contents::

General
=======

How do I start?
---------------

Call :func:`breakpoint` or read :mod:`the manual <pdb>` and :pep:`8`; see
`the site <https://example.org/>`_ and Spam_.

.. _Spam: https://spam.example.org/

.. code-block:: python

   print("hi")

.. seealso::

   The :ref:`tutorial <tut>` has more.

.. versionchanged:: 3.8
   Now faster.

.. highlight:: c

::

   int x;

>>> 1 + 1
2

.. note:: Careful.

.. include:: /etc/passwd

.. raw:: html

   <script>alert(1)</script>
"""


def test_rst_sections_roles_and_directives() -> None:
    page = parse_rst(RST, "guide.rst", "https://docs.example.org/guide.html")
    assert headings(page) == [(1, "Guide FAQ", "guide-faq"), (2, "General", "general"),
                              (3, "How do I start?", "how-do-i-start")]
    text = blocks(page)
    assert text[0] == ("Call `breakpoint()` or read the manual and "
                       "[PEP 8](https://peps.python.org/pep-0008); see "
                       "[the site](https://example.org/) and [Spam](https://spam.example.org/).")
    assert '```python\nprint("hi")\n```' in text
    assert "**See also:** The tutorial has more." in text
    assert "*Changed in version 3.8:* Now faster." in text
    assert "```c\nint x;\n```" in text
    assert "```py\n>>> 1 + 1\n2\n```" in text
    assert "**Note:** Careful." in text
    assert not any("tocdepth" in t or "passwd" in t or "alert" in t for t in text)


def test_rst_never_reads_files() -> None:
    page = parse_rst(".. include:: /etc/hostname\n\n.. csv-table::\n   :file: /etc/hostname\n",
                     "x.rst")
    assert blocks(page) == []


HTML = """\
<!doctype html><html><head><title>Help page</title>
<script>document.write("x")</script><style>p {}</style></head>
<body><nav><a href="/">Home</a></nav>
<main>
<section id="install"><h2>Install<a class="headerlink" href="#install">¶</a></h2>
<p>Run <code>pip install x</code>, then <a href="/docs/next.html">go on</a>.
<img src="x.png" alt="pic"><br>Done.</p>
<div class="highlight-python3"><pre>import x
x.run()</pre></div>
<ul><li>first</li><li>second<ul><li>inner</li></ul></li></ul>
<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
<form><input name="q"></form>
<iframe src="https://evil.example.org"></iframe>
<h3 id="why">Why?</h3><blockquote><p>Because.</p></blockquote>
<p onclick="alert(1)">Safe <a href="javascript:alert(1)">link</a>.</p>
</section>
</main>
<footer>© someone</footer>
</body></html>
"""


def test_html_main_content_without_scripts_or_chrome() -> None:
    page = parse_html(HTML, "help.html", "https://docs.example.org/help/index.html")
    assert page.title == "Help page"
    assert headings(page) == [(2, "Install", "install"), (3, "Why?", "why")]
    text = blocks(page)
    assert text[0] == ("Run `pip install x`, then "
                       "[go on](https://docs.example.org/docs/next.html).\nDone.")
    assert "```python3\nimport x\nx.run()\n```" in text
    assert "- first\n- second\n  - inner" in text
    assert any(t.startswith("```\na") for t in text)
    assert "> Because." in text
    assert "Safe link." in text
    joined = "\n".join(text)
    for dropped in ("Home", "document.write", "someone", "evil", "pic", "¶"):
        assert dropped not in joined


def test_an_articles_own_header_gives_its_title_and_a_sites_header_nothing() -> None:
    """WordPress puts a post's title in a <header> inside its <article>: kept (its headings
    only); the site's <header> outside the content is dropped, as before."""
    text = ('<html><head><title>FAQ – Riverside Makerspace</title></head><body>'
            '<header class="site"><h1>Riverside Makerspace</h1><a href="/">Home</a></header>'
            '<article><header class="entry-header"><h1>FAQ</h1><span>Posted by admin</span>'
            '</header><p>Welcome.</p></article></body></html>')
    page = parse_html(text, "faq.html")
    assert headings(page) == [(1, "FAQ", None)] and page.title is None
    assert blocks(page) == ["Welcome."]


def test_a_docusaurus_heading_has_no_zero_width_space_in_its_title() -> None:
    text = ('<main><h2 id="build">Build<a class="hash-link" href="#build">\u200b</a></h2>'
            "<p>Run it.</p></main>")
    assert headings(parse_html(text, "docs.html")) == [(2, "Build", "build")]


def test_a_google_docs_link_leads_where_its_redirect_says() -> None:
    text = ('<p><a href="https://www.google.com/url?q=https://club.example.org/pairings&amp;'
            'sa=D&amp;ust=1">the sheet</a> and <a href="https://www.google.com/url?q='
            'javascript:alert(1)">this</a></p>')
    assert blocks(parse_html(text, "doc.html")) == [
        "[the sheet](https://club.example.org/pairings) and "
        "[this](https://www.google.com/url?q=javascript:alert(1%29)"]


def test_code_fences_inside_code_cannot_close_the_block() -> None:
    page = parse_markdown("~~~\nx = '```'\n~~~\n", "a.md")
    (code,) = blocks(page)
    assert code.count("```") == 2


def test_markdown_keeps_short_lines_apart_and_joins_wrapped_ones() -> None:
    wrapped = ("This paragraph was wrapped at a fixed width by its writer, so that the\n"
               "next line simply goes on.\n\n**Heading-like line**\nBelow it, on its own line.")
    assert blocks(parse_markdown(wrapped, "a.md")) == [
        "This paragraph was wrapped at a fixed width by its writer, so that the next line "
        "simply goes on.",
        "**Heading-like line**\nBelow it, on its own line."]


def test_rst_object_descriptions_keep_their_signature() -> None:
    text = ("API\n===\n\n.. function:: send(content, *, tts=False)\n\n   Sends a message.\n\n"
            ".. py:class:: Client(intents)\n\n   The connection.\n\n.. only:: html\n\n"
            "   Shown.\n")
    assert blocks(parse_rst(text, "api.rst")) == [
        "`send(content, *, tts=False)`\nSends a message.",
        "`Client(intents)`\nThe connection.",
        "Shown."]


def test_a_heading_on_two_lines_keeps_a_space_between_them() -> None:
    page = parse_markdown("First line.\nSecond line\n---\n\nText.\n", "a.md")
    assert headings(page) == [(2, "First line. Second line", "first-line-second-line")]


def test_a_wide_table_becomes_one_block_a_row_with_every_header() -> None:
    text = "| Bad | Good |\n| --- | --- |\n| short | " + "word " * 30 + "|\n"
    (table,) = blocks(parse_markdown(text, "a.md"))
    lines = table.split("\n")
    assert lines[0] == "```" and lines[-1] == "```"
    assert lines[1:3] == ["1", "  Bad:  short"]
    assert lines[3].startswith("  Good: word word")
    assert all(len(line) <= 56 for line in lines)


def test_bare_addresses_are_not_escaped_and_br_breaks_a_line() -> None:
    page = parse_markdown("See https://example.org/a_b for snake_case.<br>Next line.", "a.md")
    assert blocks(page) == [r"See https://example.org/a_b for snake\_case." + "\nNext line."]


def test_html_the_standard_parser_rejects_is_read_as_text() -> None:
    page = parse_html("<h1>T</h1><p>a <![i](p.png) b</p>", "a.html")
    assert headings(page) == [(1, "T", None)]
    assert blocks(page) == ["a <![i](p.png) b"]


def test_a_paragraph_of_links_within_the_page_is_its_navigation_not_text() -> None:
    markdown = ("# FAQ\n\n## How do I reset my password?\n\nClick \"Forgot password\".\n\n"
                "[⬆ Back to top](#faq)\n\n[Reset](#reset) | [Email](#email)\n\n"
                "See [Email](#email) first.\n\n[Our blog](https://blog.example.org)\n")
    assert blocks(parse_markdown(markdown, "faq.md")) == [
        'Click "Forgot password".', "See Email first.", "[Our blog](https://blog.example.org)"]
    html = ('<html><body><h2>How do I reset my password?</h2><p>Click "Forgot password".</p>'
            '<p><a href="#top">⬆ Back to top</a></p><p>See <a href="#email">Email</a> first.'
            '</p></body></html>')
    assert blocks(parse_html(html, "faq.html")) == ['Click "Forgot password".',
                                                    "See Email first."]


def test_a_table_of_contents_is_navigation_and_its_section_no_entry() -> None:
    body = ('<h1>Support FAQ</h1><h2>Contents</h2><ul><li><a href="#pw">How do I reset my '
            'password?</a></li><li><a href="#em">How do I change my email?</a><ul><li>'
            '<a href="#em-2">By phone</a></li></ul></li></ul>'
            '<h2 id="pw">How do I reset my password?</h2><p>Click "Forgot password".</p>'
            '<ul><li><a href="#pw">Reset</a> it, then sign in.</li></ul>'
            '<h2 id="em">How do I change my email?</h2><p>Go to Settings.</p>')
    html = f"<html><head><title>FAQ</title></head><body>{body}</body></html>"
    markdown = ("# Support FAQ\n\n## Contents\n\n- [How do I reset my password?](#pw)\n"
                "- [How do I change my email?](#em)\n  - [By phone](#em-2)\n\n"
                "## How do I reset my password?\n\nClick \"Forgot password\".\n\n"
                "- [Reset](#pw) it, then sign in.\n\n"
                "## How do I change my email?\n\nGo to Settings.\n")
    for page in (parse_html(html, "faq.html"), parse_markdown(markdown, "faq.md")):
        result = import_pages([page])
        assert [e.title for e in result.entries] == [
            "How do I reset my password?", "How do I change my email?"]
        assert "Reset it, then sign in." in result.entries[0].answer  # a sentence: kept


def test_hugo_toml_front_matter_gives_the_title_and_is_not_text() -> None:
    page = parse_markdown('+++\ntitle = "Server FAQ"\naliases = ["help"]\ndraft = false\n+++\n\n'
                          "## How do I join?\n\nUse the invite.\n", "faq.md")
    assert (page.title, page.aliases, page.notes) == ("Server FAQ", ("help",), ())
    assert headings(page) == [(2, "How do I join?", "how-do-i-join")]
    assert page.parts[0].line == 7  # type: ignore[union-attr]  # as in the file
    assert blocks(page) == ["Use the invite."]
    broken = parse_markdown("+++\ntitle = = bad\n+++\n\n## Q?\n\nA.\n", "faq.md")
    assert broken.notes == ("its front matter is not valid TOML; ignored",)
    assert blocks(broken) == ["A."]
