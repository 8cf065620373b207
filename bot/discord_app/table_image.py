"""The comparison table as a PNG picture, drawn with Pillow, legible at phone size.

Discord shows an embed image about as wide as the message column: roughly 340 dp on a phone
and 400-520 px on a desktop. The picture is 840 px wide with 30 px text, so that on a phone
the text still comes out near 12 dp (Discord's own text is 16 dp), and a tap zooms it.
Cells are word-wrapped to their column; the header row and every other row are shaded.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.core.replies.reply import TableView

WIDTH = 840
FONT_SIZE = 30
TITLE_SIZE = 36
PADDING = 24
CELL_PAD_X = 14
CELL_PAD_Y = 10
LINE_GAP = 6
MAX_HEIGHT = 8000

BACKGROUND = (255, 255, 255)
TEXT = (32, 34, 37)
HEADER_FILL = (88, 101, 242)  # Discord blurple
HEADER_TEXT = (255, 255, 255)
STRIPE_FILL = (242, 243, 245)
RULE = (210, 212, 216)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_RENDER_LOCK = threading.Lock()

# Prefer DejaVu when the system has it (wide glyph coverage); Pillow's bundled font otherwise,
# so the picture renders in CI and containers without any system fonts.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/Library/Fonts"), Path("C:/Windows/Fonts"))


@cache
def load_font(size: int, *, bold: bool = False) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            try:
                return ImageFont.truetype(str(path), size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


FALLBACKS = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...",
             "•": "-", "→": "->", "←": "<-", "×": "x", "≈": "~", "≥": ">=", "≤": "<=", "ß": "ss"}
MISSING_PROBE = "\U0010fffd"  # a private-use code point: no font draws it, so it is .notdef


@cache
def _has_glyph(font: Font, char: str) -> bool:
    if char.isspace() or char.isascii():
        return True
    drawn = font.getmask(char)
    missing = font.getmask(MISSING_PROBE)
    return (drawn.size != missing.size) or bytes(drawn) != bytes(missing)


def _printable_text(text: str) -> str:
    """Replace what the font cannot draw (the bundled font is ASCII-only) with a near ASCII."""
    font = load_font(FONT_SIZE)
    return "".join(c if _has_glyph(font, c) else _substitute(c) for c in text)


def _substitute(char: str) -> str:
    if char in FALLBACKS:
        return FALLBACKS[char]
    stripped = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return stripped or "?"


def _printable(view: TableView) -> TableView:
    return TableView(columns=tuple(_printable_text(c) for c in view.columns),
                     rows=tuple(tuple(_printable_text(c) for c in row) for row in view.rows))


def wrap(text: str, font: Font, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels; a word longer than the width is cut by characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for whole in paragraph.split():
            word = whole
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while font.getlength(word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and font.getlength(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class _Layout:
    widths: tuple[int, ...]
    line_height: int


def _column_widths(view: TableView, font: Font, bold: Font) -> tuple[int, ...]:
    """Widths that fit each column's longest word, the rest shared by how much text it holds."""
    inner = WIDTH - 2 * PADDING
    count = len(view.columns)
    pad = 2 * CELL_PAD_X
    longest = [0] * count
    natural = [0] * count
    for number, cells in enumerate((view.columns, *view.rows)):
        for i, cell in enumerate(cells):
            cell_font = bold if number == 0 or i == 0 else font
            words = cell.split() or [""]
            longest[i] = max(longest[i], *(int(cell_font.getlength(w)) + pad for w in words))
            natural[i] = max(natural[i], int(cell_font.getlength(cell)) + pad)
    cap = int(inner / count * 1.5)
    minimum = [min(width, cap) for width in longest]
    spare = inner - sum(minimum)
    if spare <= 0:
        return tuple([inner // count] * count)
    wants = [max(n - m, 0) for n, m in zip(natural, minimum, strict=True)]
    total_want = sum(wants) or count
    widths = [m + (spare * w // total_want if sum(wants) else spare // count)
              for m, w in zip(minimum, wants, strict=True)]
    widths[-1] += inner - sum(widths)
    return tuple(widths)


def _layout(view: TableView, font: Font, bold: Font) -> _Layout:
    ascent, descent = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (12, 4)
    return _Layout(_column_widths(view, font, bold), ascent + descent + LINE_GAP)


def _row_lines(cells: tuple[str, ...], font: Font, bold: Font,
               layout: _Layout) -> list[list[str]]:
    """Each cell wrapped to its column, measured in the font it is drawn with (bold first)."""
    return [wrap(cell, bold if i == 0 else font, width - 2 * CELL_PAD_X)
            for i, (cell, width) in enumerate(zip(cells, layout.widths, strict=True))]


def render_table_png(view: TableView, title: str) -> bytes:
    """The table (header and rows) under its title, as PNG bytes. Safe to call from threads."""
    with _RENDER_LOCK:  # the cached fonts share one FreeType face: one drawing at a time
        return _render(view, title)


def _render(view: TableView, title: str) -> bytes:
    font = load_font(FONT_SIZE)
    bold = load_font(FONT_SIZE, bold=True)
    title_font = load_font(TITLE_SIZE, bold=True)
    view = _printable(view)
    title = _printable_text(title)
    layout = _layout(view, font, bold)
    title_lines = wrap(title, title_font, WIDTH - 2 * PADDING)
    title_height = len(title_lines) * (TITLE_SIZE + LINE_GAP + 4)
    header = _row_lines(view.columns, bold, bold, layout)
    rows = [_row_lines(row, font, bold, layout) for row in view.rows]

    def height_of(lines: list[list[str]]) -> int:
        return max(len(cell) for cell in lines) * layout.line_height + 2 * CELL_PAD_Y

    heights = [height_of(header), *(height_of(row) for row in rows)]
    total = min(PADDING + title_height + PADDING // 2 + sum(heights) + PADDING, MAX_HEIGHT)
    image = Image.new("RGB", (WIDTH, total), BACKGROUND)
    draw = ImageDraw.Draw(image)

    y = PADDING
    for line in title_lines:
        draw.text((PADDING, y), line, font=title_font, fill=TEXT)
        y += TITLE_SIZE + LINE_GAP + 4
    y += PADDING // 2
    for number, (lines, height) in enumerate(zip([header, *rows], heights, strict=True)):
        if number == 0:
            fill: tuple[int, int, int] | None = HEADER_FILL
        else:
            fill = STRIPE_FILL if number % 2 == 0 else None
        if fill is not None:
            draw.rectangle((PADDING, y, WIDTH - PADDING - 1, y + height - 1), fill=fill)
        x = PADDING
        for cell, width in zip(lines, layout.widths, strict=True):
            cell_font = bold if number == 0 or x == PADDING else font
            colour = HEADER_TEXT if number == 0 else TEXT
            for index, text in enumerate(cell):
                draw.text((x + CELL_PAD_X, y + CELL_PAD_Y + index * layout.line_height), text,
                          font=cell_font, fill=colour)
            x += width
        y += height
        draw.line((PADDING, y - 1, WIDTH - PADDING - 1, y - 1), fill=RULE, width=1)
        if y >= MAX_HEIGHT:
            break
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
