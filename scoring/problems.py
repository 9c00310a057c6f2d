"""What is wrong with a submission, said so that its author can fix it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_PROBLEMS = 20  # listed in full; beyond that only counted


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission; `line` is None for the file as a whole; `file`
    names the file inside a package ("Sun_NPU_02.csv, line 17: ...")."""

    line: int | None
    message: str
    file: str | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message if self.line is None else f"Line {self.line}: {self.message}"
        return (
            f"{self.file}: {self.message}"
            if self.line is None
            else (f"{self.file}, line {self.line}: {self.message}")
        )

    def in_file(self, name: str) -> Problem:
        """The same problem, said of a file inside a package."""
        return Problem(self.line, self.message, name)


class SubmissionError(Exception):
    """A submission that cannot be scored: up to 20 `problems`, and `more` not listed."""

    def __init__(self, problems: Sequence[Problem], more: int = 0) -> None:
        self.problems = list(problems[:MAX_PROBLEMS])
        self.more = more + max(0, len(problems) - MAX_PROBLEMS)
        super().__init__("\n".join(self.messages()))

    @classmethod
    def single(cls, message: str, line: int | None = None) -> SubmissionError:
        return cls([Problem(line, message)])

    def messages(self) -> list[str]:
        """Each problem as text, then "… and N more problems" when some were not listed."""
        lines = [str(p) for p in self.problems]
        if self.more:
            noun = "problem" if self.more == 1 else "problems"
            lines.append(f"… and {self.more:,} more {noun}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.messages())
