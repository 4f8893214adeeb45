"""The one error type of the build: where the problem is, what it is, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FactError"]


@dataclass
class FactError(Exception):
    """Bad input, located in a file and line, with the fix.

    >>> str(FactError("facts/a.yaml", 3, "unknown field 'colour'", "remove it"))
    "facts/a.yaml:3: unknown field 'colour'; fix: remove it"
    """

    path: str
    line: int | None
    problem: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f"; fix: {self.fix}" if self.fix else ""
        return f"{where}: {self.problem}{fix}"
