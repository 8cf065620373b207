"""Reading documents for `faqbot kb import`: files, folders and pages served on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import doc_sources
from bot.doc_sources import gather

PAGE = b"<html><head><title>Help</title></head><body><h1>Help</h1><p>Hi.</p></body></html>"


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass

    def do_GET(self) -> None:
        routes = {
            "/page.html": lambda: self._send(200, "text/html; charset=utf-8", PAGE),
            "/notes.md": lambda: self._send(200, "text/markdown", b"# Notes\n\nText.\n"),
            "/moved": lambda: self._redirect("/page.html"),
            "/loop": lambda: self._redirect("/loop"),
            "/to-file": lambda: self._redirect("file:///etc/passwd"),
            "/image.png": lambda: self._send(200, "image/png", b"\x89PNG\r\n\x1a\n"),
            "/big.html": lambda: self._send(200, "text/html", b"<p>" + b"x" * (6 << 20)),
            "/slow.html": self._slow,
            "/latin1.html": lambda: self._send(200, "text/html", "<p>café</p>".encode("latin-1")),
        }
        routes.get(self.path, lambda: self._send(404, "text/plain", b"no"))()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (a size or time limit)
            self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self) -> None:
        time.sleep(1.5)
        self._send(200, "text/html", PAGE)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_page_and_a_redirect_are_read_with_their_final_address(server: str) -> None:
    got = gather([f"{server}/page.html", f"{server}/moved", f"{server}/notes.md"])
    assert got.problems == []
    assert [(d.kind, d.url) for d in got.documents] == [
        ("html", f"{server}/page.html"), ("html", f"{server}/page.html"),
        ("markdown", f"{server}/notes.md")]


def test_bad_pages_each_get_one_line(server: str) -> None:
    got = gather([f"{server}/missing", f"{server}/loop", f"{server}/to-file",
                  f"{server}/image.png", f"{server}/big.html", f"{server}/slow.html",
                  f"{server}/latin1.html", "ftp://example.org/x.md"], timeout=0.5)
    assert got.documents == []
    problems = got.problems
    assert len(problems) == 8
    assert problems[0] == f"{server}/missing: the server answered 404 Not Found; skipped"
    assert problems[1].startswith(f"{server}/loop: the server answered 302")
    assert problems[2].startswith(f"{server}/to-file: the server answered 302")
    assert problems[3] == f"{server}/image.png: not a page of text (image/png); skipped"
    assert "over the 5.0 MB a page may be" in problems[4]
    assert problems[5] == f"{server}/slow.html: no answer within 0.5 s; skipped"
    assert problems[6] == f"{server}/latin1.html:1: not UTF-8 text; save it as UTF-8; skipped"
    assert problems[7] == "ftp://example.org/x.md: only http:// and https:// addresses can be " \
                          "imported"
    assert all("\n" not in p for p in problems)


def test_folders_are_walked_in_a_stable_order(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "b").mkdir(parents=True)
    (docs / "a.md").write_text("# A\n\ntext\n")
    (docs / "b" / "c.rst").write_text("C\n=\n\ntext\n")
    (docs / "b" / "d.html").write_text("<h1>D</h1><p>text</p>")
    (docs / "e.png").write_bytes(b"\x89PNG")
    (docs / ".hidden.md").write_text("# H\n\nx\n")
    got = gather([str(docs)], "https://docs.example.org/site")
    assert got.problems == []
    assert [(d.name, d.kind, d.url) for d in got.documents] == [
        ("docs/a.md", "markdown", "https://docs.example.org/site/a.md"),
        ("docs/b/c.rst", "rst", "https://docs.example.org/site/b/c.html"),
        ("docs/b/d.html", "html", "https://docs.example.org/site/b/d.html")]


def test_a_file_name_with_a_control_character_is_skipped_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# Install\n\nRun it.\n")
    (docs / "bad\x1b[31m.md").write_text("# Other\n\nMore.\n")
    (docs / "family 👨\u200d👩\u200d👧.md").write_text("# Us\n\nHello.\n")  # shown fine
    got = gather([str(docs)])
    assert got.problems == ["docs/bad\\x1b[31m.md: the file name holds a control character; "
                            "rename it; skipped"]
    assert [d.name for d in got.documents] == ["docs/family 👨\u200d👩\u200d👧.md",
                                               "docs/good.md"]


def test_file_names_are_percent_encoded_in_their_addresses(tmp_path: Path) -> None:
    # "Getting Started.md" is published as Getting%20Started.md: a space would make the
    # address invalid, and the knowledge base refuse the whole import.
    docs = tmp_path / "docs"
    (docs / "User Guide").mkdir(parents=True)
    (docs / "User Guide" / "Getting Started.md").write_text("# A\n\ntext\n")
    (docs / "caf\u00e9 #1?.md").write_text("# B\n\ntext\n")
    got = gather([str(docs)], "https://docs.example.org/site/")
    assert [d.url for d in got.documents] == [
        "https://docs.example.org/site/caf%C3%A9%20%231%3F.md",
        "https://docs.example.org/site/User%20Guide/Getting%20Started.md"]
    one = gather([str(docs / "User Guide" / "Getting Started.md")], "https://x.org/docs/")
    assert [d.url for d in one.documents] == ["https://x.org/docs/Getting%20Started.md"]


def test_bad_files_each_get_one_line_naming_them(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_sources, "MAX_DOCUMENT_BYTES", 1000)
    (tmp_path / "latin.md").write_bytes(b"# Title\n\ncaf\xe9\n")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "empty.rst").write_text("  \n")
    (tmp_path / "huge.html").write_text("<p>" + "x" * 2000)
    (tmp_path / "notes.txt").write_text("text")
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(loop)
    (loop / "ok.md").write_text("# Ok\n\ntext\n")
    got = gather([str(tmp_path / name) for name in (
        "missing.md", "latin.md", "binary.md", "empty.rst", "huge.html", "notes.txt", "loop")])
    assert got.problems == [
        f"{tmp_path}/missing.md: no such file or folder",
        "latin.md:3: not UTF-8 text; save it as UTF-8; skipped",
        "binary.md: a binary file, not text; skipped",
        "empty.rst: empty; skipped",
        "huge.html: 0.0 MB is over the 0.0 MB a document may be; skipped",
        f"{tmp_path}/notes.txt: not Markdown, reStructuredText or HTML (.md, .rst, .html); "
        "skipped",
        f"{loop}/again: a symbolic link loop; not followed",
    ]
    assert [d.name for d in got.documents] == ["loop/ok.md"]


def test_a_fifo_or_a_device_named_like_a_document_is_skipped_not_waited_on(tmp_path: Path
                                                                          ) -> None:
    # Opening a FIFO for reading waits for a writer: forever, for an import.
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.html").symlink_to("/dev/zero")
    (tmp_path / "ok.md").write_text("# Ok\n\ntext\n")
    got = gather([str(tmp_path)])
    name = tmp_path.name
    assert got.problems == [f"{name}/pipe.md: not a regular file; skipped",
                            f"{name}/zero.html: not a regular file; skipped"]
    assert [d.name for d in got.documents] == [f"{name}/ok.md"]


def test_utf16_with_its_byte_order_mark_is_read_not_called_binary(tmp_path: Path) -> None:
    # Windows Notepad's "Unicode": the byte-order mark says what it is, so nothing is lost.
    (tmp_path / "le.md").write_bytes("# Caf\u00e9?\n\nYes.\n".encode("utf-16"))
    (tmp_path / "be.md").write_bytes(b"\xfe\xff" + "# Tea?\n\nNo.\n".encode("utf-16-be"))
    (tmp_path / "odd.md").write_bytes(b"\xff\xfe# \x00")  # an odd length: not UTF-16 at all
    got = gather([str(tmp_path / name) for name in ("le.md", "be.md", "odd.md")])
    assert [(d.name, d.text) for d in got.documents] == [
        ("le.md", "# Caf\u00e9?\n\nYes.\n"), ("be.md", "# Tea?\n\nNo.\n")]
    assert got.problems == ["odd.md:1: not UTF-16 text; save it as UTF-8; skipped"]


def test_utf16_without_its_byte_order_mark_is_named_so_not_called_binary(tmp_path: Path) -> None:
    (tmp_path / "le.md").write_bytes("# Tea?\n\nYes, green or black.\n".encode("utf-16-le"))
    (tmp_path / "be.md").write_bytes("# Tea?\n\nYes, green or black.\n".encode("utf-16-be"))
    (tmp_path / "bin.md").write_bytes(bytes(range(256)))
    got = gather([str(tmp_path / name) for name in ("le.md", "be.md", "bin.md")])
    unmarked = "UTF-16 text without its byte-order mark; save it as UTF-8; skipped"
    assert got.problems == [f"le.md: {unmarked}", f"be.md: {unmarked}",
                            "bin.md: a binary file, not text; skipped"]


def test_a_50_mb_file_and_a_self_loop_are_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no disk used, nothing read
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    got = gather([str(huge), str(loop)])
    assert got.documents == []
    assert got.problems == [
        "huge.md: 50.0 MB is over the 5.0 MB a document may be; skipped",
        f"{loop}: Too many levels of symbolic links"]
