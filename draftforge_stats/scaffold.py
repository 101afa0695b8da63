"""`draftforge init`, the library side: lay down a new project from the package's scaffolds.

The templates live in ``draftforge_stats.scaffold_files`` (``scaffolds/`` in the repository):
``common/`` for every project, ``types/<project type>/`` for files that differ by type
(they replace the common file of the same path). A template's name ends with ``.tmpl``,
which is dropped. The schemas are not duplicated there: they are copied from the one
canonical copy the package ships (:func:`draftforge_stats.validation.schemas.schema_text`).

Placeholders are ``{{key}}`` (GitHub's ``${{ ... }}`` is left alone); ``{{key|example}}``
comments the whole line out, showing ``example``, when the value is not given.
Nothing here prints; existing files are never overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from draftforge_stats import names
from draftforge_stats.errors import DraftForgeError, InitError, Problem
from draftforge_stats.names import PROJECT_TYPES
from draftforge_stats.records import dataclass
from draftforge_stats.validation.documents import SourceError, load_yaml
from draftforge_stats.validation.messages import schema_problems
from draftforge_stats.validation.schemas import SCHEMA_NAMES, load_schema, schema_text

__all__ = [
    "PROJECT_TYPES",
    "SCHEMAS_DIR",
    "TYPE_DEFAULTS",
    "InitError",
    "InitOptions",
    "InitResult",
    "TypeDefaults",
    "init_project",
    "language_is_valid",
    "max_target",
    "render_project",
]

SCHEMAS_DIR = PurePosixPath(names.SCHEMAS_DIR.as_posix())
"""Where a project keeps its copy of the schemas (editors read them offline)."""

_PACKAGE = "draftforge_stats.scaffold_files"
_TEMPLATE_SUFFIX = ".tmpl"
_PLACEHOLDER = re.compile(r"(?<!\$)\{\{([a-z_]+)(?:\|([^{}]*))?\}\}")


@dataclass(frozen=True)
class TypeDefaults:
    """What differs between project types, besides their type-specific templates."""

    target: int
    formats: tuple[str, ...]
    categories: tuple[str, ...]
    count_code_blocks: bool = False


TYPE_DEFAULTS: dict[str, TypeDefaults] = {
    "novel": TypeDefaults(80_000, ("epub", "pdf"), ("Fiction",)),
    "screenplay": TypeDefaults(25_000, ("pdf",), ("Screenplay",)),
    "technical-book": TypeDefaults(
        60_000, ("epub", "pdf", "html"), ("Technology",), count_code_blocks=True
    ),
    "non-fiction": TypeDefaults(60_000, ("epub", "pdf"), ("Non-fiction",)),
    "poetry": TypeDefaults(10_000, ("pdf", "epub"), ("Poetry",)),
    "short-story": TypeDefaults(7_500, ("epub", "pdf"), ("Fiction", "Short stories")),
}


@dataclass(frozen=True)
class InitOptions:
    """What the new project is; ``None`` means the type's default (or left out)."""

    name: str
    type: str = "novel"
    target: int | None = None
    genre: str | None = None
    language: str = "en"
    year: int = 2025  # shown in a commented-out copyright line of the metadata


@dataclass
class InitResult:
    """What `init` did: project-relative POSIX paths of the files made and left alone."""

    root: Path
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _project_schema(key: str) -> dict[str, object]:
    """The config schema's rule for ``project.<key>``."""
    rule = load_schema("config.schema.yml")["properties"]["project"]["properties"][key]
    assert isinstance(rule, dict)
    return rule


def max_target() -> int:
    """The largest target word count the config schema accepts."""
    return int(str(_project_schema("target_word_count")["maximum"]))


def language_is_valid(language: str) -> bool:
    """Whether ``language`` is a tag the config schema accepts (`en`, `pt-BR`, …)."""
    return re.fullmatch(str(_project_schema("language")["pattern"]), language) is not None


