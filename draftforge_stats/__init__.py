"""DraftForge Stats: writing-progress statistics kept in an author's own Git repository.

The public API is small and loaded lazily, so `draftforge --version` starts fast (this
module imports nothing, not even `typing`):

- :func:`run_stats` computes a project's stats and updates `.draftforge/stats.json`;
- :func:`count_markdown` applies the counting rules to one Markdown text;
- :func:`verify_webhook` checks a signed webhook on the receiving side;
- :class:`DraftForgeError` is the base of every error the package raises on purpose.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)

__version__ = "0.1.0"

_EXPORTS = {
    "DraftForgeError": "errors",
    "count_markdown": "counting",
    "run_stats": "pipeline",
    "verify_webhook": "webhook.signing",
}

__all__ = ["DraftForgeError", "__version__", "count_markdown", "run_stats", "verify_webhook"]

if TYPE_CHECKING:
    from .counting import count_markdown
    from .errors import DraftForgeError
    from .pipeline import run_stats
    from .webhook.signing import verify_webhook


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
