"""DraftForge Stats: writing-progress statistics kept in an author's own Git repository."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
