"""`draftforge validate`, the library side: which files to check, and every problem in them.

:func:`validate` takes paths (project folders or files) and returns a
:class:`ValidationResult`: for each file its kind and its problems (syntax, schema, then
the checks of :mod:`draftforge_stats.validation.rules`). Nothing is printed or raised for bad
files; the reporters in :mod:`draftforge_stats.validation.reporters` show the result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import Protocol

from draftforge_stats.discover import FileSelector, discover, is_project_marked, project_folder
from draftforge_stats.errors import (
    DraftForgeError,
    Problem,
    UnknownFileKindError,
    UnreadableFileError,
)
from draftforge_stats.names import AGENT_RUNS_DIR, CONFIG_FILE, DRAFTFORGE_DIR, STATS_FILE
from draftforge_stats.reading import NOT_OURS, read_manuscript_file, read_regular_file
from draftforge_stats.records import dataclass
from draftforge_stats.validation import rules
from draftforge_stats.validation.documents import (
    Document,
    SourceError,
    decode_utf8,
    load_json,
    load_text,
    load_yaml,
)
from draftforge_stats.validation.rules import errors_of, warnings_of

CONFIG_PATH = CONFIG_FILE
STATS_PATH = STATS_FILE
METADATA_NAMES = ("metadata.yml", "metadata.yaml")


class FileKind(Enum):
    """The kinds of file `validate` knows, each with its schema."""

    CONFIG = "config"
    STATS = "stats"
    METADATA = "metadata"
    AGENT_RUN = "agent-run"
    CHAPTER = "chapter"  # a chapter's or manuscript file's front matter (`target_words`)

    @property
    def schema(self) -> str:
        return {
            FileKind.CONFIG: "config.schema.yml",
            FileKind.STATS: "stats.schema.json",
            FileKind.METADATA: "metadata.schema.yml",
            FileKind.AGENT_RUN: "agent-run.schema.json",
            FileKind.CHAPTER: "config.schema.yml",  # `target_words` follows `chapter_targets`
        }[self]


class _HasProblems(Protocol):
    @property
    def problems(self) -> list[Problem]: ...


class _Severities:
    """`errors` and `warnings` of a result's `problems`."""

    @property
    def errors(self: _HasProblems) -> list[Problem]:
        return errors_of(self.problems)

    @property
    def warnings(self: _HasProblems) -> list[Problem]:
        return warnings_of(self.problems)


