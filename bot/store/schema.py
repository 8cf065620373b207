"""The database schema as a list of numbered migrations, applied in order at start-up.

`PRAGMA user_version` holds the number of the last migration applied. Each migration runs in
one transaction together with the version bump: a crash mid-way leaves the previous version.
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from bot.store.records import StoreError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    script: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "questions asked", """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: buttons hold these ids
            asked_at TEXT NOT NULL,                -- UTC, ISO-8601, fixed width
            guild_id TEXT,
            channel_id TEXT NOT NULL,              -- 'terminal' for the chat command
            user_hash TEXT,                        -- keyed hash of the asker's id
            text TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('answer', 'suggest', 'none')),
            item_id TEXT,
            score REAL NOT NULL DEFAULT 0
        );
        CREATE INDEX questions_asked_at ON questions (asked_at);
    """),
    Migration(2, "raw user ids, suggestion clicks, answer feedback", """
        ALTER TABLE questions ADD COLUMN user_id TEXT;   -- only with STORE_USER_IDS=1
        ALTER TABLE questions ADD COLUMN clicked_id TEXT;
        ALTER TABLE questions ADD COLUMN clicked_at TEXT;
        CREATE INDEX questions_item_id ON questions (item_id);
        CREATE TABLE feedback (
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            voter_hash TEXT NOT NULL,
            voter_id TEXT,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            voted_at TEXT NOT NULL,
            PRIMARY KEY (question_id, voter_hash)
        ) WITHOUT ROWID;
    """),
    Migration(3, "help forum posts: the bot's reply, solved, handed over", """
        CREATE TABLE forum_posts (
            thread_id TEXT PRIMARY KEY,            -- the post (a thread in a forum channel)
            question_id INTEGER REFERENCES questions (id) ON DELETE CASCADE,
            opened_at TEXT NOT NULL,
            replied INTEGER NOT NULL DEFAULT 0,    -- 1: the bot answered or suggested in it
            solved_at TEXT,
            solved_item TEXT,                      -- the entry whose answer solved it
            handed_over_at TEXT
        ) WITHOUT ROWID;
        CREATE INDEX forum_posts_opened_at ON forum_posts (opened_at);
    """),
    Migration(4, "the knowledge base each question went to", """
        ALTER TABLE questions ADD COLUMN knowledge_base TEXT;  -- its folder; NULL: before v4
        CREATE INDEX questions_knowledge_base ON questions (knowledge_base, asked_at);
    """),
)

LATEST = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to the last migration; returns the version reached.

    The connection must be in autocommit mode (`isolation_level=None`).
    """
    latest = migrations[-1].version if migrations else 0
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read inside the write transaction: another process may have migrated meanwhile.
            current = schema_version(conn)
            if current > latest:
                raise StoreError(
                    f"the database schema is version {current}, newer than this faqbot "
                    f"understands ({latest}); upgrade faqbot"
                )
            if migration.version <= current:
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(migration.script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        logger.info("database migrated to schema version %d: %s",
                    migration.version, migration.description)
    if not migrations:
        return schema_version(conn)
    version = schema_version(conn)
    if version > latest:
        raise StoreError(
            f"the database schema is version {version}, newer than this faqbot "
            f"understands ({latest}); upgrade faqbot"
        )
    return version


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (no executescript: it would commit early)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return [s for s in statements if s.rstrip(";").strip()]
