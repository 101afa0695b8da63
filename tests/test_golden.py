"""The same repository gives the same stats file, byte for byte, release after release.

`tests/data/golden_stats.json` was written by the package before the modules were
reorganised (commit c16a552) from the repository `tests/golden_repo.py` builds; any change
of behaviour shows here as a difference of bytes. Since then `counting_rules_version`
changed (2: lists and quotes nested past the parser's limit are counted; this repository
has none, so every count is the same).

Format 1.1.0 changed it on purpose, each difference checked by hand: the version; each day's
`words_added`/`words_deleted` (1 March: `# Dawn` + 40 words, then 15 more, 56/0; 2 March:
`# Noon` + 30 words, 31/0; 4 March: a rename, 0/0; 6 March: 35 words cut from Dawn and
`# Dusk` + 6 words of a new chapter, 7/35); the streaks, as the daily goal of 5 now counts
words added (6 March, 7 added, is a writing day: 3 writing days, a current streak of 1 on
7 March); `goal` (941 words to go; 94 words added in the 14 days to 7 March, 6 a day;
941 / 6 = 157 days from 7 March: 10 August); `history_basis.case_sensitive_globs`.
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
    # Later the same writing day (02:00 on 8 March at +09:00, before `day_starts_at: 4`):
    # the streak and the goal depend on the day, so nothing changes.
    again = run_stats(root, now=datetime(2025, 3, 7, 17, 0, tzinfo=UTC))
    assert (again.changed, again.written) == (False, False)
    assert (root / ".draftforge" / "stats.json").read_bytes() == GOLDEN.read_bytes()
