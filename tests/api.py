"""Helpers for API tests: counting the SQL statements a request sends."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from pony.orm import set_sql_debug


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def counted_queries():
    """Count the SQL statements Pony sends in this thread (what a request would send)."""
    counter = _Counter()
    logger = logging.getLogger("pony.orm.sql")
    logger.addHandler(counter)
    previous = logger.level
    logger.setLevel(logging.INFO)
    set_sql_debug(True)
    try:
        yield counter
    finally:
        set_sql_debug(False)
        logger.setLevel(previous)
        logger.removeHandler(counter)


def selects(counter: _Counter) -> list[str]:
    return [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
