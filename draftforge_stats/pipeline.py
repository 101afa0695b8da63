"""The whole job, top to bottom: config, discover, count, history, streaks, model, validate, write.

Library code: takes arguments, returns a :class:`StatsRun`; it never prints or exits.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .config import Config, load_config
from .counting import TextCounts
from .dates import utc_iso
from .discover import FileSelector, discover, project_folder
from .gitrepo import Repository
from .history import (
    CACHE_FILE,
    CountCache,
    Counter,
    History,
    Progress,
    Stored,
    basis_for,
    build_history,
)
from .models import (
    Breakdown,
    ChapterEntry,
    Current,
    ManuscriptEntry,
    ProjectInfo,
    Stats,
    Streaks,
)
from .output import STATS_FILE, atomic_write, render, without_timestamps
from .streaks import DayRule, compute_streaks
from .validation import CHECKED_FILE, CheckedFiles, check_stats, stats_errors


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
    today: date | None = None  # the day the streaks were counted to (None outside git)
    history_mode: str | None = None  # how the history was made: see history.Mode
    commits_walked: int = 0  # first-parent commits read from git by this run
    blobs_counted: int = 0  # distinct file contents counted (not found in the cache)


def find_project_root(path: Path) -> tuple[Path, Repository | None]:
    """The project folder for `path` (see :func:`.discover.project_folder`) and its git
    repository when there is one."""
    start = path.resolve()
    root = project_folder(start.parent if start.is_file() else start)
    return root, Repository.find(root)


def title_from_filename(path: str) -> str:
    """`chapters/01-the-beginning.md` -> `The Beginning`."""
    stem = PurePosixPath(path).stem
    words = re.sub(r"^[\d\s._-]+", "", stem) or stem
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[\s._-]+", words) if w)


@dataclass
class _Computed:
    stats: Stats
    warnings: list[str]
    notes: list[str]
    today: date | None = None
    history: History | None = None
    counter: Counter | None = None


def _compute(
    root: Path,
    repo: Repository | None,
    config: Config,
    *,
    now: datetime,
    stored: Stored | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    save_cache: bool = False,
) -> _Computed:
    warnings: list[str] = []
    notes: list[str] = []
    selector = FileSelector.from_config(config)
    found = discover(root, selector)
    warnings.extend(found.warnings)
    settings = config.stats
    cache_path = repo.common_dir / CACHE_FILE if repo is not None else None
    cache = CountCache(count_code_blocks=settings.count_code_blocks, path=cache_path)
    counter = Counter(repo, cache, count_code_blocks=settings.count_code_blocks)

    def count(rel: str) -> TextCounts:
        counts, bad_offset = counter.file((root / rel).read_bytes())
        if bad_offset is not None:
            warnings.append(
                f"{rel}: not valid UTF-8 at byte {bad_offset}; counted with the bad bytes "
                "replaced (save the file as UTF-8 to fix)"
            )
        return counts

    chapter_counts = {rel: count(rel) for rel in found.chapters}
    manuscript_counts = {rel: count(rel) for rel in found.manuscript}

    rule = DayRule(settings.zone(), settings.day_starts_at)
    history: History | None = None
    head = repo.head() if repo else None
    modified: dict[str, str | None]
    if repo is None:
        notes.append("Not a git repository: counts only, with no history or streaks.")
        modified = {
            rel: utc_iso(datetime.fromtimestamp((root / rel).stat().st_mtime, UTC))
            for rel in found.chapters
        }
    else:
        prefix = "" if root == repo.root else root.relative_to(repo.root).as_posix() + "/"
        history = build_history(
            repo,
            head=head,
            prefix=prefix,
            selector=selector,
            basis=basis_for(
                selector,
                count_code_blocks=settings.count_code_blocks,
                timezone=settings.timezone,
                day_starts_at=settings.day_starts_at,
            ),
            rule=rule,
            counter=counter,
            stored=stored,
            chapters=found.chapters,
            progress=progress,
        )
        warnings.extend(history.warnings)
        notes.extend(history.notes)
        modified = history.last_modified
        if save_cache:
            cache.save()

    chapters: list[ChapterEntry] = []
    for rel in found.chapters:
        counts = chapter_counts[rel]
        chapters.append(
            ChapterEntry(
                file=rel,
                title=counts.title or title_from_filename(rel),
                word_count=counts.words,
                character_count=counts.characters,
                character_count_no_spaces=counts.characters_no_spaces,
                last_modified=modified.get(rel),
            )
        )
    manuscript = [
        ManuscriptEntry(
            file=rel,
            word_count=counts.words,
            character_count=counts.characters,
            character_count_no_spaces=counts.characters_no_spaces,
        )
        for rel, counts in manuscript_counts.items()
    ]

    entries = history.entries if history else []
    if today is None and history is not None:
        today = rule.today(now, history.author_offset)
    streaks = (
        compute_streaks(entries, today=today, daily_goal=settings.daily_goal)
        if today
        else Streaks()
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
            last_commit_sha=history.described_sha if history else None,
            last_commit_at=history.last_commit_at if history else None,
            total_commits=history.total_commits if history else 0,
        ),
        breakdown=Breakdown(chapters=chapters, manuscript=manuscript),
        history=entries,
        streaks=streaks,
        history_basis=history.basis if history else None,
        generated_at=stamp,
    )
    return _Computed(stats, warnings, notes, today, history, counter)


@dataclass(frozen=True)
class _Existing:
    """The stats file found on disk: its bytes, data, and why it cannot be used (if so)."""

    raw: bytes | None = None
    data: Any = None
    problem: str | None = None
    stored: Stored | None = None


def _read_existing(path: Path, checked: CheckedFiles | None = None) -> _Existing:
    """Read the stats file and check it against the schema (unless these exact bytes were
    found valid before: see :class:`~.validation.CheckedFiles`)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _Existing()
    except OSError as exc:
        return _Existing(problem=f"it cannot be read ({exc.strerror})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _Existing(raw, problem=f"byte {exc.start} is not UTF-8")
    except ValueError as exc:
        return _Existing(raw, problem=f"it is not valid JSON: {exc}")
    errors = [] if checked is not None and raw in checked else stats_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _Existing(raw, data, problem=f"it does not match the schema: {errors[0]}{more}")
    try:
        stored = Stored.from_data(data)
    except ValueError as exc:
        return _Existing(raw, data, problem=str(exc))
    return _Existing(raw, data, stored=stored)


def _move_aside(path: Path) -> Path:
    """Keep an unusable stats file next to it as `stats.json.bak` (a rename: atomic, same bytes)."""
    backup = path.with_name(path.name + ".bak")
    os.replace(path, backup)
    return backup


def run_stats(
    path: Path,
    *,
    now: datetime | None = None,
    write: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
) -> StatsRun:
    """Compute the stats of the project containing `path` and (if `write`) update its file.

    The history is added to the existing file's when it can be (see :mod:`.history`); a
    file that is not valid is moved aside to `stats.json.bak` and made again. The file is
    written only when its content changed; when only the time would change, the stored
    timestamps are kept so the bytes stay identical. `today` pins the streaks' day (else the
    writing day of `now`); `progress(done, total)` is called while history is counted.
    Nothing is written at all when `write` is false (the count cache in the git folder is
    read, not written).
    """
    now = now or datetime.now(UTC)
    root, repo = find_project_root(path)
    config = load_config(root)
    stats_path = root / STATS_FILE
    checked = CheckedFiles(repo.common_dir / CHECKED_FILE if repo is not None and write else None)
    existing = _read_existing(stats_path, checked)
    computed = _compute(
        root,
        repo,
        config,
        now=now,
        stored=existing.stored,
        today=today,
        progress=progress,
        save_cache=write,
    )
    stats, warnings, notes = computed.stats, computed.warnings, computed.notes
    display = STATS_FILE.as_posix()
    if existing.problem is not None:
        action = (
            f"moved it to {display}.bak and made it again"
            if write
            else f"it would be moved to {display}.bak and made again (nothing written now)"
        )
        warnings.insert(0, f"{display} is not a valid stats file ({existing.problem}); {action}.")

    new_data = stats.model_dump(mode="json")
    old_data = existing.data if existing.problem is None else None
    changed = old_data is None or without_timestamps(old_data) != without_timestamps(new_data)
    if not changed and isinstance(old_data, dict):
        stats = stats.model_copy(
            update={
                "generated_at": old_data["generated_at"],
                "current": stats.current.model_copy(
                    update={"last_updated": old_data["current"]["last_updated"]}
                ),
            }
        )
    # Nothing invalid is ever written; the stored file was checked when it was read.
    check_stats(stats.model_dump(mode="json"), old_data)
    text = render(stats)
    written = False
    if write and (changed or _read_text(stats_path) != text):
        if existing.problem is not None and existing.raw is not None:
            _move_aside(stats_path)
        atomic_write(stats_path, text)
        written = True
    if write:
        checked.add(text.encode("utf-8"))
    history = computed.history
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
        today=computed.today,
        history_mode=history.mode.value if history else None,
        commits_walked=history.commits_walked if history else 0,
        blobs_counted=computed.counter.counted if computed.counter else 0,
    )


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


__all__ = ["StatsRun", "find_project_root", "run_stats"]
