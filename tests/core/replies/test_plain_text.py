"""Plain-text tables and replies: aligned grid when it fits, stacked rows when narrow."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.replies.plain_text import format_table, reply_to_text, table_width
from bot.core.replies.reply import ALTERNATIVES_TITLE, Choice, Reply, ReplyKind, TableView

VIEW = TableView(
    columns=("Factor", "Open models", "Closed models"),
    rows=(
        ("Cost to access", "Free (compute costs only)", "Per-token API pricing"),
        ("Customizability", "High — fine-tune freely", "Limited to provider tools"),
    ),
)


def test_grid_when_it_fits() -> None:
    text = format_table(VIEW, width=80)
    lines = text.splitlines()
    assert len(lines) == 4  # header, rule, two rows
    assert lines[0].split() == ["Factor", "Open", "models", "Closed", "models"]
    assert set(lines[1].replace(" ", "")) == {"─"}
    # Columns are aligned: each column starts at the same offset on every line.
    open_at = lines[0].index("Open models")
    closed_at = lines[0].index("Closed models")
    assert lines[2].index("Free") == open_at
    assert lines[3].index("High") == open_at
    assert lines[2].index("Per-token") == closed_at
    assert lines[3].index("Limited") == closed_at
    assert all(len(line) <= 80 for line in lines)
    assert all(line == line.rstrip() for line in lines)


def test_table_width_is_the_grid_width() -> None:
    grid = format_table(VIEW, width=table_width(VIEW))
    assert "─" in grid  # exactly wide enough: still a grid
    assert max(len(line) for line in grid.splitlines()) == table_width(VIEW)
    stacked = format_table(VIEW, width=table_width(VIEW) - 1)
    assert "─" not in stacked


def test_stacked_when_narrow() -> None:
    text = format_table(VIEW, width=40)
    lines = text.splitlines()
    assert "─" not in text
    assert all(len(line) <= 40 for line in lines), text
    # One block a row, separated by a blank line, each starting with the factor.
    blocks = text.split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == ["Cost to access", "Customizability"]
    assert "Open models:" in blocks[0]
    assert "Closed models:" in blocks[0]
    # No words are lost in the wrapping.
    for row in VIEW.rows:
        for cell in row:
            for word in cell.split():
                assert word in text


def test_stacked_factor_and_labels_wrap_to_the_width() -> None:
    view = TableView(
        columns=("Factor", "A very long column label indeed", "B"),
        rows=(("A factor name that is far longer than the narrow width allows",
               "x " * 30, "supercalifragilisticexpialidocious-and-more"),),
    )
    for width in (20, 30, 40):
        text = format_table(view, width=width)
        assert all(len(line) <= width for line in text.splitlines()), (width, text)


cell_text = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]),
    min_size=1, max_size=60,
).map(lambda s: s.strip() or "x")


@st.composite
def views(draw: st.DrawFn) -> TableView:
    n_columns = draw(st.integers(2, 4))
    columns = tuple(draw(cell_text) for _ in range(n_columns + 1))
    rows = tuple(
        tuple(draw(cell_text) for _ in range(n_columns + 1))
        for _ in range(draw(st.integers(1, 5)))
    )
    return TableView(columns=columns, rows=rows)


@settings(max_examples=150, deadline=None)
@given(view=views(), width=st.integers(20, 120))
def test_no_line_is_longer_than_the_width(view: TableView, width: int) -> None:
    text = format_table(view, width=width)
    assert all(len(line) <= width for line in text.splitlines()), text
    # Nothing is dropped: each cell's text, whitespace aside, is shown in one piece.
    shown = "".join(text.split())
    for row in view.rows:
        for cell in row:
            assert "".join(cell.split()) in shown


def test_reply_to_text_shows_every_part() -> None:
    reply = Reply(
        kind=ReplyKind.ANSWER,
        title="Open vs closed",
        body="How they compare.",
        table=VIEW,
        see_also=(Choice("a", "First topic"), Choice("b", "Second topic")),
        footer="The Article — Section",
        item_id="x",
    )
    text = reply_to_text(reply, width=80)
    assert text.startswith("Open vs closed\n==============\n")
    assert "How they compare." in text
    assert format_table(VIEW, 80) in text
    assert "See also: First topic, Second topic" in text
    assert text.rstrip().endswith("Source: The Article — Section")
    order = [text.index(part) for part in
             ("Open vs closed", "How they compare.", "Factor", "See also:", "Source:")]
    assert order == sorted(order)


def test_reply_to_text_numbers_the_choices() -> None:
    reply = Reply(kind=ReplyKind.SUGGEST, title="Did you mean…", body="Pick one:",
                  choices=(Choice("a", "Alpha"), Choice("b", "Beta")))
    text = reply_to_text(reply)
    assert "  1. Alpha\n  2. Beta" in text
    assert "See also" not in text
    assert "Source:" not in text


def test_reply_to_text_heads_an_answers_choices_as_its_alternatives() -> None:
    reply = Reply(kind=ReplyKind.ANSWER, title="Holiday hours", body="We open at ten.",
                  choices=(Choice("hours", "Opening hours"),))
    text = reply_to_text(reply)
    assert text.endswith(f"We open at ten.\n\n{ALTERNATIVES_TITLE}\n  1. Opening hours")


def test_reply_to_text_narrow_table_is_stacked() -> None:
    reply = Reply(kind=ReplyKind.ANSWER, title="T", table=VIEW)
    text = reply_to_text(reply, width=40)
    assert "─" not in text
    assert all(len(line) <= 40 for line in text.splitlines())


def test_reply_to_text_ends_with_the_read_more_link() -> None:
    reply = Reply(kind=ReplyKind.ANSWER, title="Install", body="Run it.",
                  footer="Docs — Install", link="https://docs.example.org/install.html#top")
    text = reply_to_text(reply)
    assert text.endswith("Source: Docs — Install\n\n"
                         "Read more: https://docs.example.org/install.html#top")
