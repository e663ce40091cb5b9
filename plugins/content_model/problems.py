"""Problems with content, as editors read them: one line each, naming the file and field.

``Invalid`` is what a field's converter raises; ``Problem`` is one problem in one file;
``ContentError`` stops the build with every problem at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .schema import ContentType


class Invalid(ValueError):
    """A field's value breaks the contract; the message says what and how to mend it."""


@dataclass
class Problem:
    """One problem in one file. Shown with the field's label, as the web editor shows it, and
    its name in the file: ``veld "Einde" (end): ...``."""

    path: str
    field: str | None
    message: str
    line: int | None = None
    label: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.field and self.label:
            what = f'veld "{self.label}" ({self.field}): '
        elif self.field:
            what = f"veld '{self.field}': "
        else:
            what = ""
        return f"{where}: {what}{self.message}"


def problem(ctype: ContentType, path: str, name: str | None, message: str) -> Problem:
    """A problem with a field of ``ctype``, labelled as the web editor labels it."""
    f = ctype.field(name) if name else None
    return Problem(path, name, message, label=f.label if f else None)


class ContentError(Exception):
    """Raised by the build when content breaks the contract; str() lists every problem."""

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        n = len(problems)
        head = f"{n} fout{'en' if n != 1 else ''} in de inhoud; de site is niet bijgewerkt:"
        super().__init__("\n".join([head, *lines]))

    def __reduce__(self):  # pickled with its problems (a check may run in another process)
        return (type(self), (self.problems,))


def display_path(path: Path) -> str:
    """A file's path as messages show it: relative to the working folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
