"""The exceptions of mndkg, each mapped to an exit code by the command line.

``InputError`` means the user gave something unusable (a malformed file, an
unknown query name): exit 2, with the file and line when known.
``ValidationFailed`` means the data were read but do not conform: exit 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class MndkgError(Exception):
    """Base of every error that mndkg reports to the user as one line."""

    exit_code = 2


@dataclass
class InputError(MndkgError):
    """Bad input: says what is wrong and where, so the user can fix it."""

    message: str
    source: str | Path | None = None
    line: int | None = None
    column: int | None = None

    exit_code = 2

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = str(self.source)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class ValidationFailed(MndkgError):
    """The graph does not conform to the shapes; the report says which node and why."""

    exit_code = 1
