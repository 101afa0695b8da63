"""The whole job, top to bottom: config, discover, count, history, streaks, model, validate, write.

Library code: takes arguments, returns a :class:`StatsRun`; it never prints or exits.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .config import Config, load_config
from .counting import TextCounts
from .dates import utc_iso
from .discover import FileSelector, discover, project_folder, project_prefix
from .errors import (
    HistoryLossError,
    NewerStatsFileError,
    StatsFileError,
    UnreadableFileError,
    WriteError,
)
from .gitrepo import Repository
from .goals import chapter_target, compute_goal, weekday_numbers
from .history import (
    CACHE_FILE,
    CountCache,
    Counter,
    DayRule,
    History,
    Progress,
    Stored,
    basis_for,
    build_history,
    future_warnings,
)
from .names import CONFIG_FILE, STATS_FILE
from .reading import describe_mode, read_regular_file
from .records import dataclass
from .safekeeping import (
    committed_days,
    dropped_days_message,
    invalid_file_warning,
    newer_file_message,
    read_existing,
    shortened_warning,
)
from .statsfile import (
    CHECKED_FILE,
    Breakdown,
    ChapterEntry,
    CheckedFiles,
    Current,
    ManuscriptEntry,
    ProjectInfo,
    Stats,
    Streaks,
    chapter_totals,
    check_own_folder,
    check_stats,
    keep_backup,
    remove_stale_temporaries,
    render_data,
    without_timestamps,
    write_if_changed,
)
from .streaks import compute_streaks
from .targets import (
    FrontTarget,
    chosen_targets,
    front_issues,
    not_a_chapter,
)
from .worktree import Processes, count_worktree

T = TypeVar("T")


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
    backup: Path | None = None  # where the bytes of a replaced, invalid file were kept
    #: Every file the run maintains, relative to `root`: the stats file, then the images
    #: (and badge) the config asks for. The Action commits exactly these.
    files: list[str] = field(default_factory=list)
    #: Those of `files` this run wrote (their bytes changed).
    written_files: list[str] = field(default_factory=list)


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
    """The stats of a run, with what it has to tell the writer."""

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
    processes: Processes | None = None,
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
    head = repo.head() if repo else None
    if (
        repo is not None
        and head is not None
        and stored is not None
        and stored.last_commit_sha not in (None, head.sha)
    ):
        # New commits on a stored history: git lists HEAD's commits on another core while
        # the working tree is counted here (the walk takes the list; see `start_graph`).
        repo.start_graph()

    chapter_counts: dict[str, TextCounts] = {}
    manuscript_counts: dict[str, TextCounts] = {}
    fronts: dict[str, FrontTarget] = {}  # `target_words` of the files' front matter
    chapter_files = set(found.chapters)
    for file in count_worktree(root, [*found.chapters, *found.manuscript], counter, processes):
        if file.counts is None:  # a pipe, a device, too large, not readable: skip it
            warnings.append(f"{file.rel}: {file.problem}; not counted")
            continue
        if file.front is not None:
            fronts[file.rel] = file.front
        if file.bad_offset is not None:
            warnings.append(
                f"{file.rel}: not valid UTF-8 at byte {file.bad_offset}; counted with the bad "
                "bytes replaced (save the file as UTF-8 to fix)"
            )
        if file.rel in chapter_files:
            chapter_counts[file.rel] = file.counts
        else:
            manuscript_counts[file.rel] = file.counts
    counted = list(chapter_counts)
    targets = _targets(root, selector, settings.chapter_targets, chapter_counts, fronts, warnings)

    rule = DayRule(settings.zone(), settings.day_starts_at)
    history: History | None = None
    modified: dict[str, str | None]
    if repo is None:
        notes.append("Not a git repository: counts only, with no history or streaks.")
        modified = {
            rel: utc_iso(datetime.fromtimestamp((root / rel).stat().st_mtime, UTC))
            for rel in counted
        }
    else:
        prefix = project_prefix(root, repo.root)
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
            chapters=counted,
            progress=progress,
            processes=processes or Processes(),
        )
        warnings.extend(history.warnings)
        warnings.extend(counter.skipped_warnings())
        notes.extend(history.notes)
        modified = history.last_modified
        if save_cache:
            cache.save()

    chapters: list[ChapterEntry] = []
    for rel in counted:
        counts = chapter_counts[rel]
        chapters.append(
            ChapterEntry(
                file=rel,
                title=counts.title or title_from_filename(rel),
                word_count=counts.words,
                character_count=counts.characters,
                character_count_no_spaces=counts.characters_no_spaces,
                last_modified=modified.get(rel),
                target=chapter_target(counts.words, targets.get(rel)),
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
    warnings.extend(future_warnings(entries, now, stored, repo.has_commit if repo else None))
    if today is None and history is not None:
        today = rule.today(now, history.author_offset)
    streaks = (
        compute_streaks(entries, today=today, daily_goal=settings.daily_goal)
        if today
        else Streaks()
    )
    goal = compute_goal(
        entries,
        word_count=chapter_totals(chapters)["word_count"],
        target=config.project.target_word_count,
        deadline=settings.deadline,
        writing_days=weekday_numbers(settings.writing_days),
        today=today or rule.day(now),
    )
    stamp = utc_iso(now)
    stats = Stats(
        project=ProjectInfo(
            name=config.project_name(root),
            type=config.project.type,
            target_word_count=config.project.target_word_count,
        ),
        current=Current(
            **chapter_totals(chapters),
            last_updated=stamp,
            last_commit_sha=history.described_sha if history else None,
            last_commit_at=history.last_commit_at if history else None,
            total_commits=history.total_commits if history else 0,
        ),
        breakdown=Breakdown(chapters=chapters, manuscript=manuscript),
        history=entries,
        streaks=streaks,
        goal=goal,
        history_basis=history.basis if history else None,
        generated_at=stamp,
    )
    return _Computed(stats, warnings, notes, today, history, counter)


def run_stats(
    path: Path,
    *,
    now: datetime | None = None,
    write: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
    allow_shorter_history: bool = False,
    processes: Processes | None = None,
) -> StatsRun:
    """Compute the stats of the project containing `path` and (if `write`) update its file.

    The history is added to the existing file's when it can be (see :mod:`.history`). A
    file that is not valid is read as far as it can be (its valid history entries are
    kept), its exact bytes are kept in a backup (`stats.json.bak`, never overwriting
    one) and it is made again. A file written by a newer version is never overwritten
    (:class:`NewerStatsFileError`), and a stored history is never replaced by one that
    drops any of its days (:class:`HistoryLossError`) unless `allow_shorter_history`.
    The file is written only when its content changed; when only the time would change,
    the stored timestamps are kept so the bytes stay identical. `today` pins the streaks'
    day (else the writing day of `now`); `progress(done, total)` is called while history
    is counted. Nothing is written at all when `write` is false (the count cache in the
    git folder is read, not written); the errors above are then warnings. `processes` says
    how many processes count the working tree's files and the history's versions (see
    :class:`.pool.Processes`).
    """
    now = now or datetime.now(UTC)
    root, repo = find_project_root(path)
    config = load_config(root)
    stats_path = root / STATS_FILE
    display = STATS_FILE.as_posix()
    checked = CheckedFiles(repo.common_dir / CHECKED_FILE if repo is not None and write else None)
    existing = read_existing(stats_path, checked, within=root)
    early: list[str] = []
    if existing.newer is not None:
        message = newer_file_message(display, existing.newer)
        if write:
            raise NewerStatsFileError(message)
        early.append(message)
    elif existing.problem is not None and existing.raw is None and write:
        raise StatsFileError(
            f"{display} is not replaced: {existing.problem}. Its history could not be read, "
            "so nothing was written."
        )
    # The days of the file as HEAD holds it are the author's too: a working copy emptied,
    # cut short or replaced by a shorter file does not take them with it. git finds that
    # file while this run counts (see `start_graph`).
    in_git = project_prefix(root, repo.root) + display if repo is not None else ""
    if repo is not None and existing.newer is None:
        repo.start_committed_file(in_git)
    try:
        computed = _compute(
            root,
            repo,
            config,
            now=now,
            stored=existing.stored if existing.newer is None else None,
            today=today,
            progress=progress,
            save_cache=write,
            processes=processes,
        )
        head_days = (
            committed_days(repo, in_git, checked, unless=existing.raw)
            if repo is not None and existing.newer is None
            else frozenset()
        )
    finally:
        if repo is not None:
            repo.stop_started()  # what nothing asked for
    stats, warnings, notes = computed.stats, computed.warnings, computed.notes
    warnings[:0] = early

    kept_days = {date.fromisoformat(entry.date) for entry in stats.history}
    moved_only = computed.history is not None and computed.history.covers_stored
    lost_committed = head_days - existing.days - kept_days
    dropped = sorted((set() if moved_only else existing.days - kept_days) | lost_committed)
    if dropped and existing.newer is None:
        commit = None
        if lost_committed and repo is not None:
            commit = repo.last_change(in_git)
        protected = len(existing.days | head_days)
        message = dropped_days_message(display, dropped, protected, repo is not None, commit)
        if write and not allow_shorter_history:
            raise HistoryLossError(message)
        if not allow_shorter_history:
            warnings.insert(0, message.replace("Nothing was written.", "Nothing is written now."))
        else:
            warnings.insert(0, shortened_warning(display, dropped))

    new_data = stats.model_dump(mode="json")
    old_data = existing.data if existing.problem is None else None
    changed = old_data is None or without_timestamps(old_data) != without_timestamps(new_data)
    final_data = new_data
    if not changed and isinstance(old_data, dict):
        stats = stats.model_copy(
            update={
                "generated_at": old_data["generated_at"],
                "current": stats.current.model_copy(
                    update={"last_updated": old_data["current"]["last_updated"]}
                ),
            }
        )
        final_data = stats.model_dump(mode="json")
    # Nothing invalid is ever written; the stored file was checked when it was read.
    check_stats(final_data, old_data)
    text = render_data(final_data)
    written = False
    backup: Path | None = None
    if write:
        check_own_folder(root)  # never write through a `.draftforge` link out of the project
        remove_stale_temporaries(stats_path)  # leftovers of interrupted writes
        if (
            existing.problem is not None
            and existing.raw is not None
            and _read_text(stats_path) != text
        ):
            backup = keep_backup(stats_path, existing.raw)
        written = _guarded(lambda: write_if_changed(stats_path, text), stats_path, display)
        checked.add(text.encode("utf-8"))  # these bytes passed the check above
    if existing.problem is not None and existing.newer is None:
        committed = None
        if repo is not None and existing.raw is not None:
            committed = repo.last_change(project_prefix(root, repo.root) + display)
        warnings.insert(
            0,
            invalid_file_warning(
                display,
                existing,
                backup=backup.relative_to(root).as_posix() if backup else None,
                committed=committed,
                write=write,
            ),
        )
    # The images show the run's writing day; outside git, the day the numbers last changed.
    image_day = computed.today or date.fromisoformat(stats.current.last_updated[:10])
    images: dict[Path, str] = {}
    if config.stats.images or config.stats.badge:
        from .images import image_files  # a run that draws nothing loads no image module

        images = image_files(
            stats,
            today=image_day,
            images=config.stats.images,
            badge=config.stats.badge,
            par=_par(stats),
        )
    written_files = [display] if written else []
    for rel in list(images):
        if not _ours(root / rel, rel):
            warnings.append(
                f"{rel} was not written by DraftForge Stats; it is left as it is (move it "
                f"away, or turn the file off in the config: `stats.images` or `stats.badge`)."
            )
            del images[rel]
        elif write and _guarded(
            functools.partial(write_if_changed, root / rel, images[rel]), root / rel, str(rel)
        ):
            written_files.append(rel.as_posix())
    files = [display, *(rel.as_posix() for rel in images)]
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
        backup=backup,
        files=files,
        written_files=written_files,
    )


def _read_text(path: Path) -> str | None:
    """The text of the file at `path` now, or None (a pipe or a link loop there is not read)."""
    try:
        return read_regular_file(path).decode("utf-8")
    except (UnreadableFileError, UnicodeDecodeError):
        return None


def _targets(
    root: Path,
    selector: FileSelector,
    configured: Mapping[str, int],
    chapters: Mapping[str, TextCounts],
    fronts: Mapping[str, FrontTarget],
    warnings: list[str],
) -> dict[str, int]:
    """Each chapter's target (`stats.chapter_targets` wins over `target_words`); a warning
    for each target that cannot be used, and for each chapter given two different ones."""
    config = CONFIG_FILE.as_posix()
    for rel, front in fronts.items():
        chapter = rel in chapters
        for issue in front_issues(
            front, chapter=chapter, configured=configured.get(rel), config=config
        ):
            unused = "; the chapter has no target from its front matter" if issue.bad_value else ""
            warnings.append(f"{rel}:{issue.line}: {issue.message} ({issue.hint}){unused}")
    for file in configured:
        if file not in chapters:
            kind = selector.classify(file)
            why = not_a_chapter(
                file,
                kind=kind.value if kind else None,
                exists=os.path.isfile(root / file),
                chapters_directory=selector.chapters_directory,
            )
            warnings.append(
                f"{config}: `stats.chapter_targets`: {why}; its target is not used"
                " (give the path of a chapter, relative to the project folder, such "
                "as `chapters/01-the-beginning.md`)"
            )
    valid = {rel: front.value for rel, front in fronts.items() if front.value is not None}
    return chosen_targets(list(chapters), configured, valid)


def _ours(path: Path, rel: Path) -> bool:
    """True when the file at `path` may be written: there is none, or this tool wrote it
    (a pipe or a link in a loop there is not read, and not ours)."""
    if not os.path.lexists(path):
        return True
    try:
        text = read_regular_file(path).decode("utf-8")
    except (UnreadableFileError, UnicodeDecodeError):
        return False
    from .images import written_here  # only asked for the images a run draws

    return written_here(rel, text)


def _guarded(write: Callable[[], T], path: Path, shown: str) -> T:
    """Run `write` (of the file at `path`, `shown` in messages); a file system error becomes
    one :class:`.WriteError` that names the folder and the fix."""
    try:
        return write()
    except OSError as exc:
        folder = path.parent
        blocking = _not_a_folder(folder)
        if blocking is not None:
            raise WriteError(
                f"Cannot write {shown}: {blocking} is {_what_is(blocking)}, not a folder. Move "
                f"it out of the way (`mv {blocking} {blocking}.old`), so that the folder can be "
                "made, or count without writing (`draftforge stats --no-write`)."
            ) from None
        raise WriteError(
            f"Cannot write {shown} ({exc.strerror or exc}): make the folder {folder} writable "
            f"for this user (for example `chmod u+w {STATS_FILE.parent.as_posix()}`), or count "
            "without writing (`draftforge stats --no-write`)."
        ) from None


def _not_a_folder(folder: Path) -> Path | None:
    """The first thing on the way to `folder` that is there but is not a folder (a file
    named `.draftforge`, say), or None."""
    for place in (folder, *folder.parents):
        if os.path.lexists(place):
            return None if place.is_dir() else place
    return None


def _what_is(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return "a symbolic link to nothing"
    return "a file" if path.is_file() else describe_mode(os.lstat(path).st_mode)


def _par(stats: Stats) -> int | None:
    """Where the author should be today, when the stats have a goal with a deadline."""
    par = getattr(getattr(stats, "goal", None), "par", None)
    return par if isinstance(par, int) else None


__all__ = ["StatsRun", "find_project_root", "run_stats"]
