"""The count cache's fingerprint reads the Markdown parser's version without loading
`importlib.metadata`, and gets the very version `importlib.metadata` gives."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from draftforge_stats.history import cache


def test_the_versions_read_beside_the_modules_are_importlib_metadata_s() -> None:
    for name, module in (("markdown-it-py", "markdown_it"), ("mdit-py-plugins", "mdit_py_plugins")):
        assert cache._installed_version(name, module) == importlib.metadata.version(name)


def test_a_module_without_a_dist_info_beside_it_asks_importlib_metadata() -> None:
    assert cache._installed_version("no-such-distribution", "no_such_module") == "unknown"
    assert cache._installed_version("pytest", "json") == importlib.metadata.version("pytest")


def test_the_version_is_read_from_the_metadata_header_only(tmp_path: Path) -> None:
    metadata = tmp_path / "METADATA"
    metadata.write_text("Metadata-Version: 2.1\nName: x\nVersion: 1.2.3\n\nVersion: 9\n", "utf-8")
    assert cache._metadata_version(metadata) == "1.2.3"
    metadata.write_text("Name: x\n\nVersion: 9\n", "utf-8")
    assert cache._metadata_version(metadata) is None
    assert cache._metadata_version(tmp_path / "missing") is None
