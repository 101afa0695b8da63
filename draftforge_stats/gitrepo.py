"""Everything the package asks of git: the one module that talks to git.

The rest of the package sees plain data: commit ids, dates, paths and blob ids.

Which tool for what:

* every command is a plain `git` process (no GitPython: importing it alone cost more than
  a push update's own git work): one `git rev-parse` finds the repository
  (`Repository.find`: the work tree, the git folder, a worktree's common folder, the object
  format); references and the rest are git commands (`Repository.git`); one `git log --raw`
  lists every commit reachable from HEAD with the blobs it changed, `git rev-list
  --parents` gives every commit's parents, one `git diff-tree --stdin` what merges changed
  against their other parents, `git ls-tree` lists the blobs of one commit, and
  one long-lived `git cat-file --batch` process (:class:`BlobReader`) hands over blob
  contents in batches (GitPython's object readers would leave git processes behind).
  History is read from the object database, never by checking out old commits.

The date of a commit has one rule: git's raw author and committer dates (`--date=raw`,
:data:`_DATES`) read by :func:`.gitdates.commit_date` (the author date in the author's own
offset, else the committer date), so a commit whose date git cannot show never stops a run;
the committer date alone (:meth:`Repository.committer_date`) is read the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .errors import GitError, GitNotFoundError
from .gitdates import RAW_DATE, commit_date, parse_raw_date
from .records import dataclass


def _require_git() -> None:
    """Raise :class:`GitNotFoundError` when there is no `git` command (counting outside a
    repository needs none, so this is asked only when git is needed)."""
    import shutil  # late: with its archive modules, 2 to 3 ms a run for one `which`

    if shutil.which("git") is None:
        raise GitNotFoundError(
            "git is not installed, or not on PATH: install git (2.31 or newer) and run again."
        )


#: Variables that tell git where a repository is: inherited from a hook or a CI step, they
#: would point git elsewhere than the folder asked about, so they are removed.
_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
#: git's messages in English whatever the locale, so errors read the same everywhere.
_C_LOCALE = {"LANGUAGE": "C", "LC_ALL": "C"}


#: A fetch never waits for a password typed at a terminal (the run would hang in CI).
_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


def _environment(*extra: Mapping[str, str] | None) -> dict[str, str]:
    """The environment of a git command: ours without the location variables, in the C
    locale, with `extra` added."""
    env = {k: v for k, v in os.environ.items() if k not in _LOCATION_VARIABLES}
    env.update(_C_LOCALE)
    for more in extra:
        if more:
            env.update(more)
    return env


def _call(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], given: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` (output captured; `given` on its standard input, else none); a git
    that cannot start is a GitError."""
    stdin: dict[str, Any] = {"input": given} if given is not None else {"stdin": subprocess.DEVNULL}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=dict(env), capture_output=True, check=False, **stdin
        )
    except OSError as exc:
        raise GitError(f"cannot run git in {cwd}: {exc.strerror or exc}") from None


