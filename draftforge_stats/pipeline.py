"""The whole job, top to bottom: config, discover, count, history, streaks, model, validate, write.

Library code: takes arguments, returns a :class:`StatsRun`; it never prints or exits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .config import CONFIG_FILE, Config, load_config
from .counting import TextCounts, count_markdown, decode_source
from .dates import utc_iso
from .discover import FileSelector, discover
from .gitrepo import Repository
from .models import Breakdown, ChapterEntry, Current, ManuscriptEntry, ProjectInfo, Stats
from .output import STATS_FILE, atomic_write, render, without_timestamps
from .validation import check_stats


@dataclass
class StatsRun:
    """What one run computed, and what it did with the file."""

    root: Path
    stats: Stats
    text: str  # the file's text for these stats
    path: Path  # where the stats file lives
    changed: bool  # the content differs from the file on disk (or there is none)
    written: bool  # the file was written by this run
    in_git: bool
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_project_root(path: Path) -> tuple[Path, Repository | None]:
    """The project folder for `path`, and its git repository when there is one.

    The project root is the nearest folder from `path` up to the repository root that
    holds `.draftforge/config.yml`, else the repository root (or `path` outside git).
    """
    start = path.resolve()
    if start.is_file():
        start = start.parent
    repo = Repository.find(start)
    top = repo.root if repo else start
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate, repo
        if candidate == top:
            break
    return top, repo


def title_from_filename(path: str) -> str:
    """`chapters/01-the-beginning.md` -> `The Beginning`."""
    stem = PurePosixPath(path).stem
    words = re.sub(r"^[\d\s._-]+", "", stem) or stem
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[\s._-]+", words) if w)


def _count_file(root: Path, rel: str, config: Config, warnings: list[str]) -> TextCounts:
    data = (root / rel).read_bytes()
    text, bad_offset = decode_source(data)
    if bad_offset is not None:
        warnings.append(
            f"{rel}: not valid UTF-8 at byte {bad_offset}; counted with the bad bytes "
            "replaced (save the file as UTF-8 to fix)"
        )
    return count_markdown(text, count_code_blocks=config.stats.count_code_blocks)


def compute_stats(
    root: Path, repo: Repository | None, config: Config, *, now: datetime
) -> tuple[Stats, list[str], list[str]]:
    """Count the project at `root` as it is in the working tree.

    Returns the stats (timestamps set to `now`), warnings and notes for the user.
    """
    warnings: list[str] = []
    notes: list[str] = []
    selector = FileSelector.from_config(config)
    found = discover(root, selector)
    warnings.extend(found.warnings)

    prefix = ""
    if repo is not None and root != repo.root:
        prefix = root.relative_to(repo.root).as_posix() + "/"
    head = repo.head() if repo else None
    if repo is None:
        notes.append("Not a git repository: counts only, with no history or streaks.")
        modified = {
            rel: datetime.fromtimestamp((root / rel).stat().st_mtime, UTC) for rel in found.chapters
        }
    else:
        by_repo_path = repo.last_modified([prefix + rel for rel in found.chapters])
        modified = {
            rel: by_repo_path[prefix + rel]
            for rel in found.chapters
            if prefix + rel in by_repo_path
        }

    chapters: list[ChapterEntry] = []
    for rel in found.chapters:
        counts = _count_file(root, rel, config, warnings)
        when = modified.get(rel)
        chapters.append(
            ChapterEntry(
                file=rel,
                title=counts.title or title_from_filename(rel),
                word_count=counts.words,
                character_count=counts.characters,
                character_count_no_spaces=counts.characters_no_spaces,
                last_modified=utc_iso(when) if when else None,
            )
        )
    manuscript: list[ManuscriptEntry] = []
    for rel in found.manuscript:
        counts = _count_file(root, rel, config, warnings)
        manuscript.append(
            ManuscriptEntry(
                file=rel,
                word_count=counts.words,
                character_count=counts.characters,
                character_count_no_spaces=counts.characters_no_spaces,
            )
        )

    stamp = utc_iso(now)
    stats = Stats(
        project=ProjectInfo(
            name=config.project_name(root),
            type=config.project.type,
            target_word_count=config.project.target_word_count,
        ),
        current=Current(
            word_count=sum(c.word_count for c in chapters),
            chapter_count=len(chapters),
            character_count=sum(c.character_count for c in chapters),
            character_count_no_spaces=sum(c.character_count_no_spaces for c in chapters),
            last_updated=stamp,
            last_commit_sha=head.sha if head else None,
        ),
        breakdown=Breakdown(chapters=chapters, manuscript=manuscript),
        generated_at=stamp,
    )
    return stats, warnings, notes


def _read_existing(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run_stats(path: Path, *, now: datetime | None = None, write: bool = True) -> StatsRun:
    """Compute the stats of the project containing `path` and (if `write`) update its file.

    The file is written only when its content changed; when only the time would change,
    the stored timestamps are kept so the bytes stay identical.
    """
    now = now or datetime.now(UTC)
    root, repo = find_project_root(path)
    config = load_config(root)
    stats, warnings, notes = compute_stats(root, repo, config, now=now)

    stats_path = root / STATS_FILE
    existing = _read_existing(stats_path)
    new_data = stats.model_dump(mode="json")
    changed = existing is None or without_timestamps(existing) != without_timestamps(new_data)
    if not changed and isinstance(existing, dict):
        stats = stats.model_copy(
            update={
                "generated_at": existing["generated_at"],
                "current": stats.current.model_copy(
                    update={"last_updated": existing["current"]["last_updated"]}
                ),
            }
        )
    check_stats(stats.model_dump(mode="json"))
    text = render(stats)
    written = False
    if write and (changed or _read_text(stats_path) != text):
        atomic_write(stats_path, text)
        written = True
    return StatsRun(
        root=root,
        stats=stats,
        text=text,
        path=stats_path,
        changed=changed,
        written=written,
        in_git=repo is not None,
        warnings=warnings,
        notes=notes,
    )


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


__all__ = ["StatsRun", "compute_stats", "find_project_root", "run_stats"]
