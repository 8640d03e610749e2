"""Applying the SQL migrations in ``migrations/<engine>/`` with yoyo.

Each engine has its own directory of plain SQL files with the same names, so each can use its
own types (JSONB, identity columns, pattern-ops indexes) while a test keeps both in step with
the entities. Every migration runs in one transaction: a failing one leaves the database at the
version before it.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from yoyo import get_backend, read_migrations

from app.db import DatabaseUrl
from app.errors import StartupError
from app.i18n import _l


def migrations_dir(base: str | Path, engine: str) -> Path:
    return Path(base) / engine


#: Seconds to wait for a PostgreSQL server before giving up with a message (a host that drops
#: packets would otherwise keep the start waiting for minutes); the app's own connections wait
#: as long (app/db.py).
CONNECT_TIMEOUT = 5


def _backend_uri(url: DatabaseUrl) -> str:
    if url.engine != "postgresql" or "connect_timeout=" in url.url:
        return url.url
    return url.url + ("&" if "?" in url.url else "?") + f"connect_timeout={CONNECT_TIMEOUT}"


@contextmanager
def _backend(url: DatabaseUrl):
    try:
        backend = get_backend(_backend_uri(url))
    except Exception as err:  # noqa: BLE001 - driver errors become one clear message
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise StartupError(_l("Cannot reach the database at %(database)s: %(reason)s",
                              database=url.redacted, reason=reason)) from err
    try:
        yield backend
    finally:
        backend.connection.close()


def upgrade(url: DatabaseUrl, base_dir: str | Path) -> list[str]:
    """Apply every pending migration; returns the ids applied (empty when up to date)."""
    if url.engine == "sqlite":
        Path(url.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    migrations = read_migrations(str(migrations_dir(base_dir, url.engine)))
    with _backend(url) as backend:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
            return [migration.id for migration in pending]


def status(url: DatabaseUrl, base_dir: str | Path) -> dict:
    """Applied and pending migration ids, and the schema version (the newest applied id)."""
    migrations = read_migrations(str(migrations_dir(base_dir, url.engine)))
    with _backend(url) as backend:
        applied = backend.get_applied_migration_hashes()
        done = [m.id for m in migrations if m.hash in applied]
        todo = [m.id for m in migrations if m.hash not in applied]
    return {"applied": done, "pending": todo, "version": done[-1] if done else None}
