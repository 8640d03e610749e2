"""Helpers for API tests: a world with tokens, JSON calls, counting SQL statements."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from pony.orm import commit, db_session, set_sql_debug

from tests.world import build_world, issue_tokens


@pytest.fixture
def world(app):
    with app.app_context(), db_session:
        built = build_world()
        built.headers = issue_tokens(built)
        commit()
    return built


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
