"""The one error type for bad input files: where it is and what is wrong, phrased for a human."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: ``source`` (file path or name), ``location`` (e.g. ``line 12``,
    ``Constraints/CA1[3]@slots``, a field path) and ``message``.

    ``str(error)`` is ``"<source>: <location>: <message>"`` (the location part is left out when
    empty); this is what the CLI prints (exit code 2).
    """

    def __init__(self, source: str | Path, location: str, message: str):
        self.source = str(source)
        self.location = location
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.location:
            return f"{self.source}: {self.location}: {self.message}"
        return f"{self.source}: {self.message}"

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        return (InputError, (self.source, self.location, self.message))
