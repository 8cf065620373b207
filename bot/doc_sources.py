"""Read the documents `faqbot kb import` is given: files, folders and http(s) pages.

Folders are walked in a stable order; pages with bounded redirects, size and time. Every
problem is one line naming the source; nothing here raises for anything a source holds."""

from __future__ import annotations

import codecs
import logging
import os
import stat
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin, urlsplit

from bot.core.knowledge.models import one_line

log = logging.getLogger(__name__)

KINDS = {".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".html": "html",
         ".htm": "html"}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 10.0  # seconds for the connection and each read
DEADLINE = 30.0  # seconds for a whole page
_CHUNK = 64 * 1024
_PAGE_SUFFIX = {".rst": ".html"}  # Sphinx publishes a.rst as a.html; Markdown keeps its path


@dataclass(frozen=True, slots=True)
class Document:
    """One document's text, its kind (markdown, rst, html), name and published address."""

    name: str
    text: str
    kind: str
    url: str | None = None


@dataclass(slots=True)
class Gathered:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def gather(sources: list[str], base_url: str | None = None, *,
           timeout: float = TIMEOUT) -> Gathered:
    """Every document the sources name; problems as one line each."""
    gathered = Gathered()
    for source in sources:
        if urlsplit(source).scheme.lower() in ("http", "https"):
            _fetch_into(gathered, source, timeout)
        elif "://" in source:
            gathered.problems.append(f"{source}: only http:// and https:// addresses can be "
                                     "imported")
        else:
            folder_base = base_url if base_url is None or base_url.endswith("/") or \
                len(sources) == 1 else base_url + "/"
            _read_path(gathered, Path(source), folder_base)
    return gathered


# -- files ------------------------------------------------------------------------------------


def _read_path(gathered: Gathered, path: Path, base_url: str | None) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        gathered.problems.append(f"{path}: no such file or folder")
        return
    except OSError as exc:
        gathered.problems.append(f"{path}: {_reason(exc)}")
        return
    if stat.S_ISDIR(info.st_mode):
        folder_url = base_url if base_url is None or base_url.endswith("/") else base_url + "/"
        prefix = path.name or path.resolve().name
        for file, relative in _walk(path, gathered):
            url = urljoin(folder_url, _published(relative)) if folder_url else None
            _read_file(gathered, file, f"{prefix}/{relative}" if prefix else str(relative), url)
        return
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        gathered.problems.append(f"{path}: not Markdown, reStructuredText or HTML "
                                 "(.md, .rst, .html); skipped")
        return
    url = base_url
    if base_url and base_url.endswith("/"):
        url = urljoin(base_url, _published(PurePosixPath(path.name)))
    _read_file(gathered, path, path.name, url)


def _published(relative: PurePosixPath) -> str:
    """A file's address relative to the base: its page's name, percent-encoded (a space, '#' or
    '?' in a file name is part of the name, not of the address's syntax)."""
    return quote(str(relative.with_suffix(_PAGE_SUFFIX.get(relative.suffix.lower(),
                                                           relative.suffix))))


