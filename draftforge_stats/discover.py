"""Step 2 of the pipeline: which files are chapters and which are manuscript files.

The same :class:`FileSelector` decides for paths on disk (the current tree) and for paths
read from git trees (the history), so both always agree.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import ManuscriptError
from .globs import Glob, compile_glob
from .names import DRAFTFORGE_DIR
from .records import dataclass

if TYPE_CHECKING:
    from .config import Config

MARKDOWN_SUFFIXES = (".md", ".markdown")


class Kind(Enum):
    CHAPTER = "chapter"
    MANUSCRIPT = "manuscript"


def natural_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders `2-x.md` before `10-x.md` (case-insensitive, digits numeric)."""
    parts = re.split(r"(\d+)", path.casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _directory(value: str) -> str:
    cleaned = PurePosixPath(value.strip().strip("/") or ".").as_posix()
    return "" if cleaned == "." else cleaned


@dataclass(frozen=True)
class FileSelector:
    """Classifies project-relative POSIX paths as chapter, manuscript file or neither."""

    chapters_directory: str
    manuscript_directory: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    """Match `include`/`exclude` with case; by default both sides are case-folded first."""
    _include: tuple[Glob, ...] = field(init=False, repr=False, compare=False)
    _exclude: tuple[Glob, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fold = self._fold
        object.__setattr__(self, "_include", tuple(compile_glob(fold(p)) for p in self.include))
        object.__setattr__(self, "_exclude", tuple(compile_glob(fold(p)) for p in self.exclude))

    def _fold(self, text: str) -> str:
        return text if self.case_sensitive else text.casefold()

    @classmethod
    def from_config(cls, config: Config) -> FileSelector:
        return cls(
            chapters_directory=_directory(config.structure.chapters_directory),
            manuscript_directory=_directory(config.structure.manuscript_directory),
            include=config.stats.include,
            exclude=config.stats.exclude,
            case_sensitive=config.stats.case_sensitive_globs,
        )

    def classify(self, path: str) -> Kind | None:
        """The kind of the file at project-relative POSIX `path`, or None if it is not counted.

        A name that is not valid UTF-8 (git and the file system accept any bytes) is not
        counted: the stats file could not name it.
        """
        if not path.lower().endswith(MARKDOWN_SUFFIXES) or not valid_name(path):
            return None
        if path.startswith(".") or "/." in path:  # a hidden file or folder on the way
            return None
        if self._include or self._exclude:
            folded = self._fold(path)
            if self._include and not any(g.matches(folded) for g in self._include):
                return None
            if any(g.matches(folded) for g in self._exclude):
                return None
        if _is_under(path, self.chapters_directory):
            return Kind.CHAPTER
        if _is_under(path, self.manuscript_directory):
            return Kind.MANUSCRIPT
        return None

    def select(self, paths: Iterable[str]) -> tuple[list[str], list[str]]:
        """Split paths into (chapters, manuscript files), each in natural order."""
        chapters: list[str] = []
        manuscript: list[str] = []
        for path in paths:
            kind = self.classify(path)
            if kind is Kind.CHAPTER:
                chapters.append(path)
            elif kind is Kind.MANUSCRIPT:
                manuscript.append(path)
        return sorted(chapters, key=natural_key), sorted(manuscript, key=natural_key)


def valid_name(path: str) -> bool:
    """True when `path` (decoded from the file system or git with surrogate escapes) is
    valid UTF-8, so a JSON file can name it."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(path: str) -> str:
    """`path` for a message, its bytes that are not UTF-8 written as `\\xe9`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _is_under(path: str, directory: str) -> bool:
    return directory == "" or path.startswith(directory + "/")


@dataclass
class Discovery:
    """The files found in the working tree, and what was passed over and why."""

    chapters: list[str]
    manuscript: list[str]
    warnings: list[str]


def discover(root: Path, selector: FileSelector) -> Discovery:
    """Walk the chapters and manuscript directories under `root` (hidden folders skipped).

    Symbolic links are never followed out of the project: a chapters folder that leads
    outside it is an error, a manuscript folder that does is skipped with a warning. A file
    link that points outside `root`, to nothing or in a loop is reported and not counted; a
    folder link inside the chapters or manuscript folder is not followed (reported). A
    folder that cannot be read is reported. A missing chapters directory is an error that
    says how to configure it.
    """
    root_resolved = root.resolve()
    chapters_dir = root / selector.chapters_directory
    if not chapters_dir.is_dir():
        what = "does not exist"
        if chapters_dir.is_symlink():
            what = "is a symbolic link that leads to no folder (to nothing, or in a loop)"
        elif chapters_dir.exists():
            what = "is a file, not a folder,"
        raise ManuscriptError(
            f"The chapters directory `{selector.chapters_directory or '.'}` {what} "
            f"in {root}. Create it, or set `structure.chapters_directory` in "
            ".draftforge/config.yml to the folder that holds your chapters."
        )
    found: dict[str, Kind] = {}  # in the order found, each path once
    warnings: list[str] = []
    tops = {selector.chapters_directory, selector.manuscript_directory}
    for top in sorted(tops):
        base = root / top
        if not base.is_dir():
            continue
        outside = _leads_outside(base, root_resolved)
        if outside is not None and top == selector.chapters_directory:
            raise ManuscriptError(
                f"The chapters directory `{top}` is a symbolic link to {outside}, outside the "
                f"project folder {root}; DraftForge does not follow links out of the project. "
                "Move the chapters into the project folder, or set "
                "`structure.chapters_directory` in .draftforge/config.yml to a folder inside it."
            )
        if outside is not None:
            warnings.append(
                f"{top}: the manuscript folder is a symbolic link to {outside}, outside the "
                "project folder; not followed, its files are not counted"
            )
            continue

        def unreadable(error: OSError, base: Path = base) -> None:
            where = shown_name(Path(error.filename or base).relative_to(root).as_posix())
            warnings.append(
                f"{where}: the folder cannot be read ({error.strerror or error}); "
                "its files are not counted"
            )

        for here, dirnames, filenames, links in _walk(base, unreadable):
            # The folder's path relative to the root, once: its files' paths are strings.
            rel_here = here.relative_to(root).as_posix()
            rel_prefix = "" if rel_here == "." else rel_here + "/"
            kept: list[str] = []
            for name in sorted(dirnames):
                if name.startswith("."):
                    continue
                if name in links:
                    shown = shown_name((here / name).relative_to(root).as_posix())
                    warnings.append(
                        f"{shown}: symbolic link to a folder; not followed, its files are not "
                        "counted"
                    )
                    continue
                if os.path.lexists(here / name / ".git"):
                    shown = shown_name((here / name).relative_to(root).as_posix())
                    warnings.append(
                        f"{shown}: a git repository of its own (a submodule); not followed, its "
                        "files are not counted, as this repository's history has none of them"
                    )
                    continue
                kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                rel = rel_prefix + name
                if not valid_name(rel) and rel.lower().endswith(MARKDOWN_SUFFIXES):
                    warnings.append(
                        f"{shown_name(rel)}: the name is not valid UTF-8; not counted (rename "
                        "the file)"
                    )
                    continue
                kind = selector.classify(rel)
                if kind is None:
                    continue
                if name in links:
                    problem = _link_problem(here / name, root_resolved)
                    if problem is not None:
                        warnings.append(f"{rel}: symbolic link {problem}; not counted")
                        continue
                found.setdefault(rel, kind)
    chapters = [rel for rel, kind in found.items() if kind is Kind.CHAPTER]
    manuscript = [rel for rel, kind in found.items() if kind is Kind.MANUSCRIPT]
    return Discovery(
        chapters=sorted(chapters, key=natural_key),
        manuscript=sorted(manuscript, key=natural_key),
        warnings=warnings,
    )


_LOOP = "in a loop (following it never reaches a file)"


def _walk(
    top: Path, onerror: Callable[[OSError], None]
) -> Iterator[tuple[Path, list[str], list[str], frozenset[str]]]:
    """`os.walk(top)` top-down, without following links, but without recursion: Python
    3.11's `os.walk` recurses once per level, so a folder nested a thousand deep would end
    the run. The caller may prune the folder names it is given, as with `os.walk`. With
    each folder come the names in it that are symbolic links (from the folder's listing,
    without a system call per name)."""
    stack = [top]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as scan:
                entries = list(scan)
        except OSError as error:
            onerror(error)
            continue
        dirnames: list[str] = []
        filenames: list[str] = []
        links: set[str] = set()
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirnames if is_dir else filenames).append(entry.name)
            try:
                if entry.is_symlink():
                    links.add(entry.name)
            except OSError:
                pass
        frozen = frozenset(links)
        yield here, dirnames, filenames, frozen
        stack.extend(here / name for name in reversed(dirnames) if name not in frozen)


def _leads_outside(folder: Path, root_resolved: Path) -> Path | None:
    """Where `folder` really is when a symbolic link takes it out of the project, else None."""
    real = folder.resolve()
    return None if real.is_relative_to(root_resolved) else real


def _link_problem(link: Path, root_resolved: Path) -> str | None:
    """Why the file link `link` is not followed, or None when it leads to a file inside."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop so
        return _LOOP
    except OSError as exc:
        return _LOOP if exc.errno == errno.ELOOP else "to nothing (its target does not exist)"
    if not target.is_relative_to(root_resolved):
        return "to a file outside the project folder"
    if any(part.startswith(".") for part in target.relative_to(root_resolved).parts):
        return "to a hidden file (such as one in `.git`)"
    return None


def is_project_marked(folder: Path) -> bool:
    """True when `folder` has a `.draftforge` folder or is the top of a git work tree: where
    the search for a project folder stops."""
    return (folder / DRAFTFORGE_DIR).is_dir() or (folder / ".git").exists()


def project_folder(start: Path) -> Path:
    """The project folder for ``start``: the nearest folder upwards with a `.draftforge`
    folder, not above the top of the git work tree (a folder with `.git`); else that top,
    or ``start`` itself outside git. Every command finds the project this one way.
    """
    absolute = start.absolute()
    for folder in (absolute, *absolute.parents):
        if is_project_marked(folder):
            return start if folder == absolute else folder
    return start


def project_prefix(root: Path, repo_root: Path) -> str:
    """The project's folder as a prefix of paths relative to the repository's root: `""` when
    the project is the repository, else e.g. `"book/"`. The one rule for it."""
    return "" if root == repo_root else root.relative_to(repo_root).as_posix() + "/"
