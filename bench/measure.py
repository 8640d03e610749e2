"""Timing and counting helpers: medians and p95 over repeated runs, SQL statements per call."""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timing:
    samples: list[float]  # milliseconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(call: Callable[[], object], runs: int, warmup: int = 2) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples)


def count_sql(call: Callable[[], object]) -> int:
    """How many statements Pony sends while ``call`` runs (as tests/sql.py counts them)."""
    from pony.orm import set_sql_debug

    statements = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not message.startswith(("RELEASE", "COMMIT", "ROLLBACK", "BEGIN", "SWITCH",
                                       "GET ", "GET CONNECTION")):
                statements.append(message)

    quiet = logging.getLogger("pony.orm")  # connection events: not statements, not printed
    quiet_propagate = quiet.propagate
    quiet.propagate = False
    logger = logging.getLogger("pony.orm.sql")
    handler, level, propagate = Collect(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    set_sql_debug(True, show_values=False)
    try:
        call()
    finally:
        set_sql_debug(False)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
        quiet.propagate = quiet_propagate
    return len(statements)
