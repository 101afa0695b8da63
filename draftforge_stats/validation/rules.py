"""Checks beyond what a JSON Schema can say, one function per kind of file.

Each function takes a :class:`Document` that already passed its schema (or at least
loaded) and returns problems; it never raises for bad data, it only reports it.
Anything that needs the file system gets the folders it may look in as arguments.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import zoneinfo
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard, cast

from draftforge_stats.discover import FileSelector, Kind
from draftforge_stats.errors import Problem, UnreadableFileError
from draftforge_stats.names import DEFAULT_CHAPTERS, DEFAULT_MANUSCRIPT
from draftforge_stats.reading import read_regular_file
from draftforge_stats.validation.documents import Document, json_path
from draftforge_stats.wording import days as _days
from draftforge_stats.wording import plural

__all__ = [
    "AGENT_RUN_NAME",
    "DEFAULT_CHAPTERS",
    "DEFAULT_MANUSCRIPT",
    "agent_run_file_name",
    "agent_run_problems",
    "config_problems",
    "errors_of",
    "isbn_check_digit",
    "isbn_problem",
    "metadata_problems",
    "stats_problems",
    "warnings_of",
]


def errors_of(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that are errors (they fail a check)."""
    return [p for p in problems if p.severity == "error"]


def warnings_of(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that are only warnings."""
    return [p for p in problems if p.severity != "error"]


def _problem(
    doc: Document,
    path: Sequence[Hashable],
    message: str,
    hint: str | None = None,
    *,
    severity: str = "error",
) -> Problem:
    position = doc.locate(cast(Sequence[str | int], path))
    line, column = position if position is not None else (None, None)
    return Problem(
        file=doc.file,
        message=message,
        line=line,
        column=column,
        path=json_path(path),
        hint=hint,
        severity=severity,
    )


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------- config


def config_problems(doc: Document, project_root: Path | None) -> list[Problem]:
    """The time zone is a real one; the chapters (error) and manuscript (warning) folders exist.

    ``project_root`` is the folder holding ``.draftforge/``; without it the folders are
    not looked for.
    """
    problems: list[Problem] = []
    data = doc.data if isinstance(doc.data, Mapping) else {}
    zone = _get(data, "stats", "timezone")
    if isinstance(zone, str) and zone:
        try:
            zoneinfo.ZoneInfo(zone)
        # OSError: a region such as `America` is a folder of the zone database.
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            problems.append(
                _problem(
                    doc,
                    ("stats", "timezone"),
                    f"`{zone}` is not a known time zone",
                    "use an IANA name such as `Europe/Paris` or `America/New_York`, or `UTC`",
                )
            )
    deadline = _get(data, "stats", "deadline")
    if deadline is not None and not isinstance(deadline, str) and not _is_day(deadline):
        # The schema takes any value YAML reads that JSON has no type for (an unquoted
        # date), and so a date with a time, a `!!binary` or a `!!set` too.
        problems.append(
            _problem(
                doc,
                ("stats", "deadline"),
                f"`stats.deadline` is {_yaml_kind(deadline)}, not a day",
                "write the day alone, such as `2026-03-31`",
            )
        )
    if project_root is None:
        return problems
    structure = _get(data, "structure")
    for key, default, severity in (
        ("chapters_directory", DEFAULT_CHAPTERS, "error"),
        ("manuscript_directory", DEFAULT_MANUSCRIPT, "warning"),
    ):
        value = _get(structure, key) if isinstance(structure, Mapping) else None
        if value is not None and not isinstance(value, str):
            continue  # the schema already said so
        folder = value or default
        if not _inside(folder) or (project_root / folder).is_dir():
            continue
        what = "chapters" if key.startswith("chapters") else "manuscript"
        how = (
            f"create the folder `{folder}` or {'set' if value is None else 'fix'} `structure.{key}`"
        )
        state = "is a file, not a folder" if (project_root / folder).exists() else "does not exist"
        problems.append(
            _problem(
                doc,
                ("structure", key),
                f"the {what} folder `{folder}` {state}",
                how,
                severity=severity,
            )
        )
    problems.extend(_goal_problems(doc, data, project_root))
    return problems


def _is_day(value: object) -> bool:
    """True for a date YAML read from an unquoted day (`2026-03-31`), not a date and time."""
    return isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)


def _yaml_kind(value: object) -> str:
    """What YAML made of a value that is neither a JSON value nor a day, in a few words."""
    if isinstance(value, _dt.datetime):
        return "a date and time"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, set | frozenset):
        return "a set"
    return f"a {type(value).__name__}"


def _goal_problems(doc: Document, data: Mapping[str, Any], project_root: Path) -> list[Problem]:
    """Warnings about goal settings that would have no effect."""
    problems: list[Problem] = []
    if (
        _get(data, "stats", "deadline") is not None
        and _get(data, "project", "target_word_count") is None
    ):
        problems.append(
            _problem(
                doc,
                ("stats", "deadline"),
                "a deadline without `project.target_word_count` has no effect",
                "set `project.target_word_count`, the number of words to reach by the deadline",
                severity="warning",
            )
        )
    targets = _get(data, "stats", "chapter_targets")
    selector = _selector(data)
    if isinstance(targets, Mapping) and selector is not None:
        for file in targets:
            if not isinstance(file, str) or not _inside(file):
                continue  # the schema reports it
            from draftforge_stats.targets import not_a_chapter

            kind = selector.classify(file)
            exists = (project_root / file).is_file()
            if exists and kind is Kind.CHAPTER:
                continue
            problems.append(
                _problem(
                    doc,
                    ("stats", "chapter_targets", file),
                    not_a_chapter(
                        file,
                        kind=kind.value if kind else None,
                        exists=exists,
                        chapters_directory=selector.chapters_directory,
                    ),
                    "give the chapter's path relative to the project folder, such as "
                    "`chapters/01-the-beginning.md`",
                    severity="warning",
                )
            )
    return problems


def _selector(data: Mapping[str, Any]) -> FileSelector | None:
    """The config's file rules, or None when they are not usable (the schema says why)."""
    from draftforge_stats.config import Config  # here: the config module reads YAML with ours

    try:
        return FileSelector.from_config(Config.model_validate(data))
    except (ValueError, TypeError):
        return None


def _inside(relative: str) -> bool:
    """A relative path with no `..` (the schema reports the others)."""
    posix = relative.replace("\\", "/")
    return not posix.startswith("/") and ".." not in PurePosixPath(posix).parts


# ---------------------------------------------------------------------------- metadata

_ISBN_CHARS = re.compile(r"[0-9Xx\- ]+")


def isbn_check_digit(digits: str) -> str:
    """The check digit of the first 9 (ISBN-10) or 12 (ISBN-13) digits of an ISBN."""
    if len(digits) == 9:
        total = sum((10 - i) * int(d) for i, d in enumerate(digits))
        check = (11 - total % 11) % 11
        return "X" if check == 10 else str(check)
    if len(digits) == 12:
        total = sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits))
        return str((10 - total % 10) % 10)
    raise ValueError("an ISBN has 9 or 12 digits before its check digit")


