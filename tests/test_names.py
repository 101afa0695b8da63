"""The fixed names in names.py agree with every schema, the config model and the scaffolds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest

from draftforge_stats import names
from draftforge_stats.config import ProjectConfig, StructureConfig
from draftforge_stats.validation.schemas import load_schema

SCAFFOLDS = Path(__file__).resolve().parent.parent / "scaffolds"


def _at(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    node = schema
    for key in keys:
        node = node["properties"][key]
    return node


@pytest.mark.parametrize(
    ("schema", "keys"),
    [
        ("config.schema.yml", ("project", "type")),
        ("stats.schema.json", ("project", "type")),
    ],
)
def test_project_types_are_the_schema_enums(schema: str, keys: tuple[str, ...]) -> None:
    assert tuple(_at(load_schema(schema), *keys)["enum"]) == names.PROJECT_TYPES
    assert len(names.PROJECT_TYPES) == 6


def test_the_config_model_takes_exactly_the_project_types() -> None:
    annotation = ProjectConfig.model_fields["type"].annotation
    assert get_args(annotation) == names.PROJECT_TYPES
    assert ProjectConfig().type == names.DEFAULT_PROJECT_TYPE == "novel"


def test_default_folders_are_the_schema_defaults_and_the_scaffolds() -> None:
    structure = _at(load_schema("config.schema.yml"), "structure")["properties"]
    assert structure["chapters_directory"]["default"] == names.DEFAULT_CHAPTERS == "chapters"
    assert structure["manuscript_directory"]["default"] == names.DEFAULT_MANUSCRIPT
    assert StructureConfig().chapters_directory == names.DEFAULT_CHAPTERS
    assert StructureConfig().manuscript_directory == names.DEFAULT_MANUSCRIPT == "manuscript"
    template = (SCAFFOLDS / "common" / ".draftforge" / "config.yml.tmpl").read_text("utf-8")
    assert f"  chapters_directory: {names.DEFAULT_CHAPTERS}\n" in template
    assert f"  manuscript_directory: {names.DEFAULT_MANUSCRIPT}\n" in template


def test_every_scaffold_type_is_a_project_type_and_only_the_default_has_none() -> None:
    folders = {p.name for p in (SCAFFOLDS / "types").iterdir() if p.is_dir()}
    assert folders <= set(names.PROJECT_TYPES)
    assert set(names.PROJECT_TYPES) - folders == {names.DEFAULT_PROJECT_TYPE}


def test_the_draftforge_files_are_where_the_scaffolds_put_them() -> None:
    assert names.CONFIG_FILE.as_posix() == ".draftforge/config.yml"
    assert names.STATS_FILE.as_posix() == ".draftforge/stats.json"
    assert (SCAFFOLDS / "common" / (names.CONFIG_FILE.as_posix() + ".tmpl")).is_file()


@pytest.mark.parametrize(
    ("path", "prefix", "own"),
    [
        (".draftforge/stats.json", "", True),
        (".draftforge/schemas/stats.schema.json", "", True),
        (".draftforge/config.yml", "", False),  # the config changes what the stats say
        ("chapters/01.md", "", False),
        ("book/.draftforge/stats.json", "book/", True),
        ("book/.draftforge/config.yml", "book/", False),
        (".draftforge/stats.json", "book/", False),  # another project's file
        ("book/.draftforge-old/stats.json", "book/", False),
        (".draftforge/progress.svg", "", True),  # the images are the tool's own too
        ("book/.draftforge/calendar.svg", "book/", True),
        ("book/.draftforge/badge.json", "book/", True),
    ],
)
def test_own_files_are_the_project_draftforge_folder_but_the_config(
    path: str, prefix: str, own: bool
) -> None:
    assert names.is_own_path(path, prefix) is own


def test_every_image_is_one_of_the_tools_own_files() -> None:
    assert [path.as_posix() for path in names.IMAGE_FILES] == [
        ".draftforge/progress.svg",
        ".draftforge/calendar.svg",
        ".draftforge/badge.json",
    ]
    assert all(names.is_own_path(path.as_posix(), "") for path in names.IMAGE_FILES)
    assert all(names.is_own_path("book/" + path.as_posix(), "book/") for path in names.IMAGE_FILES)
