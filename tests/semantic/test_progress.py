"""The download's progress bar."""

from __future__ import annotations

import io

import pytest

from bot.semantic.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_grow_and_end_full() -> None:
    out = Terminal()
    bar = Progress("Downloading model.onnx", 4 << 20, out)
    bar.advance(1 << 20)
    assert out.getvalue().startswith("\rDownloading model.onnx [")
    assert " 25% 1.0/4.0 MiB" in out.getvalue()
    bar.advance(3 << 20)
    bar.done()
    last = out.getvalue().rstrip("\n").split("\r")[-1]
    assert last == "Downloading model.onnx [" + "#" * 30 + "] 100% 4.0/4.0 MiB"


def test_a_log_file_gets_only_the_finished_line() -> None:
    out = io.StringIO()
    bar = Progress("Downloading tokenizer.json", 0, out)  # no Content-Length
    bar.advance(1 << 19)
    bar.done()
    assert out.getvalue() == "Downloading tokenizer.json 0.5 MiB\n"


def test_a_download_that_fails_ends_the_line_it_drew() -> None:
    out = Terminal()
    with pytest.raises(TimeoutError), Progress("Downloading model.onnx", 4 << 20, out) as bar:
        bar.advance(1 << 20)
        raise TimeoutError  # the host went silent
    assert out.getvalue().endswith(" 25% 1.0/4.0 MiB\n")
    quiet = Terminal()
    with pytest.raises(TimeoutError), Progress("Downloading model.onnx", 4 << 20, quiet):
        raise TimeoutError  # before a byte came: nothing drawn, no empty line
    assert quiet.getvalue() == ""
