"""Every error class lives in errors.py with its exit code; the CLI exits with it."""

from __future__ import annotations

import ast
from pathlib import Path

from draftforge_stats import errors

PACKAGE = Path(__file__).resolve().parent.parent / "draftforge_stats"


def test_the_exit_code_table() -> None:
    assert errors.EXIT_CODES == {
        "DraftForgeError": 1,
        "UsageError": 2,
        "ProblemsError": 1,
        "ConfigError": 1,
        "SourceError": 1,
        "InitError": 1,
        "ManuscriptError": 1,
        "GitError": 1,
        "GitNotFoundError": 1,
        "StatsFileError": 1,
        "WriteError": 1,
        "UnreadableFileError": 1,
        "WorkerError": 1,
        "NewerStatsFileError": 1,
        "HistoryLossError": 1,
        "ActionError": 1,
        "InputError": 2,
        "PushRejectedError": 1,
        "UnknownFileKindError": 2,
        "NotifyError": 1,
        "WebhookSecretError": 1,
        "WebhookVerificationError": 1,
    }


def test_no_error_class_is_defined_outside_errors_py_and_the_library_raises_no_click_error() -> (
    None
):
    outside: list[str] = []
    click_in_library: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            name = node.name if isinstance(node, ast.ClassDef) else ""
            if name.endswith("Error") and relative != "errors.py":
                outside.append(f"{relative}:{name}")
            if isinstance(node, ast.Import | ast.ImportFrom) and not relative.startswith("cli/"):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    modules.append(node.module or "")
                if any(m == "click" or m.startswith("click.") for m in modules):
                    click_in_library.append(relative)
    assert outside == []
    assert click_in_library == []
