"""A PNG bar chart of questions per day, stacked by verdict, drawn with Pillow."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from bot.store.records import Stats

WIDTH, HEIGHT = 960, 440
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 24, 64, 64
BACKGROUND = (255, 255, 255)
INK = (40, 40, 40)
GRID = (225, 225, 225)
# Verdict, legend label, colour: stacked bottom to top.
SERIES = (
    ("answer", "answered", (67, 160, 71)),
    ("suggest", "suggested", (251, 192, 45)),
    ("none", "unanswered", (229, 57, 53)),
)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one small bitmap font
        return ImageFont.load_default()


def _nice_step(top: int, ticks: int = 5) -> int:
    """A round tick interval (1, 2, 5 × 10^n) giving about `ticks` gridlines up to `top`."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(int(factor * power), 1)
    return int(10 * power)  # pragma: no cover


def render_stats_chart(stats: Stats) -> bytes:
    """Questions per day by verdict, as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, font = _font(18), _font(13)
    days = stats.per_day
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    title = f"Questions per day, last {stats.days} day{'s' if stats.days != 1 else ''}"
    draw.text((left, 16), title, fill=INK, font=title_font)
    _legend(draw, font, right)

    peak = max((day.total for day in days), default=0)
    step = _nice_step(peak)
    ceiling = max(step * math.ceil(max(peak, 1) / step), step)
    for value in range(0, ceiling + 1, step):
        y = bottom - (bottom - top) * value / ceiling
        draw.line((left, y, right, y), fill=GRID)
        label = str(value)
        width = draw.textlength(label, font=font)
        draw.text((left - 8 - width, y - 7), label, fill=INK, font=font)
    draw.line((left, top, left, bottom), fill=INK)
    draw.line((left, bottom, right, bottom), fill=INK)

    if not days:
        draw.text((left + 16, top + 16), "no data", fill=INK, font=font)
    slot = (right - left) / max(len(days), 1)
    bar = max(slot * 0.7, 1.0)
    label_every = max(1, math.ceil(len(days) / ((right - left) / 48)))
    for index, day in enumerate(days):
        x0 = left + index * slot + (slot - bar) / 2
        base = float(bottom)
        for verdict, _, colour in SERIES:
            count = getattr(day, verdict)
            if not count:
                continue
            height = max((bottom - top) * count / ceiling, 1.0)
            draw.rectangle((x0, base - height, x0 + bar, base), fill=colour)
            base -= height
        if (len(days) - 1 - index) % label_every == 0:  # counted from the last day: dated
            label = day.day.strftime("%m-%d")
            width = draw.textlength(label, font=font)
            draw.text((x0 + bar / 2 - width / 2, bottom + 8), label, fill=INK, font=font)
    footer = (f"{stats.total} questions: {stats.answered} answered, {stats.suggested} "
              f"suggested, {stats.unanswered} unanswered (UTC days)")
    draw.text((left, HEIGHT - 28), footer, fill=INK, font=font)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
            right: int) -> None:
    x = float(right)
    for _, label, colour in reversed(SERIES):
        width = draw.textlength(label, font=font)
        x -= width
        draw.text((x, 40), label, fill=INK, font=font)
        x -= 18
        draw.rectangle((x, 42, x + 12, 54), fill=colour)
        x -= 16
