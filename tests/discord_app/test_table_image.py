"""The comparison table as a PNG: valid, phone-sized, real glyphs, with or without system fonts."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from faqbot_harness import TINY
from PIL import Image

from bot.core.library import Library
from bot.core.replies.render import render_table
from bot.core.replies.reply import Reply, TableView
from bot.discord_app import table_image
from bot.discord_app.table_image import FONT_SIZE, WIDTH, render_table_png, wrap

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def table() -> Reply:
    reply = render_table(Library.open(TINY).current.kb)
    assert reply.table is not None
    return reply


@pytest.fixture
def bundled_font_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in CI without system fonts: only Pillow's bundled font."""
    monkeypatch.setattr(table_image, "FONT_DIRS", ())
    table_image.load_font.cache_clear()
    table_image._has_glyph.cache_clear()
    yield
    table_image.load_font.cache_clear()
    table_image._has_glyph.cache_clear()


def decode(png: bytes) -> Image.Image:
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    image.verify()
    return Image.open(io.BytesIO(png)).convert("RGB")


def ink_rows(image: Image.Image) -> int:
    """How many pixel rows hold dark (text) pixels: a blank or box-only picture has few."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    return sum(1 for y in range(height) if any(pixels[x, y] < 100 for x in range(0, width, 2)))


def check_picture(png: bytes, rows: int) -> Image.Image:
    image = decode(png)
    width, height = image.size
    assert width == WIDTH
    assert 300 <= height <= 4000
    assert 20_000 <= len(png) <= 1_000_000  # under Discord's 10 MB, small enough for phones
    assert FONT_SIZE >= 28
    assert ink_rows(image) > rows * FONT_SIZE // 2  # text was drawn on every row
    return image


def test_whole_table_picture(table: Reply) -> None:
    assert table.table is not None
    png = render_table_png(table.table, table.title)
    image = check_picture(png, len(table.table.rows))
    assert image.getpixel((WIDTH // 2, 5)) == table_image.BACKGROUND


def test_picture_without_system_fonts(table: Reply, bundled_font_only: None) -> None:
    assert table.table is not None
    font = table_image.load_font(FONT_SIZE)
    assert font.getlength("Cost") > 2 * font.getlength("i")  # a real, scalable font
    png = render_table_png(table.table, table.title)
    check_picture(png, len(table.table.rows))


def test_missing_glyphs_become_ascii(bundled_font_only: None) -> None:
    # Pillow's bundled font has no em dash or accents: they must not come out as boxes.
    assert table_image._printable_text("High — café …") in {"High - cafe ...", "High - cafe …"}


def test_one_row_and_long_cells_wrap_within_width(table: Reply) -> None:
    assert table.table is not None
    long_cell = "word " * 60 + "x" * 90
    view = TableView(table.table.columns, ((table.table.rows[0][0], long_cell, "short"),))
    png = render_table_png(view, "A long one")
    image = decode(png)
    assert image.size[0] == WIDTH
    assert image.size[1] > 400  # the long cell wrapped onto many lines


def test_wrap_fits_the_width() -> None:
    font = table_image.load_font(FONT_SIZE)
    lines = wrap("Supercalifragilisticexpialidocious and more words here", font, 200)
    assert all(font.getlength(line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == "Supercalifragilisticexpialidociousandmorewordshere"
