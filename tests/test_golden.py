"""The same repository gives the same stats file, byte for byte, release after release.

`tests/data/golden_stats.json` was written by the package before the modules were
reorganised (commit c16a552) from the repository `tests/golden_repo.py` builds; any change
of behaviour shows here as a difference of bytes. Since then only `counting_rules_version`
changed (2: lists and quotes nested past the parser's limit are counted; this repository
has none, so every count is the same).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from draftforge_stats.pipeline import run_stats
from tests.golden_repo import build

GOLDEN = Path(__file__).parent / "data" / "golden_stats.json"
NOW = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)


def test_the_stats_file_is_byte_identical_to_the_golden_one(tmp_path: Path) -> None:
    root = build(tmp_path / "repo")
    first = run_stats(root, now=NOW)
    assert first.written and first.history_mode == "full"
    assert (root / ".draftforge" / "stats.json").read_bytes() == GOLDEN.read_bytes()
    again = run_stats(root, now=datetime(2025, 3, 8, 12, 0, tzinfo=UTC))
    assert (again.changed, again.written) == (False, False)
    assert (root / ".draftforge" / "stats.json").read_bytes() == GOLDEN.read_bytes()
