"""markdown-it-py's debug calls are skipped during our parse only, and only where they would
log nothing: an application that turns markdown-it's debug logging on still gets it."""

from __future__ import annotations

import logging

import pytest

from draftforge_stats import counting
from draftforge_stats.counting import count_markdown

_TEXT = "# Title\n\nA paragraph.\n\n- an item\n\n```\ncode\n```\n"


def _parser_loggers() -> list[logging.Logger]:
    loggers = list(counting._parser_loggers())
    assert loggers, "markdown-it-py has loggers once the parser is made"
    return loggers


def test_nothing_is_left_changed_after_a_count() -> None:
    count_markdown(_TEXT)
    for logger in _parser_loggers():
        assert "debug" not in vars(logger), logger.name


def test_debug_calls_are_skipped_during_the_parse_only() -> None:
    loggers = _parser_loggers()
    with counting.parser_debug_skipped():
        assert all(vars(logger).get("debug") is counting._skip_debug for logger in loggers)
    assert all("debug" not in vars(logger) for logger in loggers)


def test_the_loggers_are_restored_when_the_parse_fails() -> None:
    loggers = _parser_loggers()
    with pytest.raises(RuntimeError), counting.parser_debug_skipped():
        raise RuntimeError("the parse failed")
    assert all("debug" not in vars(logger) for logger in loggers)


def test_debug_logging_turned_on_still_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Every record markdown-it logs for a plain parse is logged for our count too."""
    with caplog.at_level(logging.DEBUG, logger="markdown_it"):
        counting.markdown_parser().parse(_TEXT)
        plain = [(r.name, r.getMessage()) for r in caplog.records]
        caplog.clear()
        counts = count_markdown(_TEXT)
        ours = [(r.name, r.getMessage()) for r in caplog.records]
    assert counts.words == 5  # Title, A, paragraph, an, item
    assert len(plain) > 0
    assert ours == plain
