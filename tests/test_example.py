"""The sample manuscript in examples/novel, which the README's first command runs on.

Expected word counts were worked out by hand, paragraph by paragraph.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from draftforge_stats.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "novel"


def test_example_manuscript_counts(tmp_path: Path) -> None:
    project = tmp_path / "novel"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("stats.json*"))
    result = CliRunner().invoke(main, ["stats", str(project), "--json", "--no-write"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    chapters = {c["file"]: (c["title"], c["word_count"]) for c in stats["breakdown"]["chapters"]}
    assert chapters == {
        # 3 (heading) + 27 + 27 + 15 (quote) + 30; front matter and the HTML comment: 0
        "chapters/01-the-lamp-room.md": ("The Lamp Room", 102),
        # 3 + 25 + 16 + 32 + 16 (list) + 13
        "chapters/02-the-supply-boat.md": ("The Supply Boat", 105),
        # 2 + 31 (`1,000-page` is one word) + 7 (table) + 14 + 16
        "chapters/part-two/10-the-inspector.md": ("The Inspector", 70),
    }
    assert stats["current"]["word_count"] == 277
    assert stats["current"]["chapter_count"] == 3
    # Listed but not part of the total. Words: 1 + 9 + 8 + 11 + 7. Characters without
    # spaces, block by block: `Outline` 7, item 1 44, item 2 38, item 3 48, item 4 29 = 166
    # (the list numbers are markers, not text). With spaces: the 8 + 7 + 10 + 6 spaces
    # inside the items and one between each of the 5 blocks: 166 + 31 + 4 = 201.
    assert stats["breakdown"]["manuscript"] == [
        {
            "file": "manuscript/outline.md",
            "word_count": 36,
            "character_count": 201,
            "character_count_no_spaces": 166,
        }
    ]
    assert stats["project"] == {
        "name": "The Lighthouse Keeper's Daughter",
        "type": "novel",
        "target_word_count": 80000,
    }
    assert not (project / ".draftforge" / "stats.json").exists()