def _yaml_string(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def _yaml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(values) + "]"


def _values(options: InitOptions, suffix: str) -> dict[str, str | None]:
    defaults = TYPE_DEFAULTS[options.type]
    yaml_file = suffix in {".yml", ".yaml"}
    return {
        "name": _yaml_string(options.name) if yaml_file else options.name,
        "type": options.type,
        "genre": None
        if options.genre is None
        else (_yaml_string(options.genre) if yaml_file else options.genre),
        "language": options.language,
        "target": str(options.target if options.target is not None else defaults.target),
        "formats": _yaml_list(defaults.formats),
        "categories": json.dumps(list(defaults.categories), ensure_ascii=False),
        "count_code_blocks": "true" if defaults.count_code_blocks else "false",
        "year": str(options.year),
    }


def _fill(template: str, values: dict[str, str | None], where: str) -> str:
    lines = []
    for line in template.splitlines(keepends=True):
        commented = False

        def replace(match: re.Match[str]) -> str:
            nonlocal commented
            key, example = match.group(1), match.group(2)
            if key not in values:
                raise KeyError(f"{where}: unknown placeholder {{{{{key}}}}}")
            value = values[key]
            if value is None:
                commented = True
                return example or ""
            return value

        filled = _PLACEHOLDER.sub(replace, line)
        if commented:
            body = filled.lstrip(" ")
            filled = filled[: len(filled) - len(body)] + "# " + body
        lines.append(filled)
    return "".join(lines)


def _templates(root: Traversable, prefix: PurePosixPath | None = None) -> dict[str, str]:
    prefix = prefix or PurePosixPath()
    found: dict[str, str] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        relative = prefix / entry.name
        if entry.is_dir():
            found.update(_templates(entry, relative))
        elif entry.name.endswith(_TEMPLATE_SUFFIX):
            target = relative.as_posix()[: -len(_TEMPLATE_SUFFIX)]
            found[target] = entry.read_text(encoding="utf-8")
    return found


def render_project(options: InitOptions) -> dict[str, str]:
    """Every file of a new project (project-relative POSIX path -> text), checked.

    Raises :class:`InitError` when the result would not validate (bad options).
    """
    if options.type not in TYPE_DEFAULTS:
        raise DraftForgeError(
            f"`{options.type}` is not a project type (allowed: {', '.join(PROJECT_TYPES)})"
        )
    package = files(_PACKAGE)
    templates = _templates(package.joinpath("common"))
    type_dir = package.joinpath("types", options.type)
    if type_dir.is_dir():
        templates.update(_templates(type_dir))
    rendered = {
        path: _fill(text, _values(options, PurePosixPath(path).suffix), path)
        for path, text in templates.items()
    }
    for name in SCHEMA_NAMES:
        rendered[(SCHEMAS_DIR / name).as_posix()] = schema_text(name)
    _check(rendered)
    return dict(sorted(rendered.items()))


def _check(rendered: dict[str, str]) -> None:
    problems: list[Problem] = []
    for path, schema in (
        (".draftforge/config.yml", "config.schema.yml"),
        ("manuscript/metadata.yml", "metadata.schema.yml"),
    ):
        try:
            doc = load_yaml(rendered[path], path)
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(schema_problems(doc, schema))
    if problems:
        raise InitError("the new project would not be valid; nothing was written:", problems)


def _blocked_folders(root: Path, relatives: list[str]) -> dict[str, str]:
    """The folders the project needs that exist as something else -> what they are."""
    blocked: dict[str, str] = {}
    for relative in relatives:
        folder = root
        for part in PurePosixPath(relative).parts[:-1]:
            folder = folder / part
            if folder.is_dir():
                continue
            if folder.exists() or folder.is_symlink():
                what = "a file" if folder.exists() else "a broken symbolic link"
                blocked[folder.relative_to(root).as_posix()] = what
            break
    return blocked


def init_project(root: Path, options: InitOptions) -> InitResult:
    """Write the new project's files under ``root``, leaving every existing file alone.

    Raises :class:`DraftForgeError`, before writing anything, when a folder the project
    needs is taken by a file.
    """
    rendered = render_project(options)
    blocked = _blocked_folders(root, list(rendered))
    if blocked:
        raise DraftForgeError(
            "cannot make the project here, these must be folders: "
            + ", ".join(f"`{folder}` ({what})" for folder, what in blocked.items())
            + "; move them out of the way, then run `draftforge init` again"
        )
    result = InitResult(root=root)
    for relative, text in rendered.items():
        target = root.joinpath(*PurePosixPath(relative).parts)
        if target.exists() or target.is_symlink():
            result.skipped.append(relative)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:  # appeared in the meantime: still never overwritten
            result.skipped.append(relative)
            continue
        except OSError as exc:
            raise DraftForgeError(
                f"cannot create {relative}: {exc.strerror or exc}"
                + (f" (made so far: {', '.join(result.created)})" if result.created else "")
            ) from None
        result.created.append(relative)
    return result