class _Started:
    """A git command started in the background, its output going to temporary files (a
    pipe nobody reads yet would stop git once it is full)."""

    def __init__(self, args: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
        import tempfile  # late: only a push update starts one

        self.args = list(args)
        # Closed by `result` or `stop`, which outlive this method (ruff 0.6, the lowest CI
        # runs, does not flag these lines: hence RUF100 too).
        self._out = tempfile.TemporaryFile()  # noqa: SIM115, RUF100
        self._err = tempfile.TemporaryFile()  # noqa: SIM115, RUF100
        try:
            self._process = subprocess.Popen(
                ["git", *args],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=self._out,
                stderr=self._err,
            )
        except OSError as exc:
            self._close()
            raise GitError(f"cannot run git in {cwd}: {exc.strerror or exc}") from None

    def result(self) -> subprocess.CompletedProcess[bytes]:
        """Wait for the command; what it wrote, as :func:`subprocess.run` gives it."""
        try:
            code = self._process.wait()
            self._out.seek(0)
            self._err.seek(0)
            return subprocess.CompletedProcess(
                ["git", *self.args], code, self._out.read(), self._err.read()
            )
        finally:
            self._close()

    def stop(self) -> None:
        """End the command (if it still runs) and forget its output."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._close()

    def _close(self) -> None:
        self._out.close()
        self._err.close()


def _failure(args: Sequence[str], done: subprocess.CompletedProcess[bytes]) -> GitError:
    message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
    return GitError(f"`git {args[0]}` failed: {message}")


def _text(data: bytes) -> str:
    """git's output as text (bytes that are not UTF-8 are kept as surrogates, as
    :func:`os.fsdecode` keeps them in file names)."""
    return data.decode("utf-8", "surrogateescape")


#: Options that keep `git log` output machine-readable whatever the user's configuration.
_LOG_OPTIONS = (
    "--no-color",
    "--no-show-signature",
    "--no-renames",
    "--no-abbrev",
    "--no-ext-diff",
    "--no-textconv",
)
#: The author and committer dates as `--date=raw` prints them (see :mod:`.gitdates`).
_DATES = "%ad%x00%cd"


def _committed_entry(path: str) -> tuple[str, ...]:
    """The command that lists `path` as HEAD holds it (:meth:`Repository.committed_file`)."""
    # `git ls-tree` takes no `--`: it would be one more path (a file named `--`).
    return ("--literal-pathspecs", "ls-tree", "-l", "-z", "--full-tree", "--end-of-options",
            "HEAD", path)  # fmt: skip


#: The command of :meth:`Repository.graph`.
_GRAPH = (
    "log", "--topo-order", "--reverse", "-z", "--no-color", "--no-show-signature",
    "--date=raw", f"--format=%x1e%H %P%x00{_DATES}", "--end-of-options", "HEAD", "--",
)  # fmt: skip
#: How many object ids are written to `git cat-file --batch` before its answers are read.
#: 64 ids are ~2.6 KB, far below any pipe buffer, so writing never blocks while git waits
#: for us to read (the deadlock of a naive "write everything, then read").
BLOB_BATCH = 64
#: File modes of the tree entries that are files with text in them (not symlinks, not
#: submodules).
FILE_MODES = frozenset({"100644", "100755"})


@dataclass(frozen=True)
class CommitInfo:
    """A commit's id and its author date."""

    sha: str
    authored_at: datetime | None  # aware, in the author's own offset (see .gitdates)


@dataclass(frozen=True)
class RawChange:
    """One path a commit changed against its first parent (from `git log --raw`)."""

    path: str  # repository-relative, POSIX
    status: str  # "A" added, "M" modified, "D" deleted, "T" type changed
    mode: str  # the new mode ("000000" when deleted)
    blob: str  # the new blob id (all zeros when deleted)
    old_mode: str = "000000"  # the mode before ("000000" when added)
    old_blob: str = ""  # the blob id before (all zeros when added)

    @property
    def is_file(self) -> bool:
        """True when the path holds a regular file after the commit."""
        return self.status != "D" and self.mode in FILE_MODES

    @property
    def was_file(self) -> bool:
        """True when the path held a regular file before the commit."""
        return self.status != "A" and self.old_mode in FILE_MODES


IMPORT_TRAILER = "DraftForge"
"""The commit-message trailer key that marks a commit (`DraftForge: import`)."""


@dataclass(frozen=True)
class RawCommit:
    """One commit and what it changed against its first parent."""

    sha: str
    parents: tuple[str, ...]  # as git sees them: none for a root or a shallow boundary
    authored_at: datetime | None  # aware, in the author's own offset; None: no usable date
    changes: tuple[RawChange, ...]
    date_problem: str | None = None  # what was odd about its date (see .gitdates)
    committed_at: datetime | None = None  # aware; None when not read or not usable
    is_import: bool = False
    """The message has the trailer `DraftForge: import` (git's trailer rules)."""


#: The author dates (seconds since 1970) :attr:`GraphCommit.author_seconds` gives: far
#: inside what :func:`.gitdates.parse_raw_date` reads as that very moment.
_PLAIN_SECONDS = range(250_000_000_000)


