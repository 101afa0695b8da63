"""Step 2 of the pipeline: which files are chapters and which are manuscript files.

The same :class:`FileSelector` decides for paths on disk (the current tree) and for paths
read from git trees (the history), so both always agree.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import ManuscriptError
from .names import DRAFTFORGE_DIR

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


@functools.lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob (`*`, `?`, `[...]`, and `**` for any number of folders)."""
    out: list[str] = []
    i = 0
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    # A pattern naming a folder matches everything below it too.
    return re.compile("".join(out) + "(?:/.*)?", re.DOTALL)


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
    _include: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _exclude: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fold = self._fold
        object.__setattr__(self, "_include", tuple(glob_to_regex(fold(p)) for p in self.include))
        object.__setattr__(self, "_exclude", tuple(glob_to_regex(fold(p)) for p in self.exclude))

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
        """The kind of the file at project-relative POSIX `path`, or None if it is not counted."""
        if not path.lower().endswith(MARKDOWN_SUFFIXES):
            return None
        if any(part.startswith(".") for part in path.split("/")):
            return None
        if self._include or self._exclude:
            folded = self._fold(path)
            if self._include and not any(p.fullmatch(folded) for p in self._include):
                return None
            if any(p.fullmatch(folded) for p in self._exclude):
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

    A symlink that points outside `root` is not followed: it is reported and not counted.
    A missing chapters directory is an error that says how to configure it.
    """
    root_resolved = root.resolve()
    chapters_dir = root / selector.chapters_directory
    if not chapters_dir.is_dir():
        raise ManuscriptError(
            f"The chapters directory `{selector.chapters_directory or '.'}` does not exist "
            f"in {root}. Create it, or set `structure.chapters_directory` in "
            ".draftforge/config.yml to the folder that holds your chapters."
        )
    found: list[str] = []
    warnings: list[str] = []
    tops = {selector.chapters_directory, selector.manuscript_directory}
    for top in sorted(tops):
        base = root / top
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            here = Path(dirpath)
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                full = here / name
                rel = full.relative_to(root).as_posix()
                if selector.classify(rel) is None:
                    continue
                if full.is_symlink():
                    target = full.resolve()
                    if not target.is_relative_to(root_resolved) or not target.is_file():
                        warnings.append(
                            f"{rel}: symbolic link to a file outside the project folder "
                            "(or to nothing); not counted"
                        )
                        continue
                found.append(rel)
    chapters, manuscript = selector.select(dict.fromkeys(found))
    return Discovery(chapters=chapters, manuscript=manuscript, warnings=warnings)


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
