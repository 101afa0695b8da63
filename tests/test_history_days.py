"""The day rule: which writing day a moment belongs to, in a time zone, from a day start."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from draftforge_stats.history.days import DayRule

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("moment", "zone", "starts", "expected"),
    [
        ("2025-03-01T23:30:00+02:00", None, 0, "2025-03-01"),  # the author's own clock
        ("2025-03-01T23:30:00+02:00", UTC, 0, "2025-03-01"),  # 21:30 UTC
        ("2025-03-01T22:30:00-05:00", UTC, 0, "2025-03-02"),  # 03:30 UTC
        ("2025-03-02T01:00:00+01:00", None, 4, "2025-03-01"),  # 1 a.m. is still yesterday
        ("2025-03-02T04:00:00+01:00", None, 4, "2025-03-02"),  # the day starts at 4
        ("2025-03-02T03:30:00+00:00", PARIS, 4, "2025-03-02"),  # 04:30 in Paris
        # The night clocks go forward (02:00 -> 03:00 on 30 March 2025): 03:30 local is
        # 3.5 wall-clock hours after midnight, before 4: still 29 March.
        ("2025-03-30T01:30:00+00:00", PARIS, 4, "2025-03-29"),
        ("2025-03-30T02:30:00+00:00", PARIS, 4, "2025-03-30"),  # 04:30 local
        ("2025-10-26T00:30:00+00:00", PARIS, 0, "2025-10-26"),  # 02:30 CEST, clocks go back
    ],
)
def test_the_writing_day_of_a_moment(
    moment: str, zone: ZoneInfo | None, starts: int, expected: str
) -> None:
    assert DayRule(zone, starts).day(at(moment)).isoformat() == expected


def test_today_without_a_time_zone_is_in_the_authors_offset() -> None:
    rule = DayRule()
    now = at("2025-03-03T06:00:00+00:00")  # 22:00 on 2 March in California
    assert rule.today(now, timezone(timedelta(hours=-8))) == date(2025, 3, 2)
    assert rule.today(now, None) == date(2025, 3, 3)  # no history: UTC
    assert DayRule(PARIS, 4).today(at("2025-03-03T02:00:00+00:00")) == date(2025, 3, 2)


def test_time_zones_work_without_a_system_zone_database(tmp_path: Path) -> None:
    """The slim Docker image has no /usr/share/zoneinfo: the `tzdata` package answers."""
    empty = tmp_path / "no-zones"
    empty.mkdir()
    code = (
        "import zoneinfo, datetime;"
        "from draftforge_stats.history.days import DayRule;"
        "print(zoneinfo.TZPATH);"
        "m = datetime.datetime(2025, 7, 1, 22, 30, tzinfo=datetime.UTC);"
        "print(DayRule(zoneinfo.ZoneInfo('Asia/Tokyo')).day(m))"
    )
    env = {**os.environ, "PYTHONTZPATH": str(empty)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split("\n")
    assert out[0] == repr((str(empty),))
    assert out[1] == "2025-07-02"  # 07:30 the next morning in Tokyo
