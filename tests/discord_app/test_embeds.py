"""Building embeds: every page of every reply stays within each of Discord's embed limits."""

from __future__ import annotations

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.replies.plain_text import truncate
from bot.core.replies.reply import Choice, Reply, ReplyKind, TableView
from bot.discord_app.embeds import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    build_pages,
    split_text,
    table_fields,
)


def assert_within_limits(embed: discord.Embed) -> None:
    """Every limit Discord enforces on one embed (len(embed) is what Discord counts)."""
    assert len(embed.title or "") <= TITLE_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= FIELDS_LIMIT
    for item in embed.fields:
        assert 0 < len(item.name or "") <= FIELD_NAME_LIMIT
        assert 0 < len(item.value or "") <= FIELD_VALUE_LIMIT
    assert len(embed.footer.text or "") <= FOOTER_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert embed  # never an empty embed


def assert_pages_ok(reply: Reply) -> list[discord.Embed]:
    pages = build_pages(reply)
    assert pages
    for page in pages:
        assert_within_limits(page)
    if len(pages) > 1:
        for number, page in enumerate(pages, 1):
            assert page.footer.text is not None
            assert page.footer.text.endswith(f"Page {number}/{len(pages)}")
    return pages


def body_of(pages: list[discord.Embed]) -> str:
    return "\n".join(page.description or "" for page in pages)


# -- truncate -------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 10, 256, 4096])
def test_truncate_never_exceeds_the_limit(limit: int) -> None:
    for text in ("", "a", "x" * limit, "y" * (limit + 1), "word " * limit, "é" * (limit * 3)):
        cut = truncate(text, limit)
        assert len(cut) <= limit
        if len(text) <= limit:
            assert cut == text
        else:
            assert cut.endswith("…")


# -- split_text -----------------------------------------------------------------------------


def test_split_text_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = "\n\n".join(f"Paragraph {n}. " + "word " * 150 for n in range(12))
    pieces = split_text(paragraphs, 1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.startswith("Paragraph") for piece in pieces)
    assert " ".join(pieces).split() == paragraphs.split()


def test_split_text_cuts_a_word_longer_than_the_limit() -> None:
    pieces = split_text("z" * 10_000, 3000)
    assert [len(p) for p in pieces] == [3000, 3000, 3000, 1000]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\t \n"])
def test_split_text_of_blank_text_is_nothing(text: str) -> None:
    assert split_text(text) == []


# -- table_fields ---------------------------------------------------------------------------


def test_table_fields_fit_with_huge_cells() -> None:
    view = TableView(columns=("Factor", "Open", "Closed"),
                     rows=tuple((f"F{n}" * 200, "o" * 1000, "c" * 1000) for n in range(50)))
    fields = table_fields(view)
    assert len(fields) == 50
    for item in fields:
        assert 0 < len(item.name) <= FIELD_NAME_LIMIT
        assert 0 < len(item.value) <= FIELD_VALUE_LIMIT


def test_table_fields_name_every_side() -> None:
    view = TableView(columns=("Factor", "Open", "Closed"), rows=(("Cost", "free", "paid"),))
    (item,) = table_fields(view)
    assert item.name == "Cost"
    assert item.value == "**Open:** free\n**Closed:** paid"


# -- build_pages ----------------------------------------------------------------------------


def test_short_reply_is_one_page_without_page_marker() -> None:
    reply = Reply(kind=ReplyKind.ANSWER, title="Title", body="Body", footer="Source")
    (page,) = assert_pages_ok(reply)
    assert page.title == "Title"
    assert page.description == "Body"
    assert page.footer.text == "Source"


def test_huge_body_is_paged_and_nothing_is_lost() -> None:
    body = "\n\n".join(f"Paragraph {n}: " + "lorem ipsum " * 80 for n in range(60))
    reply = Reply(kind=ReplyKind.ANSWER, title="Long", body=body, footer="Doc — Section")
    pages = assert_pages_ok(reply)
    assert len(pages) > 1
    assert body_of(pages).split() == body.split()
    assert pages[1].title == "Long (continued)"


