"""Bulk loading rows straight into the tables, for datasets too large for one entity at a time.

Rows are tuples in the order of the named columns and carry their own ids (the loader hands
them out), so children can be written in the same batch as their parents. SQLite gets
``executemany`` in the surrounding transaction; PostgreSQL gets ``COPY ... FROM STDIN``. Nothing
here bypasses a constraint: foreign keys, checks and unique keys hold as for any insert.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

#: Tables in an order where every row's parents come first.
ORDER = ("organisation", "engagement", "phase_transition", "year_wheel_step", "meeting",
         "commitment", "follow_up", "commitment_event", "observation")


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, datetime | date):
        value = value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
    else:
        value = str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _sqlite_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class BulkWriter:
    """Buffers rows per table and writes them in parent-first order, about ``batch`` at a time."""

    def __init__(self, connection, engine: str, columns: dict[str, tuple[str, ...]],
                 batch: int = 50_000) -> None:
        self.connection = connection
        self.engine = engine
        self.columns = columns
        self.batch = batch
        self.buffers: dict[str, list[tuple]] = {table: [] for table in ORDER}
        self.pending = 0
        self.written: dict[str, int] = dict.fromkeys(ORDER, 0)

    def add(self, table: str, row: tuple) -> None:
        self.buffers[table].append(row)
        self.pending += 1

    def maybe_flush(self) -> None:
        """Write once enough rows wait; call only where every buffered row's parents are
        buffered or written too (a child may be buffered before its parent)."""
        if self.pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        cursor = self.connection.cursor()
        for table in ORDER:
            rows = self.buffers[table]
            if not rows:
                continue
            columns = self.columns[table]
            names = ", ".join(f'"{name}"' for name in columns)
            if self.engine == "postgresql":
                text = io.StringIO()
                for row in rows:
                    text.write("\t".join(_copy_text(value) for value in row))
                    text.write("\n")
                text.seek(0)
                cursor.copy_expert(f'COPY "{table}" ({names}) FROM STDIN', text)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                   [tuple(_sqlite_value(v) for v in row) for row in rows])
            self.written[table] += len(rows)
            rows.clear()
        self.pending = 0


def next_ids(connection, tables) -> dict[str, int]:
    """The first free id of each table."""
    cursor = connection.cursor()
    found = {}
    for table in tables:
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) + 1 FROM "{table}"')
        found[table] = int(cursor.fetchone()[0])
    return found


def reset_sequences(connection, engine: str, tables) -> None:
    """After explicit ids, PostgreSQL's identity sequences must continue above them (SQLite's
    AUTOINCREMENT already does)."""
    if engine != "postgresql":
        return
    cursor = connection.cursor()
    for table in tables:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f'(SELECT COALESCE(MAX("id"), 0) + 1 FROM "{table}"), false)')
