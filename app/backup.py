"""Backups while the service is serving: ``flask db backup FILE`` and ``flask db restore FILE``.

SQLite: the online backup API copies a consistent snapshot page by page while others write.
PostgreSQL: ``pg_dump -Fc`` from a snapshot exported by a REPEATABLE READ transaction, and
``pg_restore``; the client tools are the Debian ``postgresql`` package's, of the server's major
version or newer.

Each backup has a manifest beside it (``FILE.manifest.json``): row count and checksum per
table, taken in the same snapshot as the backup. A restore checks the database it produced
against the manifest and says which tables differ.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.db import DatabaseUrl
from app.errors import StartupError
from app.i18n import _l


class BackupError(StartupError):
    """A backup or restore that cannot be done; the message says why."""


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".manifest.json")


# --- table checksums -----------------------------------------------------------------------

def _digest_rows(rows) -> str:
    """Order-independent checksum of a table's rows (each row as its values' text)."""
    row_digests = sorted(hashlib.sha256(repr(tuple(_plain(v) for v in row)).encode()).digest()
                         for row in rows)
    total = hashlib.sha256()
    for digest in row_digests:
        total.update(digest)
    return total.hexdigest()


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _table_summary(cursor, tables: list[str], engine: str = "sqlite") -> dict[str, dict]:
    summary = {}
    for table in tables:
        # PostgreSQL renders each row as text itself, so the checksum does not depend on the
        # driver's type adapters (the ORM registers its own in the serving process).
        select = f'SELECT r::text FROM "{table}" AS r' if engine == "postgresql" \
            else f'SELECT * FROM "{table}"'
        cursor.execute(select)
        rows = cursor.fetchall()
        summary[table] = {"rows": len(rows), "checksum": _digest_rows(rows)}
    return summary


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _postgres_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                   "ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def table_summary(url: DatabaseUrl) -> dict[str, dict]:
    """Row count and checksum per table of the database at ``url``, in one snapshot."""
    if url.engine == "sqlite":
        connection = sqlite3.connect(url.sqlite_path)
        try:
            connection.execute("BEGIN")  # one read snapshot for every table
            return _table_summary(connection.cursor(), _sqlite_tables(connection))
        finally:
            connection.close()
    import psycopg2

    connection = psycopg2.connect(url.url)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            return _table_summary(cursor, _postgres_tables(cursor), "postgresql")
    finally:
        connection.close()


# --- backup ----------------------------------------------------------------------------------

def backup(url: DatabaseUrl, file: Path) -> dict:
    """Write a consistent backup of the database to ``file`` and its manifest; returns it."""
    file = file.resolve()
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    if url.engine == "sqlite":
        tables = _sqlite_backup(url, partial)
    else:
        tables = _postgres_backup(url, partial)
    manifest = {"engine": url.engine, "taken_at": datetime.now(UTC).isoformat(),
                "tables": tables}
    os.replace(partial, file)
    manifest_path(file).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _sqlite_backup(url: DatabaseUrl, target: Path) -> dict:
    source = sqlite3.connect(url.sqlite_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        return _table_summary(copy.cursor(), _sqlite_tables(copy))
    finally:
        source.close()
        copy.close()


def _postgres_backup(url: DatabaseUrl, target: Path) -> dict:
    import psycopg2

    connection = psycopg2.connect(url.url)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')")
            snapshot, version = cursor.fetchone()
            tables = _table_summary(cursor, _postgres_tables(cursor), "postgresql")
            # pg_dump joins the snapshot while this transaction is still open.
            _run_pg_tool("pg_dump", int(version) // 10000, url,
                         ["-Fc", f"--snapshot={snapshot}", "-f", str(target)])
        return tables
    finally:
        connection.close()


# --- restore ---------------------------------------------------------------------------------

def restore(url: DatabaseUrl, file: Path) -> dict:
    """Replace the database's contents with the backup in ``file``; returns the per-table
    comparison with the manifest. Raises BackupError when the result does not match it."""
    file = file.resolve()
    if not file.is_file():
        raise BackupError(_l("No backup file at %(file)s.", file=file))
    manifest = json.loads(manifest_path(file).read_text()) if manifest_path(file).exists() \
        else None
    if manifest and manifest["engine"] != url.engine:
        raise BackupError(_l("%(file)s is a %(engine)s backup; the database at %(database)s "
                             "is %(database_engine)s.", file=file, engine=manifest["engine"],
                             database=url.redacted, database_engine=url.engine))
    if url.engine == "sqlite":
        _sqlite_restore(url, file)
    else:
        _postgres_restore(url, file)
    if manifest is None:
        return {}
    restored = table_summary(url)
    differing = sorted(name for name in set(manifest["tables"]) | set(restored)
                       if manifest["tables"].get(name) != restored.get(name))
    if differing:
        raise BackupError(_l("The restored database differs from the backup's manifest in: "
                             "%(tables)s.", tables=", ".join(differing)))
    return restored


def _sqlite_restore(url: DatabaseUrl, file: Path) -> None:
    backup_db = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        result = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(_l("%(file)s is damaged: %(result)s.", file=file, result=result))
        live = sqlite3.connect(url.sqlite_path, timeout=30)
        try:
            backup_db.backup(live)  # under SQLite's locks: open connections see the result
            live.execute("PRAGMA journal_mode = WAL")
        finally:
            live.close()
    except sqlite3.DatabaseError as err:
        raise BackupError(_l("%(file)s is not a SQLite backup: %(reason)s.", file=file,
                             reason=str(err))) from err
    finally:
        backup_db.close()


def _postgres_restore(url: DatabaseUrl, file: Path) -> None:
    import psycopg2

    connection = psycopg2.connect(url.url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')")
            version = int(cursor.fetchone()[0]) // 10000
    finally:
        connection.close()
    _run_pg_tool("pg_restore", version, url, ["--clean", "--if-exists", "--no-owner",
                                              "--no-privileges", "--single-transaction",
                                              "--exit-on-error", str(file)],
                 database_flag=True)


def pg_tool(name: str, server_major: int) -> str:
    """The newest installed ``name`` that is at least the server's major version (pg_dump
    refuses older servers' peers the other way round)."""
    candidates = []
    for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"):
        match = re.fullmatch(r"\d+", path.parent.parent.name)
        if match:
            candidates.append((int(path.parent.parent.name), str(path)))
    found = shutil.which(name)
    if not candidates and found:
        candidates.append((server_major, found))
    usable = sorted(c for c in candidates if c[0] >= server_major)
    if not usable:
        install = f"apt-get install postgresql-client-{server_major}"
        raise BackupError(_l("%(tool)s %(version)s or newer is needed for a PostgreSQL "
                             "%(version)s server: %(install)s (or postgresql).", tool=name,
                             version=server_major,
                             install=install))
    return usable[-1][1]


def _run_pg_tool(name: str, server_major: int, url: DatabaseUrl, args: list[str],
                 database_flag: bool = False) -> None:
    parts = urlsplit(url.url)
    env = {**os.environ, "PGHOST": parts.hostname or "localhost",
           "PGPORT": str(parts.port or 5432), "PGUSER": unquote(parts.username or ""),
           "PGDATABASE": parts.path.lstrip("/")}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)  # never on the command line
    command = [pg_tool(name, server_major), *args]
    if database_flag:
        command[1:1] = ["-d", env["PGDATABASE"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        raise BackupError(_l("%(tool)s failed (%(status)s): %(detail)s", tool=name,
                             status=result.returncode, detail=detail))