@dataclass(frozen=True)
class GraphCommit:
    """One commit of :meth:`Repository.graph`: its id, its parents and its dates as git
    prints them (`--date=raw`), read into datetimes only when asked for: a push update looks
    at the dates of a few commits of a long history."""

    sha: str
    parents: tuple[str, ...]
    author_raw: str
    committer_raw: str

    @cached_property
    def authored_at(self) -> datetime | None:
        """As :attr:`RawCommit.authored_at`."""
        return commit_date(self.author_raw, self.committer_raw).moment

    @cached_property
    def committed_at(self) -> datetime | None:
        """As :attr:`RawCommit.committed_at`."""
        return parse_raw_date(self.committer_raw)[0]

    @property
    def author_seconds(self) -> int | None:
        """The author date in seconds since 1970 when it is a plain one (then
        :attr:`authored_at` is that moment); None when reading it needs more care."""
        match = RAW_DATE.fullmatch(self.author_raw.strip())
        if match is None:
            return None
        seconds = int(match.group(1))
        return seconds if seconds in _PLAIN_SECONDS else None


#: One commit of :meth:`Repository.graph`'s output: the ids, the author and committer dates.
_GRAPH_COMMIT = re.compile(rb"\n*\x1e([0-9a-f ]+)\0([^\0]*)\0([^\0]*)\0?")


def parse_graph(out: bytes) -> list[GraphCommit]:
    """Parse `git log -z --date=raw --format=%x1e%H %P%x00%ad%x00%cd` output (no changes):
    one search a commit (a long history has thousands); anything else in it is an error."""
    commits: list[GraphCommit] = []
    pos = 0
    match = _GRAPH_COMMIT.match
    while pos < len(out):
        found = match(out, pos)
        if found is None:
            if not out[pos:].strip(b"\n\0"):
                break  # the line end after the last commit
            raise GitError(f"unexpected `git log` output near {out[pos : pos + 60]!r}")
        ids, author, committer = found.groups()
        sha, *parents = ids.decode("ascii").split()
        commits.append(
            GraphCommit(sha, tuple(parents), author.decode("ascii", "replace"),
                        committer.decode("ascii", "replace"))
        )  # fmt: skip
        pos = found.end()
    return commits


def _header(fields: Sequence[bytes], i: int) -> tuple[int, list[str], str, str] | None:
    """The commit header of `git log -z` output at `fields[i]` (`\\x1e<sha> <parents>`, then
    the raw author and committer dates): the index after it, the ids, the two dates; None
    for an empty field (a line end between commits)."""
    token = fields[i].lstrip(b"\n")
    if not token:
        return None
    if not token.startswith(b"\x1e"):
        raise GitError(f"unexpected `git log` output near {token[:60]!r}")
    ids = token[1:].decode("ascii").split()
    author = fields[i + 1].decode("ascii", "replace") if i + 1 < len(fields) else ""
    committer = fields[i + 2].decode("ascii", "replace") if i + 2 < len(fields) else ""
    return i + 3, ids, author, committer


@dataclass(frozen=True)
class TreeEntry:
    """A file of a commit's tree: its path, mode and blob."""

    path: str  # repository-relative, POSIX
    mode: str
    blob: str


def _unopenable(top: Path) -> GitError:
    """The error for a `.git` that git cannot open as a repository."""
    return GitError(
        f"{top / '.git'} is there, but git cannot open it as a repository (a clone or "
        "worktree that was moved or damaged?): repair it (`git worktree repair`, or "
        "clone again), or remove it if the folder is not meant to be in git."
    )


