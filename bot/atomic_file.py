"""Replace a file all at once (readers see the old or the new, never half), and lock it."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: readers see the old file or the new, never half."""
    with _replacing(path, text=False) as out:
        out.write(data)


@contextlib.contextmanager
def _replacing(path: Path, *, text: bool) -> Iterator[Any]:
    """A handle on a temporary file beside `path` that replaces it (keeping its mode) when
    the block succeeds, and is removed when it fails."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with (os.fdopen(handle, "w", encoding="utf-8", newline="") if text
              else os.fdopen(handle, "wb")) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def output_text(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    """A UTF-8 text handle for a command's output file. An existing file (or a symlink's
    target) is replaced all at once when the block succeeds, keeping its mode, and left as it
    was when it fails; anything else (a new file, which gets the umask's mode, or a pipe) is
    written directly, a new file removed when the block fails."""
    return _output(path, text=True)


def write_output(path: Path, data: bytes) -> None:
    """`data` as a command's output file, as `output_text` writes one."""
    with _output(path, text=False) as out:
        out.write(data)


@contextlib.contextmanager
def _output(path: Path, *, text: bool) -> Iterator[Any]:
    target = path.resolve() if path.is_symlink() else path
    if target.is_file():
        with _replacing(target, text=text) as out:
            yield out
        return
    created = not target.exists()
    try:
        with (target.open("w", encoding="utf-8", newline="") if text
              else target.open("wb")) as out:
            yield out
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                target.unlink()
        raise


def _fsync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        logger.debug("cannot fsync folder %s", folder)
    finally:
        os.close(handle)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file itself against other appends (POSIX `flock`).

    The file is replaced on write, so after waiting the lock may be on the old inode: check
    the path still names the locked file, and lock again if not.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    while True:
        handle = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if os.fstat(handle).st_ino != os.stat(path).st_ino:
                continue
            yield
            return
        finally:
            os.close(handle)
