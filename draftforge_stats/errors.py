"""The one exception hierarchy of the package, each class with the exit code it maps to.

Every error the library raises on purpose is a :class:`DraftForgeError`; its class attribute
``exit_code`` is what the CLI exits with (:data:`EXIT_CODES` is the table, read top to
bottom). The library never raises click's exceptions: a usage mistake found by library code
is a :class:`UsageError`. Anything else that escapes is a bug (exit code 3).

Exit codes: 0 ok, 1 the check or job failed, 2 usage, 3 a bug, 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path

from .records import dataclass

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


class DraftForgeError(Exception):
    """Base class: something the user can fix. The message says what and how."""

    exit_code = EXIT_FAILED


class UsageError(DraftForgeError):
    """The command was called in a way that cannot work; the message says what to pass."""

    exit_code = EXIT_USAGE


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


class GitNotFoundError(GitError):
    """There is no `git` command to run."""


class StatsFileError(DraftForgeError):
    """The produced stats do not validate: this is reported, never written."""


class WriteError(DraftForgeError):
    """The stats file cannot be written where it belongs (a read-only folder, a
    `.draftforge` link out of the project); the message names the folder and the fix."""


class UnreadableFileError(DraftForgeError):
    """One of the author's files is not a regular file this run can read (a pipe, a device,
    a link in a loop, too large, no permission); `str()` is the reason and the fix. Where it
    is one chapter, the run skips it with a warning."""


class WorkerError(DraftForgeError):
    """A process counting files beside this one was killed (by the system running out of
    memory, say): nothing was written; the message names it and the way to count in one."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in another process (see :mod:`.pool`), as text:
    the ``__cause__`` of the same exception raised again in this one."""

    def __str__(self) -> str:
        return str(self.args[0])


class NewerStatsFileError(StatsFileError):
    """The stored stats file was written by a newer version: it is never overwritten."""


class HistoryLossError(StatsFileError):
    """The new stats would drop days of the stored history, and the author did not allow it."""


class ActionError(DraftForgeError):
    """The GitHub Action's job cannot do what it was asked; the message says why and what to do."""


class InputError(ActionError):
    """An input of the GitHub Action has a value it cannot use (exit code 2)."""

    exit_code = EXIT_USAGE


class SourceError(ProblemsError):
    """The text of a YAML or JSON file cannot be read: bad syntax or duplicate keys."""


class UnknownFileKindError(DraftForgeError):
    """A file was named that `validate` cannot tell the kind of (a usage error)."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"cannot tell what kind of DraftForge file {path} is: expected "
            "`.draftforge/config.yml`, `.draftforge/stats.json`, "
            "`.draftforge/agent-runs/*.json` or a `metadata.yml`"
        )


class InitError(ProblemsError):
    """The options would make a project that does not validate (nothing was written)."""


class PushRejectedError(ActionError):
    """The branch moved on the remote since the checkout: fetch, recompute, try again."""


class NotifyError(DraftForgeError):
    """The webhook cannot be sent as configured (bad api-url, secret, token or stats)."""


class WebhookSecretError(DraftForgeError):
    """The webhook secret cannot be used as a signing key (empty, bad base64 after whsec_, or a
    whsec_ key shorter than 24 or longer than 64 bytes)."""


class WebhookVerificationError(DraftForgeError):
    """A received webhook is not authentic, is too old or too new, or is not JSON."""


def _all_errors(base: type[DraftForgeError]) -> list[type[DraftForgeError]]:
    found = [base]
    for sub in base.__subclasses__():
        found.extend(_all_errors(sub))
    return found


EXIT_CODES: dict[str, int] = {cls.__name__: cls.exit_code for cls in _all_errors(DraftForgeError)}
"""Every error class of the package and its exit code, in hierarchy order."""
