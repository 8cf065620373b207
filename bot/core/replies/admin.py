"""The replies to an admin's knowledge-base commands (reload, check).

The same words on Discord and in the terminal."""

from __future__ import annotations

from bot.core.knowledge.problems import problem_count
from bot.core.library import ReloadResult
from bot.core.replies.reply import Reply, ReplyKind


def reload_reply(result: ReloadResult) -> Reply:
    """What a reload did: the new version and what changed, or every problem and the
    reassurance that the previous knowledge base is still live."""
    if result.ok:
        kb = result.snapshot.kb
        return Reply(kind=ReplyKind.INFO, title="Knowledge base reloaded",
                     body=f"Reloaded: {len(kb.ids)} topics, version {result.snapshot.version}.\n"
                          f"{result.diff.summary()}")
    problems = "\n".join(str(problem) for problem in result.problems)
    return Reply(kind=ReplyKind.ERROR,
                 title=f"Reload refused: {problem_count(len(result.problems))}",
                 body=f"{problems}\n\nThe previous knowledge base is still live.")


def check_reply(problems: list[str]) -> Reply:
    """What `kb check` found in the files on disk (nothing is swapped in either way)."""
    if not problems:
        return Reply(kind=ReplyKind.INFO, title="Knowledge files are valid",
                     body="Every file validates. Nothing was swapped in: use `/kb reload`.")
    return Reply(kind=ReplyKind.ERROR,
                 title=f"{problem_count(len(problems))} in the knowledge files",
                 body="\n".join(problems) + "\n\nNothing was swapped in; the live knowledge "
                                            "base is unchanged.")
