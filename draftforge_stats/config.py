"""Step 1 of the pipeline: read `.draftforge/config.yml` into typed settings.

The file is loaded with a safe YAML loader, checked against `schemas/config.schema.yml`
(every problem reported at once, with its line and key path), then turned into records
(:mod:`.records`) that carry the defaults. No config file at all is fine: defaults apply.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, SourceError, UnreadableFileError
from .names import (
    CONFIG_FILE,
    DEFAULT_CHAPTERS,
    DEFAULT_MANUSCRIPT,
    DEFAULT_PROJECT_TYPE,
    ProjectType,
)
from .reading import NOT_OURS, read_regular_file
from .records import Record, field

_SCHEMA = "config.schema.yml"


class _Section(Record, frozen=True):
    """A section of `.draftforge/config.yml`: frozen, with a default for every key."""


class ProjectConfig(_Section, frozen=True):
    """`project:`: the book's name, kind and target."""

    name: str | None = None
    type: ProjectType = DEFAULT_PROJECT_TYPE
    genre: str | None = None
    language: str | None = None
    target_word_count: int | None = None


class StructureConfig(_Section, frozen=True):
    """`structure:`: where the chapters, the manuscript and the assets live."""

    chapters_directory: str = DEFAULT_CHAPTERS
    manuscript_directory: str = DEFAULT_MANUSCRIPT
    assets_directory: str = "assets"


class AgentConfig(_Section, frozen=True):
    """One reviewer under `agents:`."""

    enabled: bool = False
    model: str | None = None
    trigger: str | None = None
    context_window: int | None = None
    auto_comment: bool | None = None
    checks: tuple[str, ...] = ()


class AgentsConfig(_Section, frozen=True):
    """`agents:`: the reviewers' settings."""

    continuity: AgentConfig = AgentConfig()
    style: AgentConfig = AgentConfig()
    timeline: AgentConfig = AgentConfig()
    fact: AgentConfig = AgentConfig()


class CompilationConfig(_Section, frozen=True):
    """`compilation:`: how the book is built."""

    pandoc_template: str = "default"
    include_cover: bool = True
    auto_build_on_tag: bool = False
    formats: tuple[str, ...] = ()


class GithubActionsConfig(_Section, frozen=True):
    """`github_actions:`: which of the workflows run."""

    stats_enabled: bool = True
    compile_enabled: bool = False
    ai_review_enabled: bool = False


class StatsSettings(_Section, frozen=True):
    """This tool's own settings: the `stats:` section."""

    timezone: str | None = None
    day_starts_at: int = 0
    """0 to 23 (the schema's range)."""
    daily_goal: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    count_code_blocks: bool = False
    case_sensitive_globs: bool = False
    deadline: datetime.date | None = None
    """For `project.target_word_count` (YAML gives a date; a quoted string is read too)."""
    writing_days: tuple[str, ...] = ()
    """Weekday names (`monday`...); empty means every day."""
    chapter_targets: dict[str, int] = field(default_factory=dict)
    """Target words by chapter file (project path)."""
    images: bool = True
    badge: bool = False

    def zone(self) -> zoneinfo.ZoneInfo | None:
        """The configured time zone (validated when the config was loaded)."""
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else None


class Config(_Section, frozen=True):
    """The whole of `.draftforge/config.yml`, every section with its defaults."""

    version: str = "1.0"
    project: ProjectConfig = ProjectConfig()
    structure: StructureConfig = StructureConfig()
    agents: AgentsConfig = AgentsConfig()
    compilation: CompilationConfig = CompilationConfig()
    github_actions: GithubActionsConfig = GithubActionsConfig()
    stats: StatsSettings = StatsSettings()
    # Where the settings came from, for messages ("defaults" when there is no file).
    source: str = field(default="defaults", exclude=True)

    def project_name(self, root: Path) -> str:
        """The project's name: `project.name`, else the project folder's name."""
        return self.project.name or root.resolve().name


def load_config(root: Path) -> Config:
    """Read the config of the project at `root`; defaults when it has none.

    Raises :class:`ConfigError` listing every problem (syntax, schema, unknown time zone).
    """
    path = root / CONFIG_FILE
    if not os.path.lexists(path):  # a link to nothing is there, and an error below
        return Config()
    display = CONFIG_FILE.as_posix()
    from .validation.documents import decode_utf8  # late: only for a project with a config

    try:
        text = decode_utf8(read_regular_file(path, within=root, too_large_fix=NOT_OURS), display)
    except UnreadableFileError as exc:
        raise ConfigError(
            f"{display} cannot be read", [Problem(display, f"cannot use the file: {exc}")]
        ) from None
    except SourceError as exc:
        raise ConfigError(exc.summary, exc.problems) from None
    return parse_config(text, display)


def parse_config(text: str, display: str) -> Config:
    """Parse and check the config text; `display` names the file in messages."""
    from .validation.documents import load_yaml

    try:
        document = load_yaml(text, display)
    except SourceError as exc:  # broken YAML or duplicate keys
        raise ConfigError(exc.summary, exc.problems) from None
    from .validation.fastcheck import surely_valid
    from .validation.rules import config_problems
    from .validation.schemas import load_schema

    data: Any = document.data if document.data is not None else {}
    if surely_valid(data, load_schema(_SCHEMA)):
        problems = []  # jsonschema would find nothing: it is not loaded (some 50 ms)
    else:  # it words what is wrong
        from .validation.messages import schema_problems

        problems = schema_problems(document, _SCHEMA)
    problems += config_problems(document, project_root=None)  # an unknown time zone
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
    if problems:
        raise ConfigError(f"{display} is not a valid DraftForge config:", problems)
    config = Config.model_validate(data)
    return config.model_copy(update={"source": display})