class Repository:
    """A git repository, opened from any folder inside its working tree."""

    def __init__(self, root: Path, git_dir: Path, common_dir: Path, object_format: str) -> None:
        self.root = root.resolve()
        self.git_dir = git_dir = git_dir.resolve()
        self.common_dir = common_dir.resolve()
        self.object_format = object_format
        """`sha1` or `sha256`: how this repository names its objects."""
        # Pin where git looks, so variables inherited from a hook or a CI step
        # (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE) cannot point it elsewhere.
        self._pinned = {
            "GIT_DIR": str(git_dir),
            "GIT_WORK_TREE": str(self.root),
            "GIT_INDEX_FILE": str(git_dir / "index"),
            "GIT_OPTIONAL_LOCKS": "0",
        }
        self._started: dict[tuple[str, ...], _Started] = {}

    @classmethod
    def find(cls, path: Path) -> Repository | None:
        """The repository containing `path`, or None when it is not inside one.

        Without a `git` command: None outside a repository (counting needs no git), and a
        :class:`GitNotFoundError` inside one (its history needs git).
        """
        top = _work_tree_top(path)
        try:
            _require_git()
        except GitNotFoundError:
            if top is None:
                return None
            raise GitNotFoundError(
                f"git is not installed, or not on PATH, but {path} is in a git repository "
                f"({top}) whose history needs it: install git (2.31 or newer) and run again."
            ) from None
        # One process for every fact; the work tree comes last, as it is an error in a
        # bare repository (whose other answers are printed before it).
        done = _call(
            [
                "rev-parse", "--path-format=absolute", "--is-bare-repository", "--git-dir",
                "--git-common-dir", "--show-object-format", "--show-toplevel",
            ],
            cwd=next(f for f in (path.absolute(), *path.absolute().parents) if f.is_dir()),
            env=_environment(),
        )  # fmt: skip
        lines = _text(done.stdout).splitlines()
        if lines[:1] == ["true"] and len(lines) >= 3:
            raise GitError(f"{lines[1]} is a bare repository; run inside a clone.")
        if done.returncode != 0 or len(lines) != 5:
            error = done.stderr.decode("utf-8", "replace").strip()
            if "not a git repository" in error or not error:
                if top is None:
                    return None  # no `.git` here or above: not in a repository
                # A `.git` git cannot open (a moved worktree, an empty folder): counting as
                # if outside git would write a stats file without the history.
                raise _unopenable(top)
            raise GitError(f"git cannot open {path}: {error}")  # e.g. "dubious ownership"
        _, git_dir, common_dir, object_format, root = lines
        if not (Path(git_dir) / "HEAD").is_file() or (
            top is not None and Path(root).resolve() != top.resolve()
        ):
            # git skipped a `.git` it cannot open for a repository further up; nothing may
            # be read from or written into such a folder.
            raise _unopenable(top or Path(root))
        return cls(Path(root), Path(git_dir), Path(common_dir), object_format.strip().lower())

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run a git command in this repository and return its output.

        `env` adds variables for this one command (never put secrets in `args`).
        """
        done = _call(args, cwd=self.root, env=_environment(self._pinned, env))
        if done.returncode != 0:
            raise _failure(args, done)
        return _text(done.stdout)

    def _git_bytes(self, *args: str, check: bool = True) -> tuple[int, bytes]:
        """Run git (or take the output of the same command started before); its exit
        status and raw standard output (raises on failure if `check`)."""
        started = self._started.pop(args, None)
        if started is not None:
            done = started.result()
        else:
            done = _call(args, cwd=self.root, env=_environment(self._pinned))
        if check and done.returncode != 0:
            raise _failure(args, done)
        return done.returncode, done.stdout

    def head(self) -> CommitInfo | None:
        """HEAD's commit, or None in a repository with no commits yet."""
        # One plain `git log`: GitPython's object readers would leave git processes behind.
        status, out = self._git_bytes(
            "log", "-1", "--no-show-signature", "--date=raw", f"--format=%H%x00{_DATES}",
            "HEAD", "--", check=False,
        )  # fmt: skip
        fields = out.decode("ascii", "replace").strip("\n").split("\0")
        if status != 0 or len(fields) != 3 or not fields[0]:
            return None  # no commits yet
        return CommitInfo(fields[0], commit_date(fields[1], fields[2]).moment)

    # ------------------------------------------------------------------ facts

    def hash_blob(self, data: bytes) -> str:
        """The id git gives a blob with exactly these bytes (as `git hash-object` does
        without filters), so a file on disk and a blob in history share cached counts."""
        digest = hashlib.new(self.object_format)
        digest.update(b"blob %d\0" % len(data))
        digest.update(data)
        return digest.hexdigest()

    def shallow_boundaries(self) -> frozenset[str]:
        """The commits whose parents a shallow clone does not have (empty when not shallow).

        This is the file `git rev-parse --is-shallow-repository` looks at.
        """
        try:
            text = (self.common_dir / "shallow").read_text(encoding="ascii")
        except OSError:
            return frozenset()
        return frozenset(line.strip() for line in text.splitlines() if line.strip())

    def has_commit(self, sha: str) -> bool:
        """True when `sha` names a commit this repository has."""
        status, _ = self._git_bytes(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{sha}^{{commit}}", check=False
        )
        return status == 0

    def last_change(self, path: str) -> str | None:
        """The id of the newest commit of HEAD that changed `path` (relative to the top of
        the work tree), or None when there is none."""
        status, out = self._git_bytes(
            "log", "-1", "--format=%H", "--end-of-options", "HEAD", "--", path, check=False
        )
        sha = out.decode().strip() if status == 0 else ""
        return sha or None

    def committed_file(self, path: str, limit: int, *, unless: bytes | None = None) -> bytes | None:
        """The bytes of `path` (relative to the top of the work tree) as HEAD holds it, or
        None when HEAD has no such file, holds exactly the bytes `unless` (the usual case,
        told by the blob id alone, so the blob is not read) or it is larger than `limit`."""
        status, out = self._git_bytes(*_committed_entry(path), check=False)
        entry = out.split(b"\t", 1)[0].split()
        if status != 0 or len(entry) != 4 or entry[1] != b"blob" or not entry[3].isdigit():
            return None  # no commit yet, no such file, or not a file
        blob = entry[2].decode("ascii")
        if int(entry[3]) > limit or (unless is not None and self.hash_blob(unless) == blob):
            return None
        status, out = self._git_bytes("cat-file", "blob", blob, check=False)
        return out if status == 0 else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when commit `ancestor` is `descendant` or one of its ancestors (False when
        either is unknown)."""
        status, _ = self._git_bytes(
            "merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant, check=False
        )
        return status == 0

    def author_date(self, sha: str) -> datetime | None:
        """The date commit `sha` counts on (see :func:`.gitdates.commit_date`: its author
        date in the author's offset), or None when it is unknown or has no usable date."""
        dates = self._raw_dates(sha)
        return commit_date(*dates).moment if dates is not None else None

    def committer_date(self, sha: str) -> datetime | None:
        """The committer date of commit `sha` (when it was last written: a rebase or an amend
        renews it), or None when the commit is unknown. A committer date git cannot show
        gives way to the author date; with neither, the start of 1970."""
        dates = self._raw_dates(sha)
        if dates is None:
            return None
        author, committer = dates
        return (
            parse_raw_date(committer)[0]
            or commit_date(author, committer).moment
            or datetime.fromtimestamp(0, UTC)
        )

    def _raw_dates(self, sha: str) -> tuple[str, str] | None:
        """Commit `sha`'s author and committer dates as `--date=raw` prints them."""
        status, out = self._git_bytes(
            "log", "-1", "--no-show-signature", "--date=raw", f"--format={_DATES}",
            "--end-of-options", sha, check=False,
        )  # fmt: skip
        fields = out.decode("ascii", "replace").strip("\n").split("\0")
        if status != 0 or len(fields) != 2:
            return None
        return fields[0], fields[1]

    # ---------------------------------------------------------------- history

    def log(
        self,
        since: str | None = None,
        *,
        excluding: Sequence[str] = (),
        paths: Sequence[str] = (),
    ) -> list[RawCommit]:
        """Every commit reachable from HEAD, parents before children (`--topo-order`), with
        the files each changed against its first parent, its committer date and whether its
        message marks it as an import (the trailer `DraftForge: import`).

        `since` (a commit id), and each commit of `excluding`, leaves out that commit and
        everything reachable from it. `paths` (repository paths, taken literally) keeps only
        the commits that changed one of them, on every line (`--full-history`: a merge that
        differs from one of its parents too), and only those paths. One `git log` process; a
        root commit, and a shallow clone's boundary, show all their files as added; renames
        are a deletion plus an addition of the same blob.
        """
        left_out = [since] if since is not None else []
        revisions = ["HEAD", *(f"^{sha}" for sha in [*left_out, *excluding])]
        limits = [f":(literal){path}" for path in paths]
        _, out = self._git_bytes(
            "log",
            "--topo-order",
            "--reverse",
            "--raw",
            "-z",
            "--root",
            "--diff-merges=first-parent",
            *_LOG_OPTIONS,
            "--date=raw",
            f"--format=%x1e%H %P%x00{_DATES}%x00"
            f"%(trailers:key={IMPORT_TRAILER},valueonly,unfold,separator=%x1f)",
            *(["--full-history"] if limits else []),
            "--end-of-options",
            *revisions,
            "--",
            *limits,
        )
        return parse_raw_log(out, full=True)

    def graph(self) -> list[GraphCommit]:
        """Every commit reachable from HEAD, parents before children, with its parents and
        dates but without what it changed: one `git log` that computes no difference (about
        as fast as `git rev-list`); the dates are read when asked for. Taken from the
        process :meth:`start_graph` started, if it did."""
        _, out = self._git_bytes(*_GRAPH)
        return parse_graph(out)

    def start_graph(self) -> None:
        """Start the `git log` of :meth:`graph` now, in the background, so that git walks
        the history on another core while this process does other work (a push update
        counts the new version meanwhile); :meth:`graph` then takes its output.
        :meth:`stop_started` ends it if nothing asked for it."""
        self._start(_GRAPH)

    def start_committed_file(self, path: str) -> None:
        """Start, as :meth:`start_graph` does, the `git ls-tree` with which
        :meth:`committed_file` finds `path` in HEAD."""
        self._start(_committed_entry(path))

    def _start(self, args: tuple[str, ...]) -> None:
        if args not in self._started:
            self._started[args] = _Started(args, self.root, _environment(self._pinned))

    def stop_started(self) -> None:
        """End the processes started in the background that nothing asked for."""
        started, self._started = self._started, {}
        for process in started.values():
            process.stop()

    def merge_sides(
        self, merges: Sequence[RawCommit], keep: Callable[[str], bool] | None = None
    ) -> dict[str, list[list[RawChange]]]:
        """What each merge changed against each of its parents after the first, in parent
        order: one `git diff-tree --stdin` for all of them. With `keep`, only the changes of
        the paths it accepts are kept (a merge lists everything the other line changed)."""
        lines = [f"{m.sha} {parent}\n" for m in merges for parent in m.parents[1:]]
        result: dict[str, list[list[RawChange]]] = {m.sha: [] for m in merges}
        if not lines:
            return result
        args = ["diff-tree", "--stdin", "--always", "-r", "-z", "--raw", *_LOG_OPTIONS]
        try:
            done = subprocess.run(
                ["git", *args],
                input="".join(lines).encode("ascii"),
                capture_output=True,
                cwd=self.root,
                env=_environment(self._pinned),
                check=False,
            )
        except OSError as exc:
            raise GitError(f"cannot run git in {self.root}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise _failure(args, done)
        fields = done.stdout.split(b"\0")
        current: list[RawChange] = []
        i = 0
        while i < len(fields):
            token = fields[i].lstrip(b"\n")
            i += 1
            if token.startswith(b":"):
                old_mode, new_mode, old_blob, new_blob, status = token[1:].decode().split()
                path = os.fsdecode(fields[i])
                i += 1
                if keep is None or keep(path):
                    current.append(
                        RawChange(path, status[:1], new_mode, new_blob, old_mode, old_blob)
                    )
            elif token:  # `<merge>`: its changes against the next parent follow
                current = []
                result[token.decode("ascii")].append(current)
        return result

    def tree(self, commit: str, under: str = "") -> list[TreeEntry]:
        """Every file of commit `commit` (recursively), or only those in the folder `under`
        (a path from the top of the work tree, taken literally), without reading any blob."""
        folder = (under,) if under else ()  # after the tree: a path (ls-tree takes no `--`)
        _, out = self._git_bytes(
            "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", "--end-of-options",
            commit, *folder,
        )  # fmt: skip
        entries: list[TreeEntry] = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, _kind, blob = meta.decode("ascii").split(" ")
            entries.append(TreeEntry(os.fsdecode(name), mode, blob))
        return entries

    @cached_property
    def promisor_remote(self) -> str | None:
        """The remote a partial clone (`git clone --filter=blob:none`, actions/checkout's
        `filter:`) gets the objects it lacks from; None for a whole clone, told without
        running git: a partial clone keeps a `.promisor` file beside each pack from it.
        Read once: a run that reads blobs twice (the walk, the stored commit's totals) asks
        twice, and a clone does not become whole or partial by fetching."""
        try:
            packs = os.listdir(self.common_dir / "objects" / "pack")
        except OSError:
            return None
        if not any(name.endswith(".promisor") for name in packs):
            return None
        _, out = self._git_bytes(
            "config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$",
            check=False,
        )  # fmt: skip
        for line in _text(out).splitlines():
            key, _, value = line.partition(" ")
            if key == "extensions.partialclone" and value:
                return value
            if key.endswith(".promisor") and value.lower() in {"true", "yes", "on", "1"}:
                return key.removeprefix("remote.").removesuffix(".promisor")
        return None

    def fetch_missing(self, blobs: Iterable[str]) -> int:
        """Fetch those of `blobs` that a partial clone lacks, all in one `git fetch`, and
        return how many: reading them one by one would make git fetch each on its own (a
        round trip to the server for every version of every chapter). A whole clone has
        them all: nothing is run.

        Raises :class:`GitError`, naming the clone as partial and the fix, when git cannot
        fetch them (no network, the remote gone)."""
        remote = self.promisor_remote
        if remote is None:
            return 0
        wanted = {oid.encode("ascii") for oid in blobs}
        missing = sorted(oid.decode("ascii") for oid in wanted - self._held(wanted))
        if not missing:
            return 0
        # What git itself runs to fetch a promisor's objects, for all of them at once.
        args = (
            "-c", "fetch.negotiationAlgorithm=noop", "fetch", "--no-tags",
            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none",
            "--stdin", "--end-of-options", remote,
        )  # fmt: skip
        given = "".join(f"{oid}\n" for oid in missing).encode("ascii")
        done = _call(args, cwd=self.root, env=_environment(self._pinned, _NO_PROMPT), given=given)
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").splitlines()
            said = [line for line in lines if line.startswith(("fatal: ", "error: "))]
            reason = said[0].partition(": ")[2] if said else f"exit code {done.returncode}"
            raise GitError(
                f"this clone is partial (made with `--filter`) and lacks {len(missing)} "
                f"versions of the chapters; `git fetch` from `{remote}` could not get them "
                f"({reason}). Check the network and the remote, or clone the whole "
                "repository (in actions/checkout, remove `filter:`)."
            )
        return len(missing)

    def _held(self, wanted: set[bytes]) -> set[bytes]:
        """Those of the object ids `wanted` that this clone holds. Asking git for an object
        a partial clone lacks would fetch it, so every object it holds is listed instead
        and read as a stream: memory for `wanted` alone, however large the repository."""
        command = ["git", "cat-file", "--batch-check=%(objectname)", "--batch-all-objects",
                   "--unordered"]  # fmt: skip
        env = _environment(self._pinned)
        try:
            process = subprocess.Popen(
                command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None
        assert process.stdout is not None
        with process:
            return {line for line in map(bytes.rstrip, process.stdout) if line in wanted}

    def blobs(self) -> BlobReader:
        """A reader of blob contents through one `git cat-file --batch` process."""
        env = _environment(self._pinned)
        return BlobReader(["git", "cat-file", "--batch"], cwd=self.root, env=env)


#: The statuses and modes of `git log --raw`, one string each for every change.
_SHARED_STR = {
    value: value for value in ("A", "M", "D", "T", "000000", *FILE_MODES, "120000", "160000")
}


def parse_raw_log(out: bytes, *, full: bool = False) -> list[RawCommit]:
    """Parse `git log --raw -z --date=raw --format=%x1e%H %P%x00%ad%x00%cd` output (with
    `full`, the format of :meth:`Repository.log`: the import trailer's values follow).

    Read as a stream of NUL-separated fields: a header (`\\x1e<sha> <parents>`), the author
    and committer dates (read by :func:`.gitdates.commit_date`, so no date crashes; and the
    trailer values), then pairs of (`:<modes> <blobs> <status>`, path) until the next
    header. A path is always taken whole after its metadata, so no byte in a file name can
    confuse it.
    """
    fields = out.split(b"\0")
    commits: list[RawCommit] = []
    i = 0
    count = len(fields)
    # Paths and modes repeat from commit to commit: one string each keeps a long log small.
    shared: dict[bytes, str] = {}
    one = _SHARED_STR.get
    while i < count:
        header = _header(fields, i)
        if header is None:
            i += 1
            continue
        i, ids, author, committer = header
        when = commit_date(author, committer)
        committed, _ = parse_raw_date(committer)
        is_import = False
        if full:
            values = fields[i].decode("utf-8", "replace").split("\x1f") if i < count else []
            is_import = any(value.strip().lower() == "import" for value in values)
            i += 1
        changes: list[RawChange] = []
        while i < count:
            meta = fields[i].lstrip(b"\n")
            if not meta.startswith(b":"):
                break
            old_mode, new_mode, old_blob, new_blob, status = meta[1:].decode("ascii").split()
            name = fields[i + 1]
            path = shared.get(name)
            if path is None:
                path = shared[name] = os.fsdecode(name)
            i += 2
            kind = status[:1]
            changes.append(
                RawChange(
                    path, one(kind, kind), one(new_mode, new_mode), new_blob,
                    one(old_mode, old_mode), old_blob,
                )
            )  # fmt: skip
        commits.append(
            RawCommit(
                ids[0],
                tuple(ids[1:]),
                when.moment,
                tuple(changes),
                when.problem,
                committed,
                is_import,
            )
        )
    return commits


class BlobReader:
    """Blob contents from one long-lived `git cat-file --batch` process.

    Ids are sent in batches of :data:`BLOB_BATCH` and the answers read in the same order,
    so a thousand blobs cost one process, not a thousand. Use it as a context manager.
    """

    def __init__(self, command: list[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        self._command = command
        self._cwd = cwd
        self._env = dict(env)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    self._command,
                    cwd=self._cwd,
                    env=self._env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError as exc:
                raise GitError(f"cannot run git: {exc}") from None
        return self._process

    def read(self, ids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """Yield `(id, contents)` for each id, in order; a missing object is an error."""
        for oid, data in self.read_bounded(ids, max_size=None):
            assert isinstance(data, bytes)
            yield oid, data

    def read_bounded(
        self, ids: Sequence[str], *, max_size: int | None
    ) -> Iterator[tuple[str, bytes | int]]:
        """Like :meth:`read`, but a blob larger than `max_size` bytes is never held in
        memory: its contents are read past in pieces and its size is yielded instead."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout
        finished = False
        try:
            yield from self._exchange(stdin, stdout, ids, max_size)
            finished = True
        finally:
            if not finished:
                # Answers may be left in the pipe: this process cannot be trusted again.
                self.close(kill=True)

    @staticmethod
    def _exchange(
        stdin: IO[bytes], stdout: IO[bytes], ids: Sequence[str], max_size: int | None
    ) -> Iterator[tuple[str, bytes | int]]:
        for start in range(0, len(ids), BLOB_BATCH):
            chunk = ids[start : start + BLOB_BATCH]
            try:
                stdin.write(b"".join(oid.encode("ascii") + b"\n" for oid in chunk))
                stdin.flush()
            except OSError:
                raise GitError("`git cat-file` stopped unexpectedly") from None
            for oid in chunk:
                header = stdout.readline().split()
                if len(header) != 3:
                    what = b" ".join(header).decode("ascii", "replace") or "no answer"
                    raise GitError(
                        f"`git cat-file` could not read blob {oid} ({what}): the repository "
                        "is damaged or incomplete; `git fsck` lists what is missing, and a "
                        "fresh clone repairs it."
                    )
                size = int(header[2])
                if max_size is not None and size > max_size:
                    left = size
                    while left > 0:
                        piece = stdout.read(min(left, 1 << 20))
                        if not piece:
                            raise GitError(f"`git cat-file` stopped while reading blob {oid}")
                        left -= len(piece)
                    stdout.read(1)
                    yield oid, size
                    continue
                data = stdout.read(size)
                stdout.read(1)  # the newline after the contents
                if len(data) != size:
                    raise GitError(f"`git cat-file` stopped while reading blob {oid}")
                yield oid, data

    def close(self, *, kill: bool = False) -> None:
        """End the git process (`kill` it when answers may still be waiting in the pipe)."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        if kill:
            process.kill()
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _work_tree_top(path: Path) -> Path | None:
    """The nearest folder from `path` upwards that has a `.git` (folder or file), or None."""
    absolute = path.absolute()
    for folder in (absolute, *absolute.parents):
        if (folder / ".git").exists():
            return folder
    return None


def run_git(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run git outside any opened repository (`git config --global ...`, `git clone ...`)."""
    _require_git()
    done = _call(args, cwd=cwd, env=_environment(env))
    if done.returncode != 0:
        raise _failure(args, done)
    return _text(done.stdout)