def isbn_problem(isbn: str) -> tuple[str, str] | None:
    """What is wrong with an ISBN-10 or ISBN-13 (hyphens and spaces allowed), or None."""
    if not _ISBN_CHARS.fullmatch(isbn):
        return None  # not ISBN-shaped at all: the schema's pattern reports it
    compact = re.sub(r"[- ]", "", isbn).upper()
    if len(compact) not in (10, 13) or not compact[:-1].isdigit():
        return None
    if "X" in compact and (len(compact) == 13 or compact.index("X") != 9):
        return None
    if len(compact) == 13 and compact[:3] not in {"978", "979"}:
        return (
            f"`{isbn}` is not an ISBN-13: it must start with 978 or 979",
            "check the number on your ISBN record",
        )
    expected = isbn_check_digit(compact[:-1])
    if expected != compact[-1]:
        return (
            f"`{isbn}` has a wrong check digit: expected {expected}, got {compact[-1]}",
            "check the number for a typo: the last digit is computed from the others",
        )
    return None


def metadata_problems(
    doc: Document, directory: Path | None, project_root: Path | None = None
) -> list[Problem]:
    """The ISBN's check digit; series number within total; ``cover_image`` exists, inside
    the project.

    ``directory`` is the folder of the metadata file (the cover path is relative to it);
    ``project_root`` the project's folder (None: where the cover is is not checked).
    """
    problems: list[Problem] = []
    data = doc.data if isinstance(doc.data, Mapping) else {}
    isbn = _get(data, "publishing", "isbn")
    if isinstance(isbn, str):
        found = isbn_problem(isbn)
        if found:
            problems.append(_problem(doc, ("publishing", "isbn"), found[0], found[1]))
    number, total = _get(data, "series", "number"), _get(data, "series", "total")
    if _is_int(number) and _is_int(total) and number > total:
        problems.append(
            _problem(
                doc,
                ("series", "number"),
                f"book {number} of a series of {total}",
                "`series.number` cannot be more than `series.total`",
            )
        )
    cover = _get(data, "cover_image")
    if isinstance(cover, str) and cover and directory is not None:
        target = directory / cover
        real = Path(os.path.realpath(target))  # never raises, even on a loop of links
        if project_root is not None and not real.is_relative_to(os.path.realpath(project_root)):
            problems.append(
                _problem(
                    doc,
                    ("cover_image",),
                    f"the cover image `{cover}` is outside the project folder",
                    "keep it inside the project (such as assets/cover.jpg) so that it is "
                    "committed with the book",
                )
            )
        elif not target.is_file():
            problems.append(
                _problem(
                    doc,
                    ("cover_image",),
                    f"the cover image `{cover}` does not exist",
                    "the path is relative to the folder of this metadata file"
                    if not target.exists()
                    else "it is a folder, not an image file",
                )
            )
    return problems


