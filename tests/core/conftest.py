"""The `make_kb` fixture: knowledge folders built in tmp_path from {file name: content}."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

Files = Mapping[str, str | bytes]


def write_files(folder: Path, files: Files) -> Path:
    """Write each file as given: text as UTF-8 with its line breaks untouched, bytes as bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[[Files], Path]:
    counter = iter(range(1_000_000))

    def make(files: Files) -> Path:
        return write_files(tmp_path / f"kb{next(counter)}", files)

    return make
