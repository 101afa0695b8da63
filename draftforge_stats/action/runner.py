"""Talking to the GitHub runner: the inputs, the runner's context, the log and its files.

The runner hands a job its inputs (`INPUT_*`) and context (`GITHUB_*`) in the environment,
reads workflow commands (``::warning::``, ``::add-mask::``) from its output, and takes outputs
and the job summary in the files `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`. Library code:
the environment comes in as a mapping and the log writes to the stream it is given; nothing
here reads `os.environ` or prints.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, TextIO

from ..errors import ActionError, InputError
from ..names import NOTIFY_BRANCHES
from ..records import dataclass

# ---------------------------------------------------------------------------------------------
# Inputs and the runner's context


@dataclass(frozen=True)
class Inputs:
    """The action's inputs (`action.yml`), with the same defaults."""

    path: str = "."
    token: str = ""
    commit: bool = True
    commit_message: str = "chore(stats): update writing stats [skip ci]"
    commit_user_name: str = "github-actions[bot]"
    commit_user_email: str = "41898282+github-actions[bot]@users.noreply.github.com"
    api_url: str = ""
    api_token: str = ""
    webhook_secret: str = ""
    fail_on_notify_error: bool = False
    notify_branches: str = "default"
    allow_shorter_history: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        """Read `INPUT_<NAME>` variables as the runner sets them (hyphens kept, upper case).

        An input that is missing or empty takes its default (the runner sends every input,
        empty when the workflow gave none and `action.yml` has no default).
        """
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in vars(defaults).items():
            raw = env.get(input_variable(name.replace("_", "-")), "")
            if isinstance(default, bool):
                values[name] = parse_boolean(name.replace("_", "-"), raw, default)
            elif name in {"token", "api_token", "webhook_secret"}:
                values[name] = raw.strip()
            else:
                values[name] = raw.strip() or default
        if values["notify_branches"] not in NOTIFY_BRANCHES:
            raise InputError(
                f"input `notify-branches` must be {' or '.join(NOTIFY_BRANCHES)}, not "
                f"{values['notify_branches']!r}"
            )
        return cls(**values)


def input_variable(name: str) -> str:
    """The variable the runner sets for input `name`: `INPUT_` + upper case, spaces as `_`."""
    return "INPUT_" + name.replace(" ", "_").upper()


def parse_boolean(name: str, raw: str, default: bool) -> bool:
    """A boolean input as GitHub's toolkit reads one (YAML 1.2 true/false); empty: `default`."""
    value = raw.strip()
    if not value:
        return default
    if value in {"true", "True", "TRUE"}:
        return True
    if value in {"false", "False", "FALSE"}:
        return False
    raise InputError(f"input `{name}` must be true or false, not {value!r}")


@dataclass(frozen=True)
class Runner:
    """What the runner tells the job about itself (its `GITHUB_*` variables)."""

    workspace: Path
    repository: str = ""
    repository_id: str = ""
    ref: str = ""
    ref_name: str = ""
    ref_type: str = ""
    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    sha: str = ""
    server_url: str = "https://github.com"
    output_path: Path | None = None
    summary_path: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Runner:
        def path_of(name: str) -> Path | None:
            value = env.get(name, "").strip()
            return Path(value) if value else None

        return cls(
            workspace=path_of("GITHUB_WORKSPACE") or Path.cwd(),
            repository=env.get("GITHUB_REPOSITORY", ""),
            repository_id=env.get("GITHUB_REPOSITORY_ID", "").strip(),
            ref=env.get("GITHUB_REF", ""),
            ref_name=env.get("GITHUB_REF_NAME", ""),
            ref_type=env.get("GITHUB_REF_TYPE", ""),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=read_event(path_of("GITHUB_EVENT_PATH")),
            sha=env.get("GITHUB_SHA", ""),
            server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            output_path=path_of("GITHUB_OUTPUT"),
            summary_path=path_of("GITHUB_STEP_SUMMARY"),
        )


def read_event(path: Path | None) -> dict[str, Any]:
    """The event payload; empty when there is none or it cannot be read."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# The log: workflow commands, with every secret scrubbed


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (`file=…`, `title=…`), escaped as the toolkit does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Log:
    """Writes the job's lines and workflow commands; no secret ever gets through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._secrets: list[str] = []

    def mask(self, value: str) -> None:
        """Tell the runner to hide `value` in the log, and scrub it from all later lines."""
        if not value or value in self._secrets:
            return
        self._stream.write(f"::add-mask::{escape_data(value)}\n")
        self._stream.flush()
        self._secrets.append(value)
        self._secrets.sort(key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _command(self, command: str, message: str) -> None:
        self._stream.write(f"::{command}::{escape_data(self.scrub(message))}\n")
        self._stream.flush()

    def info(self, message: str) -> None:
        self._stream.write(self.scrub(message) + "\n")
        self._stream.flush()

    def notice(self, message: str) -> None:
        self._command("notice", message)

    def warning(self, message: str) -> None:
        self._command("warning", message)

    def error(self, message: str) -> None:
        self._command("error", message)

    def annotation(self, command: str) -> None:
        """Write a workflow command made elsewhere (``::error file=…::…``), scrubbed."""
        self._stream.write(self.scrub(command) + "\n")
        self._stream.flush()

    @contextlib.contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._command("group", title)
        try:
            yield
        finally:
            self._stream.write("::endgroup::\n")
            self._stream.flush()


# ---------------------------------------------------------------------------------------------
# Outputs and the job summary


def format_outputs(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` lines: `name=value`, or a heredoc for a value with line breaks."""
    lines: list[str] = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            lines += [f"{name}<<{delimiter}", value, delimiter]
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def check_runner_files(runner: Runner) -> None:
    """Make sure `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` can be written (opened to
    append, which creates a missing file and changes nothing else), before the job changes
    anything; :class:`ActionError` naming the file otherwise."""
    for name, path in (
        ("GITHUB_OUTPUT", runner.output_path),
        ("GITHUB_STEP_SUMMARY", runner.summary_path),
    ):
        if path is None:
            continue
        try:
            with path.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise ActionError(
                f"${name} ({path}) cannot be written ({exc.strerror or exc}); the job stops "
                "before changing anything, as it could not give its results. The runner "
                "sets this file: run the action as a step of a GitHub Actions job, and do not "
                "change the variable or the file in an earlier step."
            ) from None


def append_text(path: Path, text: str) -> None:
    """Append to a runner file (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`), never truncating."""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


__all__ = [
    "Inputs",
    "Log",
    "Runner",
    "append_text",
    "check_runner_files",
    "escape_data",
    "format_outputs",
    "input_variable",
    "parse_boolean",
    "read_event",
]
