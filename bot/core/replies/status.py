"""`/kb status` as a platform-neutral Reply: what is loaded, from where, since when."""

from __future__ import annotations

from bot.core.library import Snapshot
from bot.core.matching.semantic import FusedMatcher
from bot.core.replies.reply import Fact, Reply, ReplyKind

MAX_FILES_SHOWN = 20


def render_status(snapshot: Snapshot) -> Reply:
    """Entries, table rows, version, load time (a datetime: each adapter writes it), thresholds,
    matching, source files."""
    kb = snapshot.kb
    rows = len(kb.table.rows) if kb.table is not None else 0
    files = list(kb.files[:MAX_FILES_SHOWN])
    if len(kb.files) > MAX_FILES_SHOWN:
        files.append(f"… and {len(kb.files) - MAX_FILES_SHOWN} more")
    listed = "\n".join(f"• `{name}`" for name in files) or "• (none)"
    limits = snapshot.matcher.limits()
    facts = (
        Fact("Entries", str(len(kb.entries))),
        Fact("Table rows", str(rows)),
        Fact("Addressable topics", str(len(kb.ids))),
        Fact("Version", str(snapshot.version)),
        Fact("Loaded", snapshot.loaded_at),
        Fact("Thresholds", f"answer {limits.answer:.2f} · suggest {limits.suggest:.2f} · "
                           f"margin {limits.margin:.2f}"),
        Fact("Matching", _matching(snapshot)),
    )
    return Reply(kind=ReplyKind.INFO, title="Knowledge base status", facts=facts,
                 body=f"**Source files ({len(kb.files)}):**\n{listed}")


def _matching(snapshot: Snapshot) -> str:
    matcher = snapshot.matcher
    if isinstance(matcher, FusedMatcher):
        return f"lexical + semantic (`{matcher.semantic.model}`)"
    return "lexical"
