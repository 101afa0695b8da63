"""Everything the package asks of git. The only module that imports GitPython.

The rest of the package sees plain data: commit ids, dates, paths and blob ids.

History is read from the object database, never by checking out old commits: one
`git log --raw` process lists every first-parent commit with the blobs it changed,
`git ls-tree` lists the blobs of one commit, and one long-lived `git cat-file --batch`
process (:class:`BlobReader`) hands over blob contents in batches.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO

import git

from .errors import GitError

#: Options that keep `git log` output machine-readable whatever the user's configuration.
_LOG_OPTIONS = (
    "--no-color",
    "--no-show-signature",
    "--no-renames",
    "--no-abbrev",
    "--no-ext-diff",
    "--no-textconv",
)
#: How many object ids are written to `git cat-file --batch` before its answers are read.
#: 64 ids are ~2.6 KB, far below any pipe buffer, so writing never blocks while git waits
#: for us to read (the deadlock of a naive "write everything, then read").
BLOB_BATCH = 64
#: File modes of the tree entries that are files with text in them (not symlinks, not
#: submodules).
FILE_MODES = frozenset({"100644", "100755"})


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    authored_at: datetime  # aware, in the author's own offset


@dataclass(frozen=True)
class RawChange:
    """One path a commit changed against its first parent (from `git log --raw`)."""

    path: str  # repository-relative, POSIX
    status: str  # "A" added, "M" modified, "D" deleted, "T" type changed
    mode: str  # the new mode ("000000" when deleted)
    blob: str  # the new blob id (all zeros when deleted)

    @property
    def is_file(self) -> bool:
        """True when the path holds a regular file after the commit."""
        return self.status != "D" and self.mode in FILE_MODES


@dataclass(frozen=True)
class RawCommit:
    """One first-parent commit and what it changed."""

    sha: str
    parents: tuple[str, ...]  # as git sees them: none for a root or a shallow boundary
    authored_at: datetime  # aware, in the author's own offset
    changes: tuple[RawChange, ...]


@dataclass(frozen=True)
class TreeEntry:
    path: str  # repository-relative, POSIX
    mode: str
    blob: str


class Repository:
    """A git repository, opened from any folder inside its working tree."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        if repo.working_tree_dir is None:
            raise GitError(f"{repo.git_dir} is a bare repository; run inside a clone.")
        self.root = Path(repo.working_tree_dir).resolve()
        git_dir = Path(repo.git_dir).resolve()
        self.git_dir = git_dir
        self.common_dir = Path(repo.common_dir).resolve()
        # Pin where git looks, so variables inherited from a hook or a CI step
        # (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE) cannot point it elsewhere.
        self._pinned = {
            "GIT_DIR": str(git_dir),
            "GIT_WORK_TREE": str(self.root),
            "GIT_INDEX_FILE": str(git_dir / "index"),
            "GIT_OPTIONAL_LOCKS": "0",
        }
        repo.git.update_environment(**self._pinned)

    @classmethod
    def find(cls, path: Path) -> Repository | None:
        """The repository containing `path`, or None when it is not inside one."""
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        except git.GitCommandError as exc:  # e.g. "dubious ownership"
            raise GitError(f"git cannot open {path}: {exc.stderr.strip()}") from None
        return cls(repo)

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run a git command in this repository and return its output.

        `env` adds variables for this one command (never put secrets in `args`).
        """
        try:
            out: str = self._repo.git.execute(
                ["git", *args], strip_newline_in_stdout=False, env=dict(env) if env else None
            )
        except git.GitCommandError as exc:
            raise GitError(f"`git {args[0]}` failed: {_stderr(exc)}") from None
        return out

    def _git_bytes(self, *args: str, check: bool = True) -> tuple[int, bytes]:
        """Run git; its exit status and raw standard output (raises on failure if `check`)."""
        status, out, err = self._repo.git.execute(
            ["git", *args],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
        if check and status != 0:
            message = str(err or "").strip() or f"exit code {status}"
            raise GitError(f"`git {args[0]}` failed: {message}")
        return status, out

    def head(self) -> CommitInfo | None:
        """HEAD's commit, or None in a repository with no commits yet."""
        # One plain `git log`: GitPython's object readers would leave git processes behind.
        status, out = self._git_bytes(
            "log", "-1", "--no-show-signature", "--format=%H %aI", "HEAD", "--", check=False
        )
        fields = out.decode("ascii", "replace").split()
        if status != 0 or len(fields) != 2:
            return None  # no commits yet
        return CommitInfo(fields[0], datetime.fromisoformat(fields[1]))

    # ------------------------------------------------------------------ facts

    @functools.cached_property
    def object_format(self) -> str:
        """`sha1` or `sha256`: how this repository names its objects (read once: it is
        asked for every file whose blob id is computed)."""
        reader = self._repo.config_reader("repository")
        value = reader.get_value("extensions", "objectformat", "sha1")
        return str(value).lower()

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

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when commit `ancestor` is `descendant` or one of its ancestors (False when
        either is unknown)."""
        status, _ = self._git_bytes(
            "merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant, check=False
        )
        return status == 0

    def author_date(self, sha: str) -> datetime | None:
        """The author date of commit `sha` in the author's offset, or None when it is unknown."""
        status, out = self._git_bytes(
            "log", "-1", "--no-show-signature", "--format=%aI", "--end-of-options", sha, check=False
        )
        text = out.decode("ascii", "replace").strip()
        if status != 0 or not text:
            return None
        return datetime.fromisoformat(text)

    # ---------------------------------------------------------------- history

    def first_parent_log(self, since: str | None = None) -> list[RawCommit]:
        """Every first-parent commit of HEAD, oldest first, with the files it changed.

        `since` (a commit id) leaves out that commit and everything before it. A merge
        shows what it changed against its first parent (merged branches arrive on the day
        of their merge); a root commit, and the first commit of a shallow clone, show all
        their files as added. Renames are a deletion plus an addition of the same blob.
        """
        revisions = ["HEAD"] if since is None else ["HEAD", f"^{since}"]
        _, out = self._git_bytes(
            "log",
            "--first-parent",
            "--reverse",
            "--raw",
            "-z",
            "--root",
            "--diff-merges=first-parent",
            *_LOG_OPTIONS,
            "--format=%x1e%H %P%x00%aI",
            "--end-of-options",
            *revisions,
            "--",
        )
        return parse_raw_log(out)

    def tree(self, commit: str) -> list[TreeEntry]:
        """Every file of commit `commit` (recursively), without reading any blob."""
        _, out = self._git_bytes("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit)
        entries: list[TreeEntry] = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, _kind, blob = meta.decode("ascii").split(" ")
            entries.append(TreeEntry(os.fsdecode(name), mode, blob))
        return entries

    def blobs(self) -> BlobReader:
        """A reader of blob contents through one `git cat-file --batch` process."""
        env = {**os.environ, **self._pinned}
        return BlobReader(["git", "cat-file", "--batch"], cwd=self.root, env=env)

    def last_modified(self, paths: list[str]) -> dict[str, datetime]:
        """For each repository-relative path, the author date of the last first-parent commit
        that changed it (the same rule as the history walk); paths never committed are left out.
        """
        wanted = set(paths)
        found: dict[str, datetime] = {}
        if not wanted or self.head() is None:
            return found
        output = self.git(
            "log", "--first-parent", "--diff-merges=first-parent", *_LOG_OPTIONS, "-z",
            "--format=%x1e%aI", "--name-only", "HEAD", "--",
            *sorted({p.rsplit("/", 1)[0] if "/" in p else p for p in wanted}),
        )  # fmt: skip
        for record in output.split("\x1e"):
            if not record:
                continue
            date_text, _, names = record.partition("\n")
            when = datetime.fromisoformat(date_text.strip("\0").strip())
            for name in names.strip("\n").split("\0"):
                name = name.strip("\n")
                if name in wanted and name not in found:
                    found[name] = when
            if len(found) == len(wanted):
                break
        return found


def parse_raw_log(out: bytes) -> list[RawCommit]:
    """Parse `git log --raw -z --format=%x1e%H %P%x00%aI` output.

    Read as a stream of NUL-separated fields: a header (`\\x1e<sha> <parents>`), the date,
    then pairs of (`:<modes> <blobs> <status>`, path) until the next header. A path is
    always taken whole after its metadata, so no byte in a file name can confuse it.
    """
    fields = out.split(b"\0")
    commits: list[RawCommit] = []
    i = 0
    count = len(fields)
    while i < count:
        token = fields[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        if not token.startswith(b"\x1e"):
            raise GitError(f"unexpected `git log` output near {token[:60]!r}")
        ids = token[1:].decode("ascii").split()
        date = datetime.fromisoformat(fields[i].decode("ascii").strip())
        i += 1
        changes: list[RawChange] = []
        while i < count:
            meta = fields[i].lstrip(b"\n")
            if not meta.startswith(b":"):
                break
            _old_mode, new_mode, _old_blob, new_blob, status = meta[1:].decode("ascii").split()
            path = os.fsdecode(fields[i + 1])
            i += 2
            changes.append(RawChange(path, status[:1], new_mode, new_blob))
        commits.append(RawCommit(ids[0], tuple(ids[1:]), date, tuple(changes)))
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
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout
        finished = False
        try:
            yield from self._exchange(stdin, stdout, ids)
            finished = True
        finally:
            if not finished:
                # Answers may be left in the pipe: this process cannot be trusted again.
                self.close(kill=True)

    @staticmethod
    def _exchange(
        stdin: IO[bytes], stdout: IO[bytes], ids: Sequence[str]
    ) -> Iterator[tuple[str, bytes]]:
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
                    raise GitError(f"`git cat-file` could not read blob {oid}: {what}")
                size = int(header[2])
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


def _stderr(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or "").strip()
    # GitPython wraps git's message as `stderr: '...'`: remove that wrapping, not git's quotes.
    text = text.removeprefix("stderr:").strip()
    if text.startswith("'") and text.endswith("'"):
        text = text[1:-1]
    text = text.strip()
    return text or f"exit code {exc.status}"


def run_git(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run git outside any opened repository (`git config --global ...`, `git clone ...`)."""
    try:
        out: str = git.Git(str(cwd)).execute(
            ["git", *args], strip_newline_in_stdout=False, env=dict(env) if env else None
        )
    except git.GitCommandError as exc:
        raise GitError(f"`git {args[0]}` failed: {_stderr(exc)}") from None
    return out