def _walk(root: Path, gathered: Gathered) -> Iterator[tuple[Path, PurePosixPath]]:
    """Documents under `root`, depth first in name order; hidden names skipped; a folder met
    again through a symbolic link (a loop) is reported once and not entered."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, PurePosixPath]] = [(root, PurePosixPath())]
    while stack:
        folder, relative = stack.pop()
        try:
            info = folder.stat()
            children = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            gathered.problems.append(f"{folder}: {_reason(exc)}; skipped")
            continue
        if (info.st_dev, info.st_ino) in seen:
            gathered.problems.append(f"{folder}: a symbolic link loop; not followed")
            continue
        seen.add((info.st_dev, info.st_ino))
        folders = []
        for child in children:
            if child.name.startswith("."):
                continue
            try:
                is_dir = child.is_dir()
            except OSError as exc:
                gathered.problems.append(f"{child}: {_reason(exc)}; skipped")
                continue
            if is_dir:
                folders.append((child, relative / child.name))
            elif child.suffix.lower() in KINDS:
                yield child, relative / child.name
        stack.extend(reversed(folders))


def _read_file(gathered: Gathered, path: Path, name: str, url: str | None) -> None:
    if any(unicodedata.category(char) == "Cc" for char in name):
        # It would name the entries' document, and a knowledge file takes no control character.
        gathered.problems.append(f"{one_line(name)}: the file name holds a control character; "
                                 "rename it; skipped")
        return
    try:
        # Non-blocking: opening a FIFO named like a document would wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            size = info.st_size
            if not stat.S_ISREG(info.st_mode):
                gathered.problems.append(f"{name}: not a regular file; skipped")
                return
            if size > MAX_DOCUMENT_BYTES:
                gathered.problems.append(f"{name}: {_megabytes(size)} is over the "
                                         f"{_megabytes(MAX_DOCUMENT_BYTES)} a document may be; "
                                         "skipped")
                return
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        gathered.problems.append(f"{name}: {_reason(exc)}; skipped")
        return
    text = _decode(gathered, name, data)
    if text is not None:
        gathered.documents.append(Document(name, text, KINDS[path.suffix.lower()], url))


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _utf16_unmarked(sample: bytes) -> bool:
    """Whether bytes look like UTF-16 of mostly ASCII text: every other byte zero, the rest
    not (an export that left out its byte-order mark)."""
    for zeros, letters in ((sample[1::2], sample[::2]), (sample[::2], sample[1::2])):
        if len(zeros) >= 4 and zeros.count(0) >= 0.9 * len(zeros) \
                and letters.count(0) <= 0.1 * len(letters):
            return True
    return False


def _decode(gathered: Gathered, name: str, data: bytes, charset: str = "utf-8") -> str | None:
    if len(data) > MAX_DOCUMENT_BYTES:
        gathered.problems.append(f"{name}: over {_megabytes(MAX_DOCUMENT_BYTES)}; skipped")
        return None
    if data.startswith(_UTF16_BOMS):  # Windows Notepad's "Unicode": the mark says what it is
        charset = "utf-16"
    elif b"\x00" in data[:8192]:
        kind = "UTF-16 text without its byte-order mark; save it as UTF-8" \
            if _utf16_unmarked(data[:8192]) else "a binary file, not text"
        gathered.problems.append(f"{name}: {kind}; skipped")
        return None
    try:
        text = data.decode("utf-8-sig" if charset.lower() in ("utf-8", "utf8") else charset)
    except (UnicodeDecodeError, LookupError) as exc:
        where = ""
        if isinstance(exc, UnicodeDecodeError):
            line = data[: exc.start].count(b"\n") + 1
            where = f":{line}"
        label = "UTF-16" if charset == "utf-16" else "UTF-8"
        gathered.problems.append(f"{name}{where}: not {label} text; save it as UTF-8; skipped")
        return None
    if not text.strip():
        gathered.problems.append(f"{name}: empty; skipped")
        return None
    return text


# -- web pages ---------------------------------------------------------------------------------


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http(s)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: urllib.request.Request, fp: object, code: int,  # noqa: PLR0917
                         msg: str, headers: Message, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirected to a non-web address",
                                         headers, None)
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _opener() -> urllib.request.OpenerDirector:
    # No proxies from the environment, no file:// or ftp:// handlers: http(s) only.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler({}), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), _Redirects(),
                    urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    return opener


def _fetch_into(gathered: Gathered, url: str, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "faqbot-import/1",
                                                   "Accept": "text/html, text/markdown, "
                                                             "text/x-rst, text/plain"})
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=timeout) as response:
            final = response.geturl()
            kind = _kind_of(final, response.headers.get_content_type())
            if kind is None:
                gathered.problems.append(f"{url}: not a page of text "
                                         f"({response.headers.get_content_type()}); skipped")
                return
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
                gathered.problems.append(f"{url}: {_megabytes(int(declared))} is over the "
                                         f"{_megabytes(MAX_DOCUMENT_BYTES)} a page may be; "
                                         "skipped")
                return
            chunks: list[bytes] = []
            size = 0
            while size <= MAX_DOCUMENT_BYTES:
                if time.monotonic() - started > DEADLINE:
                    raise TimeoutError
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        said = " ".join(str(exc.reason).split())
        gathered.problems.append(f"{url}: the server answered {exc.code} {said}; skipped")
        return
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.debug("fetching %s failed", url, exc_info=True)
        cause: object = getattr(exc, "reason", None) or exc
        if isinstance(exc, TimeoutError) or isinstance(cause, TimeoutError):
            gathered.problems.append(f"{url}: no answer within {timeout:g} s; skipped")
        else:
            said = " ".join(str(cause).split())
            gathered.problems.append(f"{url}: cannot be fetched ({said}); skipped")
        return
    text = _decode(gathered, url, b"".join(chunks), charset)
    if text is not None:
        gathered.documents.append(Document(url, text, kind, final))


def _kind_of(url: str, content_type: str) -> str | None:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    if content_type in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if content_type in ("text/x-rst", "text/prs.fallenstein.rst"):
        return "rst"
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type == "text/plain":
        return KINDS.get(suffix, "markdown")
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
