"""The SQL migrations own the schema; the entities must agree with it on both engines."""

import shutil

import pytest
from pony.orm import commit, db_session
from yoyo import get_backend

from app.db import DatabaseUrl
from app.migrate import status, upgrade
from tests.conftest import (
    MIGRATION_IDS,
    MIGRATIONS,
    SCHEMA_VERSION,
    fresh_database_url,
    postgres_admin_url,
    worker_id,
)

YOYO_TABLES = {"_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"}


@pytest.fixture
def empty_database(engine, tmp_path):
    if engine == "postgresql":
        postgres_admin_url()
    return DatabaseUrl.parse(fresh_database_url(engine, f"nordialog_migrations_{worker_id()}",
                                                tmp_path))


def rows(url: DatabaseUrl, sql: str) -> list:
    backend = get_backend(url.url)
    try:
        cursor = backend.connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        backend.connection.close()


def test_both_engines_have_the_same_migrations():
    names = {engine: sorted(p.name for p in (MIGRATIONS / engine).glob("*.sql"))
             for engine in ("sqlite", "postgresql")}
    assert names["sqlite"] == names["postgresql"]
    assert names["sqlite"][0] == "0001_initial.sql"


def test_upgrade_twice_changes_nothing(empty_database):
    assert upgrade(empty_database, MIGRATIONS) == MIGRATION_IDS
    assert upgrade(empty_database, MIGRATIONS) == []
    state = status(empty_database, MIGRATIONS)
    assert state == {"applied": MIGRATION_IDS, "pending": [], "version": SCHEMA_VERSION}


def test_a_failing_migration_leaves_the_previous_version(empty_database, tmp_path):
    broken = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, broken)
    (broken / empty_database.engine / "9999_broken.sql").write_text(
        'CREATE TABLE "half_done" ("id" INTEGER);\n'
        'ALTER TABLE "commitment" ADD COLUMN "half_done_note" TEXT;\n'
        'INSERT INTO "no_such_table" VALUES (1);\n'
    )
    with pytest.raises(Exception, match="no_such_table"):
        upgrade(empty_database, broken)
    assert status(empty_database, broken)["version"] == SCHEMA_VERSION
    if empty_database.engine == "sqlite":
        tables = {r[0] for r in rows(empty_database,
                                     "SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {r[1] for r in rows(empty_database, 'PRAGMA table_info("commitment")')}
    else:
        tables = {r[0] for r in rows(empty_database, "SELECT table_name FROM "
                                     "information_schema.tables WHERE table_schema = 'public'")}
        columns = {r[0] for r in rows(empty_database, "SELECT column_name FROM "
                                      "information_schema.columns WHERE table_name = 'commitment'")}
    assert "half_done" not in tables
    assert "half_done_note" not in columns
    # Once fixed, the same migration applies cleanly.
    (broken / empty_database.engine / "9999_broken.sql").write_text(
        'CREATE TABLE "half_done" ("id" INTEGER);\n')
    assert upgrade(empty_database, broken) == ["9999_broken"]


PG_TYPES = {
    "character varying": "VARCHAR", "timestamp without time zone": "TIMESTAMP",
    "double precision": "DOUBLE PRECISION", "integer": "INTEGER", "bigint": "BIGINT",
    "jsonb": "JSONB", "boolean": "BOOLEAN", "text": "TEXT", "date": "DATE",
}


def migrated_columns(app, engine: str) -> dict:
    database = app.extensions["nordialog.db"]
    with db_session:
        if engine == "sqlite":
            tables = [r for r in database.select(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'")]
            found = {}
            for table in tables:
                # Pony's select() would prefix a PRAGMA with SELECT; execute() runs it as is.
                for _cid, name, kind, notnull, _default, pk in database.execute(
                        f'PRAGMA table_info("{table}")').fetchall():
                    found[(table, name)] = (kind.upper(), bool(notnull or pk))
            return found
        found = {}
        for table, name, kind, length, nullable in database.select(
                "SELECT table_name, column_name, data_type, character_maximum_length, "
                "is_nullable FROM information_schema.columns WHERE table_schema = 'public'"):
            normal = PG_TYPES[kind] + (f"({length})" if length else "")
            found[(table, name)] = (normal, nullable == "NO")
        return found


def expected_columns(app, engine: str) -> dict:
    schema = app.extensions["nordialog.db"].schema
    expected = {}
    for table in schema.tables.values():
        for column in table.column_list:
            kind = column.sql_type.upper()
            if engine == "postgresql" and kind == "SERIAL":
                kind = "INTEGER"
            expected[(table.name, column.name)] = (kind, bool(column.is_not_null or column.is_pk))
    return expected


def test_migrated_columns_and_types_match_the_entities(app, engine):
    migrated = {key: value for key, value in migrated_columns(app, engine).items()
                if key[0] not in YOYO_TABLES}
    expected = expected_columns(app, engine)
    assert set(migrated) - set(expected) == set(), "columns only in the migrations"
    assert set(expected) - set(migrated) == set(), "columns only in the entities"
    mismatched = {key: (migrated[key], expected[key]) for key in expected
                  if migrated[key] != expected[key]}
    assert mismatched == {}


@pytest.mark.parametrize("table", ["commitment_event", "phase_transition",
                                   "minutes_publication"])
def test_history_tables_refuse_changes_in_the_database_itself(app, table):
    from app.meetings import services as meetings
    from tests.factories import make_commitment, make_meeting

    database = app.extensions["nordialog.db"]
    with app.app_context(), db_session:
        meeting = make_meeting()
        meetings.mark_held(meeting, held_at=meeting.starts_at)
        meetings.write_minutes(meetings.agenda(meeting)[0], "Notes")
        meetings.approve_minutes(meeting)
        meetings.publish_minutes(meeting)
        make_commitment(meeting.engagement)
        commit()
    for statement in (f'UPDATE "{table}" SET "version" = 99', f'DELETE FROM "{table}"'):
        with pytest.raises(Exception, match="append-only"):
            with db_session:
                database.execute(statement)
    with db_session:
        assert database.select(f'SELECT COUNT(*) FROM "{table}"')[0] >= 1
