"""`/kb status` as a platform-neutral Reply: what is loaded, from where, since when."""

from __future__ import annotations

from bot.core.library import Snapshot
from bot.core.matching.semantic import FusedMatcher
from bot.core.replies.reply import Reply, ReplyKind

MAX_FILES_SHOWN = 20


def render_status(snapshot: Snapshot) -> Reply:
    """Entries, table rows, source files, load time (a Discord timestamp), version, thresholds."""
    kb = snapshot.kb
    rows = len(kb.table.rows) if kb.table is not None else 0
    stamp = int(snapshot.loaded_at.timestamp())
    files = list(kb.files[:MAX_FILES_SHOWN])
    if len(kb.files) > MAX_FILES_SHOWN:
        files.append(f"… and {len(kb.files) - MAX_FILES_SHOWN} more")
    listed = "\n".join(f"• `{name}`" for name in files) or "• (none)"
    limits = kb.thresholds
    body = "\n".join([
        f"**Entries:** {len(kb.entries)}",
        f"**Table rows:** {rows}",
        f"**Addressable topics:** {len(kb.ids)}",
        f"**Version:** {snapshot.version}",
        f"**Loaded:** <t:{stamp}:R> (<t:{stamp}:f>)",
        f"**Thresholds:** answer {limits.answer:.2f} · suggest {limits.suggest:.2f} · "
        f"margin {limits.margin:.2f}",
        f"**Matching:** {_matching(snapshot)}",
        "",
        f"**Source files ({len(kb.files)}):**",
        listed,
    ])
    return Reply(kind=ReplyKind.INFO, title="Knowledge base status", body=body)


def _matching(snapshot: Snapshot) -> str:
    matcher = snapshot.matcher
    if isinstance(matcher, FusedMatcher):
        return f"lexical + semantic (`{matcher.semantic.model}`)"
    return "lexical"
