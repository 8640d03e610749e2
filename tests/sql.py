"""Counting the SQL a piece of code runs, to show that lists do not grow a query per row."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from pony.orm import set_sql_debug


@contextmanager
def captured_sql() -> Iterator[list[str]]:
    """Every statement Pony sends to the database inside the block, in order."""
    statements: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.getMessage())

    logger = logging.getLogger("pony.orm.sql")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    set_sql_debug(True, show_values=False)
    try:
        yield statements
    finally:
        set_sql_debug(False)
        logger.removeHandler(handler)
        logger.setLevel(level)