def test_huge_table_is_paged() -> None:
    view = TableView(columns=("Factor", "Open", "Closed"),
                     rows=tuple((f"Factor {n}", "o" * 1000, "c" * 1000) for n in range(50)))
    reply = Reply(kind=ReplyKind.ANSWER, title="Table", body="x" * 3000, table=view,
                  see_also=tuple(Choice(f"id{n}", f"Topic {n}") for n in range(10)))
    pages = assert_pages_ok(reply)
    names = [item.name for page in pages for item in page.fields]
    assert names == [f"Factor {n}" for n in range(50)] + ["See also"]


def test_many_small_rows_respect_the_field_count() -> None:
    view = TableView(columns=("Factor", "A"), rows=tuple((f"r{n}", "v") for n in range(80)))
    pages = assert_pages_ok(Reply(kind=ReplyKind.ANSWER, title="T", table=view))
    assert sum(len(page.fields) for page in pages) == 80
    assert max(len(page.fields) for page in pages) == FIELDS_LIMIT


def test_long_title_is_cut_also_on_continued_pages() -> None:
    reply = Reply(kind=ReplyKind.ANSWER, title="T" * 1000, body="word " * 3000)
    pages = assert_pages_ok(reply)
    assert len(pages) > 1
    assert all(page.title and page.title.endswith(("…", "(continued)")) for page in pages)


def test_many_see_also_are_cut_to_one_field() -> None:
    see_also = tuple(Choice(f"id{n}", f"A rather long related topic title {n}")
                     for n in range(200))
    pages = assert_pages_ok(Reply(kind=ReplyKind.ANSWER, title="T", body="b",
                                  see_also=see_also))
    (item,) = [item for page in pages for item in page.fields]
    assert item.name == "See also"
    assert item.value.endswith("…")


def test_long_body_with_long_footer_and_title_stays_within_the_total() -> None:
    """Title, description and footer together may not pass 6,000 characters."""
    reply = Reply(kind=ReplyKind.ANSWER, title="T" * 300, body="word " * 2000,
                  footer="F" * 3000)
    pages = assert_pages_ok(reply)
    assert body_of(pages).split() == ("word " * 2000).split()


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_every_kind_has_a_colour_and_builds(kind: ReplyKind) -> None:
    (page,) = assert_pages_ok(Reply(kind=kind, title="T", body="B"))
    assert page.colour is not None


# -- any reply ------------------------------------------------------------------------------

# Text Discord accepts in an embed: anything but surrogates; names of fields are never blank.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
huge_text = st.builds(lambda s, n: (s + " ") * n, any_text.filter(bool), st.integers(1, 8000)
                      ).map(lambda s: s[:9000])
long_text = st.one_of(any_text, st.builds(lambda s, n: s * n, any_text, st.integers(1, 40)),
                      huge_text)
name_text = st.text(st.characters(blacklist_categories=("Cs", "Z", "Cc")), min_size=1,
                    max_size=400)
choices = st.lists(st.builds(Choice, any_text, name_text), max_size=30).map(tuple)


@st.composite
def tables(draw: st.DrawFn) -> TableView:
    sides = draw(st.lists(name_text, min_size=1, max_size=4))
    rows = draw(st.lists(st.tuples(name_text, *[long_text for _ in sides]), max_size=60))
    return TableView(columns=("Factor", *sides), rows=tuple(rows))


replies = st.builds(
    Reply,
    kind=st.sampled_from(list(ReplyKind)),
    title=st.one_of(name_text, st.builds(lambda s: s * 20, name_text)),
    body=long_text,
    table=st.none() | tables(),
    choices=choices,
    see_also=choices,
    footer=st.none() | long_text,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(replies)
def test_any_reply_builds_pages_within_every_limit(reply: Reply) -> None:
    pages = assert_pages_ok(reply)
    if reply.table is not None:
        assert sum(len(p.fields) for p in pages) >= len(reply.table.rows)
    # The body is never lost, only split between pages (whitespace at the cuts aside).
    assert "".join(body_of(pages).split()) == "".join(reply.body.split())
