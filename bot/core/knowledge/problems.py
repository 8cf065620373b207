"""Problems found in knowledge files, each pointing at `path:line:column`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.knowledge.models import Location, one_line

QUOTED_LIMIT = 80  # characters of a long value a message repeats ('id 'xxxx…' must be...')
MESSAGE_LIMIT = 1_000  # characters of a message, whatever its values hold
# A quoted value this long is shortened; the prose between two quoted values never is.
_LONG_QUOTE = re.compile(rf"'([^'\n]{{{QUOTED_LIMIT}}})[^'\n]{{120,}}'")


def problem_count(count: int) -> str:
    """"1 problem", "3 problems": how many problems a report names."""
    return f"{count} problem{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the knowledge files; a value of 200 characters or more that its
    message quotes is cut to `QUOTED_LIMIT` (a 200,000-character id is not repeated)."""

    path: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        if len(self.message) > 200:
            message = _LONG_QUOTE.sub(r"'\1…'", self.message)
            if len(message) > MESSAGE_LIMIT:  # a value with quotes of its own, say
                message = message[:MESSAGE_LIMIT - 1] + "…"
            object.__setattr__(self, "message", message)

    @classmethod
    def at(cls, location: Location, message: str) -> Problem:
        return cls(location.path, location.line, location.column, message)

    def __str__(self) -> str:
        return f"{one_line(self.path)}:{self.line}:{self.column}: {one_line(self.message)}"


class KnowledgeError(Exception):
    """Raised when a knowledge folder does not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
