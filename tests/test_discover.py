"""Which files count: chapters, manuscript files, natural order, globs, hidden files, links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from draftforge_stats.config import Config, StatsSettings, StructureConfig
from draftforge_stats.discover import FileSelector, Kind, discover, natural_key
from draftforge_stats.errors import ManuscriptError
from draftforge_stats.globs import compile_glob


def selector(**stats: object) -> FileSelector:
    return FileSelector.from_config(Config(stats=StatsSettings.model_validate(stats)))


def test_natural_order() -> None:
    paths = [
        "chapters/10-x.md",
        "chapters/2-x.md",
        "chapters/1-x.md",
        "chapters/part-10/1.md",
        "chapters/part-2/1.md",
        "chapters/Appendix.md",
    ]
    assert sorted(paths, key=natural_key) == [
        "chapters/1-x.md",
        "chapters/2-x.md",
        "chapters/10-x.md",
        "chapters/Appendix.md",
        "chapters/part-2/1.md",
        "chapters/part-10/1.md",
    ]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("chapters/01-a.md", Kind.CHAPTER),
        ("chapters/part-one/01-a.markdown", Kind.CHAPTER),
        ("chapters/NOTES.MD", Kind.CHAPTER),
        ("chapters/01-a.txt", None),
        ("chapters/.hidden.md", None),
        ("chapters/.drafts/01.md", None),
        ("manuscript/outline.md", Kind.MANUSCRIPT),
        ("README.md", None),
        ("chapters-old/01.md", None),
    ],
)
def test_classify_defaults(path: str, kind: Kind | None) -> None:
    assert selector().classify(path) is kind


def test_include_and_exclude_globs() -> None:
    sel = selector(
        include=["chapters/**/*.md", "manuscript/outline.md"], exclude=["chapters/drafts"]
    )
    assert sel.classify("chapters/01.md") is Kind.CHAPTER
    assert sel.classify("chapters/part/02.md") is Kind.CHAPTER
    assert sel.classify("chapters/drafts/03.md") is None
    assert sel.classify("manuscript/outline.md") is Kind.MANUSCRIPT
    assert sel.classify("manuscript/notes.md") is None


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("chapters/*.md", "chapters/a.md", True),
        ("chapters/*.md", "chapters/part/a.md", False),
        ("chapters/**/*.md", "chapters/a.md", True),
        ("chapters/**/*.md", "chapters/p/q/a.md", True),
        ("**/draft-*", "chapters/p/draft-1.md", True),
        ("chapters/0?-*.md", "chapters/01-a.md", True),
        ("chapters/0?-*.md", "chapters/001-a.md", False),
        ("chapters/[!0]*.md", "chapters/1.md", True),
        ("chapters/[!0]*.md", "chapters/01.md", False),
    ],
)
def test_glob(pattern: str, path: str, matches: bool) -> None:
    assert compile_glob(pattern).matches(path) is matches


def test_discover_walks_tree_and_skips_links_outside(tmp_path: Path) -> None:
    root = tmp_path / "book"
    (root / "chapters" / "part-2").mkdir(parents=True)
    (root / "chapters" / ".trash").mkdir()
    (root / "manuscript").mkdir()
    for rel in [
        "chapters/10-c.md",
        "chapters/2-b.md",
        "chapters/part-2/1-d.md",
        "chapters/.trash/x.md",
        "chapters/.hidden.md",
        "chapters/notes.txt",
        "manuscript/outline.md",
    ]:
        (root / rel).write_text("words", encoding="utf-8")
    outside = tmp_path / "secret.md"
    outside.write_text("secret", encoding="utf-8")
    os.symlink(outside, root / "chapters" / "3-link.md")
    os.symlink(root / "chapters" / "2-b.md", root / "chapters" / "4-inside.md")

    found = discover(root, selector())
    assert found.chapters == [
        "chapters/2-b.md",
        "chapters/4-inside.md",
        "chapters/10-c.md",
        "chapters/part-2/1-d.md",
    ]
    assert found.manuscript == ["manuscript/outline.md"]
    assert found.warnings == [
        "chapters/3-link.md: symbolic link to a file outside the project folder; not counted"
    ]


def test_missing_chapters_directory_says_how_to_configure(tmp_path: Path) -> None:
    sel = FileSelector.from_config(Config(structure=StructureConfig(chapters_directory="book")))
    with pytest.raises(ManuscriptError) as info:
        discover(tmp_path, sel)
    message = str(info.value)
    assert "`book` does not exist" in message
    assert "structure.chapters_directory" in message