# ---------------------------------------------------------------------------- agent runs

AGENT_RUN_NAME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<time>\d{2}-\d{2}-\d{2})_"
    r"(?P<agent>[a-z]+)_(?P<trigger>[a-z]+)(?:-(?P<ref>[A-Za-z0-9._-]+))?\.json"
)
"""``2025-10-29_14-30-00_continuity_pr-123.json``."""


def _parse_timestamp(value: str) -> _dt.datetime | None:
    try:
        moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def agent_run_file_name(data: Mapping[str, Any]) -> str | None:
    """The file name a run should have (time in UTC), or None when its fields do not allow one."""
    timestamp = data.get("timestamp")
    agent, trigger, ref = data.get("agent_type"), data.get("trigger"), data.get("trigger_ref")
    if not (isinstance(timestamp, str) and isinstance(agent, str) and isinstance(trigger, str)):
        return None
    moment = _parse_timestamp(timestamp)
    if moment is None:
        return None
    stamp = moment.astimezone(_dt.UTC).strftime("%Y-%m-%d_%H-%M-%S")
    suffix = f"-{ref}" if isinstance(ref, str) and ref else ""
    return f"{stamp}_{agent}_{trigger}{suffix}.json"


def agent_run_problems(
    doc: Document, file_name: str | None, project_root: Path | None
) -> list[Problem]:
    """The file name agrees with the run; each issue's file exists and has its line (warnings).

    ``file_name`` is the run file's own name (None: not checked); ``project_root`` is the
    folder the issues' paths are relative to (None: not checked).
    """
    data = doc.data if isinstance(doc.data, Mapping) else None
    if data is None:
        return []
    problems: list[Problem] = []
    if file_name is not None:
        problems.extend(_run_name_problems(doc, data, file_name))
    issues = data.get("issues")
    if isinstance(issues, list):
        problems.extend(_issue_problems(doc, issues, project_root))
    return problems


def _run_name_problems(doc: Document, data: Mapping[str, Any], file_name: str) -> list[Problem]:
    expected = agent_run_file_name(data)
    if expected is None or expected == file_name:
        return []
    rename = f"rename the file to `{expected}`"
    match = AGENT_RUN_NAME.fullmatch(file_name)
    if match is None:
        return [
            _problem(
                doc,
                (),
                f"the file name `{file_name}` does not follow "
                "`<date>_<time>_<agent_type>_<trigger>[-<trigger_ref>].json`",
                rename,
            )
        ]
    problems: list[Problem] = []
    moment = _parse_timestamp(str(data["timestamp"]))
    named = f"{match['date']}_{match['time']}"
    if moment is not None:
        as_written = moment.strftime("%Y-%m-%d_%H-%M-%S")
        as_utc = moment.astimezone(_dt.UTC).strftime("%Y-%m-%d_%H-%M-%S")
        if named not in {as_written, as_utc}:
            problems.append(
                _problem(
                    doc,
                    ("timestamp",),
                    f"the file name says {match['date']} {match['time'].replace('-', ':')}, "
                    f"but `timestamp` is {data['timestamp']}",
                    rename,
                )
            )
    for key, part in (("agent_type", "agent"), ("trigger", "trigger")):
        if match[part] != data.get(key):
            problems.append(
                _problem(
                    doc,
                    (key,),
                    f"the file name says `{match[part]}`, but `{key}` is `{data.get(key)}`",
                    rename,
                )
            )
    ref = data.get("trigger_ref") or None
    if match["ref"] != ref:
        said = f"`{match['ref']}`" if match["ref"] else "no trigger reference"
        problems.append(
            _problem(
                doc,
                ("trigger_ref",),
                f"the file name has {said}, but `trigger_ref` is "
                + (f"`{ref}`" if ref else "not set"),
                rename,
            )
        )
    return problems or [_problem(doc, (), f"the file name should be `{expected}`", rename)]


