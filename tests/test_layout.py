"""The package's layout: one README line per module, docstrings, and who may talk to the user.

Read from the source files themselves (no import), so a module added without a README line,
without a docstring, or printing from library code fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "draftforge_stats"

# Only these talk to the user: print, exit, read the environment, use click.
USER_FACING = ("cli/", "entry.py", "__main__.py", "action/job.py")
# Reads os.environ only to hand it on: the git child processes inherit the environment
# (PATH, HOME) with where git looks pinned over it.
PASSES_ENVIRONMENT_ON = ("gitrepo.py",)


def _modules() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


def _library_modules() -> list[str]:
    return [m for m in _modules() if not m.startswith(USER_FACING)]


def _layout_rows() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The package, top to bottom", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([^`]+\.py)` \|", section, flags=re.MULTILINE)


def test_the_readme_lists_every_module_once_and_nothing_else() -> None:
    rows = _layout_rows()
    assert len(rows) == len(set(rows)), [r for r in rows if rows.count(r) > 1]
    assert sorted(rows) == _modules()


def test_the_readme_reads_the_pipeline_in_order() -> None:
    rows = _layout_rows()
    steps = [
        "config.py",
        "discover.py",
        "counting.py",
        "history/__init__.py",
        "streaks.py",
        "statsfile/__init__.py",
        "pipeline.py",
        "images/__init__.py",
    ]
    assert [rows.index(step) for step in steps] == sorted(rows.index(step) for step in steps)


def test_every_module_opens_with_a_docstring() -> None:
    missing = [m for m in _modules() if not ast.get_docstring(ast.parse((PACKAGE / m).read_text()))]
    assert missing == []


_USER_CALLS = {"print", "exit", "input"}
_USER_ATTRIBUTES = {("os", "environ"), ("os", "getenv"), ("os", "environb"), ("sys", "exit")}


def _talks_to_the_user(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            found += [f"{node.func.id}()"] if node.func.id in _USER_CALLS else []
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = (node.value.id, node.attr)
            found += [".".join(name)] if name in _USER_ATTRIBUTES else []
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "click"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "click":
                found.append(module)
            elif node.level > 0 and (module.split(".")[0] == "cli" or module == "entry"):
                found.append(f"import of .{module}")
    return found


def test_library_modules_never_print_exit_read_the_environment_or_use_click() -> None:
    offenders: dict[str, list[str]] = {}
    for module in _library_modules():
        found = _talks_to_the_user(ast.parse((PACKAGE / module).read_text()))
        if module in PASSES_ENVIRONMENT_ON:
            found = [f for f in found if f != "os.environ"]
        if found:
            offenders[module] = found
    assert offenders == {}


def test_the_check_sees_printing_and_click() -> None:
    source = "import os, click\nprint(os.environ['X'])\nfrom ..cli import main\n"
    assert sorted(_talks_to_the_user(ast.parse(source))) == [
        "click",
        "import of .cli",
        "os.environ",
        "print()",
    ]


def test_every_exception_class_lives_in_errors() -> None:
    elsewhere: list[str] = []
    for module in _modules():
        if module == "errors.py":
            continue
        for node in ast.walk(ast.parse((PACKAGE / module).read_text())):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    elsewhere.append(f"{module}:{node.name}")
    assert elsewhere == []


def _imported(module: str) -> set[str]:
    """The package's modules that `module` imports, as paths like `history/days.py`."""
    here = (PACKAGE / module).parent.relative_to(PACKAGE).parts
    found: set[str] = set()
    for node in ast.walk(ast.parse((PACKAGE / module).read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = list(here[: len(here) - node.level + 1])
        elif (node.module or "").startswith("draftforge_stats"):
            base = []
        else:
            continue
        name = (node.module or "").removeprefix("draftforge_stats").strip(".")
        parts = base + [p for p in name.split(".") if p]
        found.add("/".join(parts))
    return found


PIPELINE = ("config.py", "discover.py", "globs.py", "reading.py", "counting.py", "history/")
LATER = ("streaks", "goals", "pipeline", "safekeeping", "report", "goaltext", "images")
SURFACES = ("action", "webhook", "scaffold", "cli", "entry", "report", "goaltext")


def test_the_pipeline_reads_top_to_bottom() -> None:
    backwards: dict[str, set[str]] = {}
    for module in _modules():
        if module.startswith(PIPELINE):
            later = {i for i in _imported(module) if i.split("/")[0] in LATER}
        elif module.startswith(("statsfile/", "streaks.py", "goals.py", "pipeline.py")):
            later = {i for i in _imported(module) if i.split("/")[0] in SURFACES}
        else:
            continue
        if later:
            backwards[module] = later
    assert backwards == {}


def test_imports_are_read_as_paths() -> None:
    assert _imported("history/walk.py") >= {"history/days", "history/replay", "names"}
    assert "streaks" in _imported("pipeline.py")
