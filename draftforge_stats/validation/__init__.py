"""`draftforge validate`, the library side: its names (this `__all__`), loaded on first use.

What a validation does is in :mod:`draftforge_stats.validation.files`; this package only
names it, so that a stats run, which needs only the documents and the schemas modules of
this package (to read front matter, to check its own file), does not load the rest (the
file kinds, the discovery of what to check). Pure: no I/O.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from draftforge_stats.errors import UnknownFileKindError
    from draftforge_stats.names import AGENT_RUNS_DIR
    from draftforge_stats.validation.files import (
        CONFIG_PATH,
        STATS_PATH,
        FileKind,
        FileResult,
        ValidationResult,
        kind_of,
        project_files,
        validate,
        validate_file,
    )

__all__ = [
    "AGENT_RUNS_DIR",
    "CONFIG_PATH",
    "STATS_PATH",
    "FileKind",
    "FileResult",
    "UnknownFileKindError",
    "ValidationResult",
    "kind_of",
    "project_files",
    "validate",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.files"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