def _issue_problems(doc: Document, issues: list[Any], project_root: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    line_counts: dict[str, int | None] = {}
    for index, issue in enumerate(issues):
        if not isinstance(issue, Mapping):
            continue
        issue_id = issue.get("id")
        if isinstance(issue_id, str):
            if issue_id in seen_ids:
                problems.append(
                    _problem(
                        doc,
                        ("issues", index, "id"),
                        f"issue id `{issue_id}` is also used by issue {seen_ids[issue_id]}",
                        "give each issue of a run its own id",
                        severity="warning",
                    )
                )
            else:
                seen_ids[issue_id] = index
        file = issue.get("file")
        if project_root is None or not isinstance(file, str) or not _inside(file):
            continue
        if file not in line_counts:
            line_counts[file] = _count_lines(project_root / file)
        lines = line_counts[file]
        if lines is None:
            folder = (project_root / file).is_dir()
            problems.append(
                _problem(
                    doc,
                    ("issues", index, "file"),
                    f"`{file}` is a folder, not a file" if folder else f"`{file}` does not exist",
                    "the path is relative to the project root"
                    + ("" if folder else "; was the file renamed or removed?"),
                    severity="warning",
                )
            )
            continue
        for key in ("line", "end_line"):
            line = issue.get(key)
            if _is_int(line) and line > lines:
                problems.append(
                    _problem(
                        doc,
                        ("issues", index, key),
                        f"`{file}` has {plural(lines, 'line')}, so there is no line {line}",
                        "the file changed since the run, or the line is wrong",
                        severity="warning",
                    )
                )
    return problems


def _count_lines(path: Path) -> int | None:
    """The number of lines of a file; None when it cannot be read (absent, a folder...)."""
    try:
        data = read_regular_file(path)
    except UnreadableFileError:
        return None
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


# ---------------------------------------------------------------------------- stats

_TOTALS = (
    ("word_count", "word_count"),
    ("character_count", "character_count"),
    ("character_count_no_spaces", "character_count_no_spaces"),
)


def stats_problems(doc: Document) -> list[Problem]:
    """Totals agree with the chapter breakdown; history is unique and newest first; the
    streak numbers are possible given the history."""
    data = doc.data if isinstance(doc.data, Mapping) else None
    if data is None:
        return []
    problems: list[Problem] = []
    problems.extend(_totals_problems(doc, data))
    history = data.get("history")
    dates: list[_dt.date] = []
    if isinstance(history, list):
        problems.extend(_history_problems(doc, history, dates))
    streaks = data.get("streaks")
    # After a shallow clone the older days are approximate: runs of days are not compared.
    complete = _get(data, "history_basis", "complete") is not False
    if isinstance(streaks, Mapping):
        problems.extend(_streak_problems(doc, streaks, dates, history, complete=complete))
    return problems


def _totals_problems(doc: Document, data: Mapping[str, Any]) -> list[Problem]:
    current = data.get("current")
    chapters = _get(data, "breakdown", "chapters")
    if not isinstance(current, Mapping) or not isinstance(chapters, list):
        return []
    entries = [c for c in chapters if isinstance(c, Mapping)]
    problems: list[Problem] = []
    count = current.get("chapter_count")
    if _is_int(count) and count != len(chapters):
        problems.append(
            _problem(
                doc,
                ("current", "chapter_count"),
                f"`chapter_count` is {count}, but the breakdown lists "
                f"{plural(len(chapters), 'chapter')}",
                "run `draftforge stats` to rebuild the file",
            )
        )
    for total_key, entry_key in _TOTALS:
        total = current.get(total_key)
        values = [c.get(entry_key) for c in entries]
        if not _is_int(total) or not all(_is_int(v) for v in values):
            continue
        added = sum(cast(list[int], values))
        if total != added:
            problems.append(
                _problem(
                    doc,
                    ("current", total_key),
                    f"`{total_key}` is {total}, but the chapters in the breakdown add up to "
                    f"{added}",
                    "run `draftforge stats` to rebuild the file",
                )
            )
    return problems


def _history_problems(doc: Document, history: list[Any], dates: list[_dt.date]) -> list[Problem]:
    """Fills ``dates`` with the parsed history dates, in file order."""
    problems: list[Problem] = []
    first_seen: dict[_dt.date, int] = {}
    previous: _dt.date | None = None
    for index, entry in enumerate(history):
        value = entry.get("date") if isinstance(entry, Mapping) else None
        if not isinstance(value, str):
            continue
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            continue  # the schema reports the format
        dates.append(day)
        if day in first_seen:
            problems.append(
                _problem(
                    doc,
                    ("history", index, "date"),
                    f"{value} appears twice in the history (also entry {first_seen[day]})",
                    "the history has one entry per day",
                )
            )
        else:
            first_seen[day] = index
            if previous is not None and day > previous:
                problems.append(
                    _problem(
                        doc,
                        ("history", index, "date"),
                        f"{value} comes after {previous.isoformat()}, but the history is "
                        "newest first",
                        "entries must be in order of date, the newest first",
                    )
                )
        previous = day
    return problems


def _longest_run(days: set[_dt.date]) -> int:
    # Day numbers, not dates: a run can end on 9999-12-31 or start on 0001-01-01.
    numbers = {day.toordinal() for day in days}
    longest = 0
    for number in numbers:
        if number - 1 in numbers:
            continue
        length = 1
        while number + length in numbers:
            length += 1
        longest = max(longest, length)
    return longest


def _run_ending(days: set[_dt.date], last: _dt.date) -> int:
    numbers = {day.toordinal() for day in days}
    length = 0
    while last.toordinal() - length in numbers:
        length += 1
    return length


def _streak_problems(
    doc: Document,
    streaks: Mapping[str, Any],
    dates: list[_dt.date],
    history: Any,
    *,
    complete: bool = True,
) -> list[Problem]:
    problems: list[Problem] = []
    current, longest = streaks.get("current_days"), streaks.get("longest_days")
    total, last = streaks.get("total_writing_days"), streaks.get("last_write_date")
    reported: set[str] = set()

    def add(key: str, message: str) -> None:
        if key not in reported:  # one problem per number is enough
            reported.add(key)
            problems.append(
                _problem(
                    doc, ("streaks", key), message, "run `draftforge stats` to rebuild the file"
                )
            )

    if _is_int(current) and _is_int(longest) and current > longest:
        add(
            "current_days",
            f"the current streak ({_days(current)}) is longer than the longest ({_days(longest)})",
        )
    if _is_int(longest) and _is_int(total) and longest > total:
        add(
            "longest_days",
            f"the longest streak ({_days(longest)}) is longer than the number of writing "
            f"days ({total})",
        )
    if last is None:
        for key, value in (
            ("current_days", current),
            ("longest_days", longest),
            ("total_writing_days", total),
        ):
            if _is_int(value) and value > 0:
                add(key, f"`{key}` is {value}, but there is no last writing day")
    if not isinstance(history, list) or not history or len(dates) != len(history):
        return problems  # no history, or dates the schema refused: nothing to compare with
    days = set(dates)
    if _is_int(total) and total > len(history):
        entries = f"{len(history)} entr{'ies' if len(history) != 1 else 'y'}"
        add("total_writing_days", f"{_days(total)} of writing, but the history has only {entries}")
    if complete and _is_int(longest) and longest > _longest_run(days):
        add(
            "longest_days",
            f"a longest streak of {_days(longest)}, but the history has at most "
            f"{_days(_longest_run(days))} in a row",
        )
    if isinstance(last, str):
        try:
            last_day = _dt.date.fromisoformat(last)
        except ValueError:
            return problems
        if last_day not in days:
            add("last_write_date", f"{last} is not a date in the history")
        elif complete and _is_int(current) and current > _run_ending(days, last_day):
            add(
                "current_days",
                f"a current streak of {_days(current)}, but the history has "
                f"{_days(_run_ending(days, last_day))} in a row up to {last}",
            )
    return problems
