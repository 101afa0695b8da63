"""The fixed names of a DraftForge project: its `.draftforge/` files, default folders, types.

One list of each, used by the config model, the scaffolds, the validator, the pipeline and
the Action; a test checks that they agree with every schema enum and with the scaffolds.
Also the one rule for which files are this tool's own output. Pure data: no I/O.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

DRAFTFORGE_DIR = ".draftforge"
"""The project's folder for DraftForge's files, at the project's root."""

CONFIG_FILE = Path(DRAFTFORGE_DIR) / "config.yml"
STATS_FILE = Path(DRAFTFORGE_DIR) / "stats.json"
AGENT_RUNS_DIR = Path(DRAFTFORGE_DIR) / "agent-runs"
SCHEMAS_DIR = Path(DRAFTFORGE_DIR) / "schemas"
"""Where a project keeps its copy of the schemas (editors read them offline)."""
PROGRESS_FILE = Path(DRAFTFORGE_DIR) / "progress.svg"
CALENDAR_FILE = Path(DRAFTFORGE_DIR) / "calendar.svg"
BADGE_FILE = Path(DRAFTFORGE_DIR) / "badge.json"
IMAGE_FILES = (PROGRESS_FILE, CALENDAR_FILE, BADGE_FILE)
"""Every picture of the stats the tool may write (see :mod:`.images`), in their fixed order.
Inside `.draftforge/`, so :func:`is_own_path` counts them among the tool's own files."""

DEFAULT_CHAPTERS = "chapters"
DEFAULT_MANUSCRIPT = "manuscript"

ProjectType = Literal[
    "novel", "screenplay", "technical-book", "non-fiction", "poetry", "short-story"
]
PROJECT_TYPES: tuple[str, ...] = get_args(ProjectType)
DEFAULT_PROJECT_TYPE: ProjectType = "novel"

#: Which branches notify the DraftForge API (the Action's `notify-branches` input,
#: `draftforge notify --branches`): the default branch only, or all.
NOTIFY_BRANCHES = ("default", "all")

#: Files inside `.draftforge/` that do change the stats, so they are never this tool's own.
NOT_OWN_FILES = frozenset({CONFIG_FILE.name})


def is_own_path(path: str, project_prefix: str) -> bool:
    """True for a file this tool itself maintains: inside the project's `.draftforge/`,
    except the config (which changes what the stats say). `path` is relative to the
    repository's root, `project_prefix` the project's folder there (`""` or `"book/"`)."""
    folder = f"{project_prefix}{DRAFTFORGE_DIR}/"
    return path.startswith(folder) and path[len(folder) :] not in NOT_OWN_FILES
