"""Test fixtures: the app on each database engine, reset between tests.

Every test that asks for ``app`` (or anything built on it) runs twice: on SQLite and on
PostgreSQL. PostgreSQL needs ``NORDIALOG_TEST_POSTGRES_URL`` (a role that may create
databases); without it those runs are skipped with that reason, unless
``NORDIALOG_REQUIRE_POSTGRES=1`` (set by .ci/run) turns the skip into a failure.

Each engine gets one migrated database per xdist worker for the whole session. Between tests
SQLite is restored from a copy taken right after migrating; PostgreSQL tables are truncated.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from pony.orm import db_session, rollback

from app import create_app
from app.db import DatabaseUrl
from app.migrate import upgrade
from tests.browser import browser, live_server, new_page  # noqa: F401 - fixtures for all tests

ENGINES = ("sqlite", "postgresql")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = PROJECT_ROOT / "migrations"

#: Migration ids in order, and the schema version a fully migrated database reports.
MIGRATION_IDS = sorted(path.stem for path in (MIGRATIONS / "sqlite").glob("*.sql"))
SCHEMA_VERSION = MIGRATION_IDS[-1]

TEST_CONFIG = {"NORDIALOG_ENV": "test", "TESTING": True, "SECRET_KEY": "test-secret",
               # Still salted scrypt, at a cost that lets tests create many accounts quickly.
               "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}


# Checkouts sharing one PostgreSQL server (several worktrees, CI beside a developer) must not
# share test databases: the name carries a short hash of the checkout's path.
CHECKOUT = hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:6]


def worker_id() -> str:
    return f"{CHECKOUT}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def postgres_admin_url() -> str:
    url = os.environ.get("NORDIALOG_TEST_POSTGRES_URL")
    if url:
        return url
    reason = ("PostgreSQL not configured: set NORDIALOG_TEST_POSTGRES_URL="
              "postgresql://user:password@127.0.0.1:5432/postgres (a role that may create "
              "databases); .ci/run does this")
    if os.environ.get("NORDIALOG_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def fresh_postgres_database(name: str) -> str:
    """Drop and create database ``name`` next to the admin URL's; returns its URL."""
    admin = DatabaseUrl.parse(postgres_admin_url())
    connection = psycopg2.connect(admin.url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        for attempt in range(20):
            try:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg2.errors.InsufficientPrivilege:
                # A backend our role may not end (autovacuum, say) is on it: it will finish.
                if attempt == 19:
                    raise
                time.sleep(0.25)
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    base, _, _ = admin.url.rpartition("/")
    return f"{base}/{name}"


def fresh_database_url(engine: str, name: str, tmp_dir: Path) -> str:
    if engine == "sqlite":
        path = tmp_dir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return fresh_postgres_database(name)


class EngineDatabase:
    """One migrated database for an engine, and the way to reset it between tests."""

    def __init__(self, engine: str, tmp_dir: Path) -> None:
        self.engine = engine
        self.url = fresh_database_url(engine, f"nordialog_test_{worker_id()}", tmp_dir)
        self.parsed = DatabaseUrl.parse(self.url)
        upgrade(self.parsed, MIGRATIONS)
        self.app = create_app({**TEST_CONFIG, "DATABASE_URL": self.url})
        self.database = self.app.extensions["nordialog.db"]
        self.tables = [table for table in self.database.schema.tables]
        if engine == "sqlite":
            self.template = Path(f"{self.parsed.sqlite_path}.template")
            shutil.copyfile(self.parsed.sqlite_path, self.template)

    def reset(self) -> None:
        if self.engine == "sqlite":
            # SQLite's online backup writes the clean copy into the live database page by
            # page, under its locks: connections other tests left open simply see it.
            self.database.disconnect()
            with sqlite3.connect(self.template) as clean, \
                    sqlite3.connect(self.parsed.sqlite_path) as live:
                clean.backup(live)
            clean.close()
            live.close()
        else:
            tables = ", ".join(f'"{name}"' for name in self.tables)
            with db_session:
                self.database.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def engine_databases(tmp_path_factory) -> Iterator[dict]:
    made: dict[str, EngineDatabase] = {}
    tmp_dir = tmp_path_factory.mktemp("databases")

    def get(engine: str) -> EngineDatabase:
        if engine not in made:
            made[engine] = EngineDatabase(engine, tmp_dir)
        return made[engine]

    yield get
    for database in made.values():
        database.database.disconnect()


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    if request.param == "postgresql":
        postgres_admin_url()  # skip (or fail in CI) before building anything
    return request.param


@pytest.fixture
def app(engine, engine_databases):
    """The app on a clean database. No context is pushed: each request gets its own, as in
    production (a shared one would share ``g``, and Flask-Babel caches the locale there)."""
    database = engine_databases(engine)
    database.reset()
    return database.app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tx(app):
    """An app context and a db_session around the test body, rolled back at the end unless the
    test committed. Do not make client requests inside it: set data up in ``with db_session``
    blocks of their own instead."""
    with app.app_context(), db_session:
        yield app.extensions["nordialog.db"]
        rollback()


@pytest.fixture
def world(app):
    """The access-test world (tests/world.py), with an API token header per person."""
    from pony.orm import commit

    from tests.world import build_world, issue_tokens

    with app.app_context(), db_session:
        built = build_world()
        built.headers = issue_tokens(built)
        commit()
    return built


@pytest.fixture
def db(tx):
    """The app's Pony Database (entities as attributes), inside the test's db_session."""
    return tx
