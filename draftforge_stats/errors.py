"""The one exception hierarchy of the package.

Every error the library raises on purpose is a :class:`DraftForgeError`. The CLI turns
one into a readable message and exit code 1; anything else is a bug (exit code 3).
"""

from __future__ import annotations

from dataclasses import dataclass


class DraftForgeError(Exception):
    """Base class: something the user can fix. The message says what and how."""


MAX_MESSAGE = 300
"""The longest message (and hint) a :class:`Problem` carries, in characters; longer ones
(a schema error that quotes a whole value, say) are cut with `…`."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one file, with where it is and how to fix it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str = "$"
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __post_init__(self) -> None:
        # A message quotes values from the author's file: never let one carry megabytes.
        for name in ("message", "hint"):
            text = getattr(self, name)
            if text is not None and len(text) > MAX_MESSAGE:
                object.__setattr__(self, name, text[: MAX_MESSAGE - 1] + "…")

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: {self.path}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ProblemsError(DraftForgeError):
    """Raised with every problem found at once, so the user fixes them in one go."""

    def __init__(self, summary: str, problems: list[Problem]) -> None:
        self.summary = summary
        self.problems = problems
        super().__init__("\n".join([summary, *(f"  {p}" for p in problems)]))


class ConfigError(ProblemsError):
    """The project's `.draftforge/config.yml` is broken or not valid."""


class ManuscriptError(DraftForgeError):
    """The manuscript cannot be read (a missing chapters directory, say)."""


class GitError(DraftForgeError):
    """A git operation failed in a way the user can act on."""


class StatsFileError(DraftForgeError):
    """The produced stats do not validate: this is reported, never written."""


class WriteError(DraftForgeError):
    """The stats file cannot be written where it belongs (a read-only folder, a
    `.draftforge` link out of the project); the message names the folder and the fix."""


class ActionError(DraftForgeError):
    """The GitHub Action's job cannot do what it was asked; the message says why and what to do."""


class InputError(ActionError):
    """An input of the GitHub Action has a value it cannot use (exit code 2)."""
