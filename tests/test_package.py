"""The public API: what `dir(draftforge_stats)` shows is `__all__`, each name importable."""

from __future__ import annotations

import subprocess
import sys

import draftforge_stats


def test_dir_is_the_public_api() -> None:
    assert dir(draftforge_stats) == sorted(draftforge_stats.__all__)
    assert draftforge_stats.__all__ == [
        "DraftForgeError",
        "__version__",
        "count_markdown",
        "run_stats",
        "verify_webhook",
    ]


def test_every_public_name_resolves() -> None:
    for name in draftforge_stats.__all__:
        assert getattr(draftforge_stats, name) is not None
    assert draftforge_stats.count_markdown("Two words.").words == 2


def test_importing_the_package_loads_no_submodule() -> None:
    code = (
        "import sys, draftforge_stats; "
        "print(sorted(m for m in sys.modules if m.startswith('draftforge_stats')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['draftforge_stats']"
