"""Writing checked observations in batches: one upsert statement per batch.

A row that exists with the same value, group size and confidentiality is left alone (its
version does not move); a changed one is updated; a new one inserted. The per-row audit hooks
of the ORM are bypassed on purpose: an import is recorded as one summary entry instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.common.model import utcnow

_COLUMNS = ('"organisation", "indicator", "period", "value", "group_size", "confidential", '
            '"created_at", "updated_at", "version"')


def _upsert_sql(engine: str, group_size: bool, confidential: bool) -> str:
    distinct = "IS NOT" if engine == "sqlite" else "IS DISTINCT FROM"
    changed = ["value"] + (["group_size"] if group_size else []) \
        + (["confidential"] if confidential else [])
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in changed)
    differs = " OR ".join(f'observation."{c}" {distinct} excluded."{c}"' for c in changed)
    values = "(?, ?, ?, ?, ?, ?, ?, ?, 1)" if engine == "sqlite" else "%s"
    return (f'INSERT INTO "observation" ({_COLUMNS}) VALUES {values} '
            f'ON CONFLICT ("organisation", "indicator", "period") DO UPDATE SET {sets}, '
            f'"updated_at" = excluded."updated_at", "version" = observation."version" + 1 '
            f"WHERE {differs}")


class ObservationWriter:
    """Upserts batches into the observation table on the session's own connection (so the
    request's or command's transaction holds every batch: all or nothing)."""

    def __init__(self, database, *, group_size: bool, confidential: bool) -> None:
        self.engine = "sqlite" if database.provider_name == "sqlite" else "postgresql"
        self.connection = database.get_connection()
        self.sql = _upsert_sql(self.engine, group_size, confidential)
        self.changed = 0
        self.before = self._count()

    def _count(self) -> int:
        cursor = self.connection.cursor()
        cursor.execute('SELECT COUNT(*) FROM "observation"')
        return cursor.fetchone()[0]

    def write(self, batch: Iterable[tuple]) -> None:
        """Each item: (organisation_id, indicator_id, period, value, group_size, confidential);
        confidential None means "as it is" (new rows: not confidential)."""
        now = utcnow()
        stamp = now.isoformat(" ", timespec="microseconds") if self.engine == "sqlite" else now
        rows = [(o, i, p, v, g, bool(c), stamp, stamp) for o, i, p, v, g, c in batch]
        cursor = self.connection.cursor()
        if self.engine == "sqlite":
            cursor.executemany(self.sql, rows)
            self.changed += cursor.rowcount
        else:
            from psycopg2.extras import execute_values

            execute_values(cursor, self.sql, rows,
                           template="(%s, %s, %s, %s, %s, %s, %s, %s, 1)", page_size=len(rows))
            self.changed += cursor.rowcount

    def totals(self) -> tuple[int, int]:
        """(created, updated) so far."""
        created = self._count() - self.before
        return created, self.changed - created
