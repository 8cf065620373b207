"""Every module in bot/ starts with a one-line docstring saying its job."""

from __future__ import annotations

from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
MODULES = sorted(BOT.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT)))
def test_a_one_line_docstring_first(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    assert first.startswith('"""'), "no docstring first"
    assert (first.endswith('"""') and first != '"""') or rest.startswith("\n"), \
        "the docstring's first line is not a sentence of its own"
