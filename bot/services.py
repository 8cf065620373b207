"""Opening the question log (curation store) from Settings, for the bot and the command line."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.recorder import Recorder
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)


def user_id_salt(settings: Settings) -> str:
    """USER_ID_SALT, else a random salt kept beside the database (created once, mode 0600)."""
    if settings.user_id_salt:
        return settings.user_id_salt
    path = settings.database_path.with_name(settings.database_path.name + ".salt")
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    return _create_salt(path)


def _create_salt(path: Path) -> str:
    """A new salt, written whole (mode 0600) before it appears at `path` in one step; the
    other one when another process (the bot, a `faqbot gaps`) created it first."""
    salt = secrets.token_hex(32)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(salt)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if it exists: never replaces a salt in use
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(temporary)
    return salt


def knowledge_base_key(settings: Settings) -> str:
    """How the question log names the knowledge base in use: its folder, resolved."""
    return str(settings.knowledge_dir.expanduser().resolve())


async def open_store(settings: Settings) -> Store | None:
    """The store, or None (logged) when it cannot be opened: the bot answers without it."""
    try:
        return await Store.open(Path(settings.database_path), salt=user_id_salt(settings),
                                store_user_ids=settings.store_user_ids)
    except Exception:
        log.exception("the question log at %s is unavailable; answering without it",
                      settings.database_path)
        return None


@asynccontextmanager
async def open_recorder(settings: Settings) -> AsyncIterator[Recorder]:
    """A Recorder on the store (or on none); closed, pending writes first, on the way out."""
    recorder = Recorder(await open_store(settings), knowledge_base=knowledge_base_key(settings))
    try:
        yield recorder
    finally:
        await recorder.close()
