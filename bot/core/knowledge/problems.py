"""Problems found in knowledge files, each pointing at `path:line:column`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge.models import Location, one_line


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the knowledge files."""

    path: str
    line: int
    column: int
    message: str

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