@dataclass
class FileResult(_Severities):
    """One checked file."""

    path: Path
    display: str  # the name used in the problems
    kind: FileKind
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ValidationResult(_Severities):
    """Every checked file and every problem, plus problems that belong to no single file."""

    files: list[FileResult] = field(default_factory=list)
    general: list[Problem] = field(default_factory=list)  # e.g. "nothing to validate"

    @property
    def problems(self) -> list[Problem]:
        return [*self.general, *(p for f in self.files for p in f.problems)]

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail; warnings fail too when ``strict``."""
        return bool(self.errors or (strict and self.warnings))


def kind_of(path: Path) -> FileKind | None:
    """The kind of a file from its path alone, or None."""
    parts = path.parts
    name = path.name
    if len(parts) >= 2 and parts[-2] == DRAFTFORGE_DIR:
        if name in {"config.yml", "config.yaml"}:
            return FileKind.CONFIG
        if name == "stats.json":
            return FileKind.STATS
    if len(parts) >= 3 and parts[-3:-1] == AGENT_RUNS_DIR.parts and name.endswith(".json"):
        return FileKind.AGENT_RUN
    if name in METADATA_NAMES:
        return FileKind.METADATA
    return None


def _project_root_of(path: Path, kind: FileKind) -> Path | None:
    """The project folder of a file, from where it sits (None when it is in none)."""
    absolute = path.absolute()
    if kind in {FileKind.CONFIG, FileKind.STATS} and absolute.parent.name == DRAFTFORGE_DIR:
        return absolute.parent.parent
    if kind is FileKind.AGENT_RUN and absolute.parent.parts[-2:] == (
        DRAFTFORGE_DIR,
        AGENT_RUNS_DIR.name,
    ):
        return absolute.parent.parent.parent
    if kind is FileKind.METADATA:
        root = project_folder(absolute.parent)
        if is_project_marked(root):
            return root
    return None


def _present(path: Path) -> bool:
    """Something other than a folder is at `path`: a file, or a pipe or a broken link that
    validating reports (instead of passing over it in silence)."""
    return os.path.lexists(path) and not path.is_dir()


def project_files(root: Path) -> list[tuple[Path, FileKind]]:
    """The files of these kinds the project at ``root`` has, in a fixed order."""
    found: list[tuple[Path, FileKind]] = []
    config = root / CONFIG_PATH
    if not _present(config) and _present(root / DRAFTFORGE_DIR / "config.yaml"):
        config = root / DRAFTFORGE_DIR / "config.yaml"
    if _present(config):
        found.append((config, FileKind.CONFIG))
    manuscript = _manuscript_directory(config) if _present(config) else None
    for name in METADATA_NAMES:
        metadata = root / (manuscript or rules.DEFAULT_MANUSCRIPT) / name
        if _present(metadata):
            found.append((metadata, FileKind.METADATA))
            break
    if _present(root / STATS_PATH):
        found.append((root / STATS_PATH, FileKind.STATS))
    runs = root / AGENT_RUNS_DIR
    if runs.is_dir():
        found.extend(
            (run, FileKind.AGENT_RUN) for run in sorted(runs.glob("*.json")) if run.is_file()
        )
    return found


def _manuscript_directory(config: Path) -> str | None:
    """`structure.manuscript_directory` when the config can be read and sets a usable one."""
    try:
        doc = load_text(read_regular_file(config).decode("utf-8-sig"), config.name)
    except (UnreadableFileError, UnicodeDecodeError, SourceError):
        return None
    data = doc.data
    value = None
    if isinstance(data, dict) and isinstance(data.get("structure"), dict):
        value = data["structure"].get("manuscript_directory")
    if isinstance(value, str) and value and rules._inside(value):
        return value
    return None


def _display(path: Path, base: Path | None) -> str:
    """``path`` relative to ``base`` when it is inside it (POSIX style), else as given."""
    if base is not None:
        try:
            return path.absolute().relative_to(base.absolute()).as_posix()
        except ValueError:
            pass
        try:
            return Path(os.path.relpath(path.absolute(), base.absolute())).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return path.as_posix()


def validate_file(
    path: Path,
    kind: FileKind,
    *,
    display: str | None = None,
    project_root: Path | None = None,
) -> FileResult:
    """Every problem of one file: reading, syntax, schema, then the semantic checks.

    ``project_root`` is where the paths the file mentions are relative to (found from
    the file's place when not given).
    """
    shown = display or path.as_posix()
    result = FileResult(path=path, display=shown, kind=kind)
    try:
        raw = read_regular_file(
            path, within=project_root, too_large_fix=NOT_OURS
        )  # a link out of it is not read
    except UnreadableFileError as exc:
        result.problems.append(Problem(file=shown, message=f"cannot use the file: {exc}"))
        return result
    load = load_json if kind in {FileKind.AGENT_RUN, FileKind.STATS} else load_yaml
    try:
        doc = load(decode_utf8(raw, shown), shown)
    except SourceError as exc:
        result.problems.extend(exc.problems)
        return result
    # late: jsonschema is loaded only when a file is checked against a schema, so the
    # stats command (which reaches this package for its rules) starts without it
    from draftforge_stats.validation.messages import schema_problems

    found = schema_problems(doc, kind.schema)
    root = project_root if project_root is not None else _project_root_of(path, kind)
    # A value the schema already refused is not checked again (one problem is enough).
    refused = {p.path for p in found}
    found.extend(p for p in _semantic(doc, kind, path, root) if p.path not in refused)
    result.problems.extend(found)
    result.problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path))
    return result


def _semantic(doc: Document, kind: FileKind, path: Path, root: Path | None) -> list[Problem]:
    if kind is FileKind.CONFIG:
        problems = rules.config_problems(doc, root)
        if path.name == "config.yaml":  # checked like config.yml, but nothing reads it
            problems.append(
                Problem(
                    file=doc.file,
                    message=f"DraftForge reads `{CONFIG_PATH.as_posix()}`: this file is ignored",
                    line=1,
                    column=1,
                    hint=f"rename it to `{CONFIG_PATH.name}`",
                    severity="warning",
                )
            )
        return problems
    if kind is FileKind.METADATA:
        return rules.metadata_problems(doc, path.absolute().parent, root)
    if kind is FileKind.AGENT_RUN:
        return rules.agent_run_problems(doc, path.name, root)
    return rules.stats_problems(doc)


def validate(paths: Sequence[Path], *, base: Path | None = None) -> ValidationResult:
    """Check the given project folders and files (no paths: ``base``, the current folder).

    A folder is a project: every file of the known kinds in it is checked. A file is
    checked as the kind its path shows; :class:`UnknownFileKindError` for any other.
    ``base`` is the folder the displayed file names are relative to.
    """
    targets = list(paths) or [base or Path()]
    result = ValidationResult()
    seen: set[Path] = set()
    for target in targets:
        if target.is_dir():
            root = project_folder(target)
            files = project_files(root)
            if not files:
                result.general.append(
                    Problem(
                        file=_display(root, base) or ".",
                        message="no DraftForge files to validate here",
                        hint="expected `.draftforge/config.yml`; `draftforge init` creates a "
                        "project",
                    )
                )
                continue
            for path, kind in files:
                _add(result, seen, path, kind, base, root)
            result.files.extend(_front_matter_results(root, base))
        else:
            file_kind = kind_of(target)
            if file_kind is None:
                raise UnknownFileKindError(target)
            _add(result, seen, target, file_kind, base, None)
    return result


def _front_matter_results(root: Path, base: Path | None) -> list[FileResult]:
    """The chapters and manuscript files of the project at `root` whose front matter's
    `target_words` is wrong (an error) or has no effect (a warning). Nothing when the config
    cannot be read (its own problems are reported) or the chapters folder is missing."""
    # Imported here: the config module reads YAML with this package's loader.
    from draftforge_stats.config import load_config
    from draftforge_stats.counting import decode_source
    from draftforge_stats.targets import FRONT_MATTER_LIMIT, KEY, front_issues, front_target

    try:
        config = load_config(root)
        found = discover(root, FileSelector.from_config(config))
    except DraftForgeError:
        return []
    shown_config = CONFIG_FILE.as_posix()
    results: list[FileResult] = []
    for rel in [*found.chapters, *found.manuscript]:
        try:
            head = read_manuscript_file(root / rel)[:FRONT_MATTER_LIMIT]
        except UnreadableFileError:
            continue  # `draftforge stats` warns about it
        issues = front_issues(
            front_target(decode_source(head)[0]),
            chapter=rel in found.chapters,
            configured=config.stats.chapter_targets.get(rel),
            config=shown_config,
        )
        if not issues:
            continue
        display = _display(root / rel, base)
        problems = [
            Problem(
                file=display,
                message=issue.message,
                line=issue.line,
                column=issue.column,
                path=f"$.{KEY}",
                hint=issue.hint,
                severity="error" if issue.bad_value else "warning",
            )
            for issue in issues
        ]
        results.append(FileResult(root / rel, display, FileKind.CHAPTER, problems))
    return results


def _add(
    result: ValidationResult,
    seen: set[Path],
    path: Path,
    kind: FileKind,
    base: Path | None,
    root: Path | None,
) -> None:
    key = Path(os.path.realpath(path))  # never raises, even on a loop of links
    if key in seen:
        return
    seen.add(key)
    result.files.append(validate_file(path, kind, display=_display(path, base), project_root=root))
