"""The SQLite provider (app/sqlite_provider.py): writers of all processes take turns through a
lock file held exactly while a write transaction runs, and stored dates read back exactly."""

from __future__ import annotations

import fcntl
import os
import threading
from datetime import date, datetime

import pytest
from pony.orm import commit, db_session

from app.db import db


@pytest.fixture
def sqlite_app(engine_databases):
    database = engine_databases("sqlite")  # the lock file and the converters are SQLite's own
    database.reset()
    return database.app


def _lock_is_free(path: str) -> bool:
    """Try the writers' lock from a file description of our own, as another process would."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also lets go of the lock if we got it
    return True


def test_the_writers_lock_is_held_exactly_while_a_write_transaction_runs(sqlite_app):
    path = sqlite_app.extensions["nordialog.db"].provider._writer_lock_path
    writing, checked, failures = threading.Event(), threading.Event(), []

    def writer():
        try:
            with sqlite_app.app_context(), db_session:
                db.Organisation(kind="school_owner", country="DK", name="Lock Kommune",
                                path="/", time_zone="Europe/Copenhagen")
                commit()  # BEGIN IMMEDIATE ... COMMIT: the first transaction, lock released
                db.Organisation(kind="school_owner", country="DK", name="Second Kommune",
                                path="/", time_zone="Europe/Copenhagen")
                db.Organisation.select().count()  # flushes: the second transaction begins
                writing.set()
                checked.wait(10)
        except Exception as err:  # noqa: BLE001 - reported to the test below
            failures.append(err)
            writing.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    held_during = not _lock_is_free(path)
    checked.set()
    thread.join(10)
    assert not failures, failures
    assert held_during, "a write transaction ran without the writers' lock"
    assert _lock_is_free(path), "the lock outlived the transaction"
    with sqlite_app.app_context(), db_session:
        names = {o.name for o in db.Organisation.select(lambda o: o.name.endswith("Kommune"))}
    assert {"Lock Kommune", "Second Kommune"} <= names


def test_a_reading_request_takes_no_lock_and_a_refused_write_lets_go(sqlite_app):
    path = sqlite_app.extensions["nordialog.db"].provider._writer_lock_path
    with sqlite_app.app_context(), db_session:
        db.Organisation.select().count()
        assert _lock_is_free(path)
    with pytest.raises(Exception), sqlite_app.app_context(), db_session:  # noqa: B017, PT011
        db.Organisation(kind="school_owner", country="DK", name="Broken", path="/",
                        time_zone="Europe/Copenhagen")
        db.Organisation.select().count()
        raise RuntimeError("the request fails after it began writing")
    assert _lock_is_free(path), "a rolled-back transaction kept the lock"


def test_stored_dates_and_stamps_read_back_exactly(sqlite_app):
    stamp = datetime(2026, 12, 2, 10, 15, 30, 123456)
    with sqlite_app.app_context(), db_session:
        owner = db.Organisation(kind="school_owner", country="NO", name="Dato kommune",
                                path="/", time_zone="Europe/Oslo")
        commit()
        owner.created_at = stamp
        ident = owner.id
        commit()
    with sqlite_app.app_context(), db_session:
        owner = db.Organisation[ident]
        assert owner.created_at == stamp and type(owner.created_at) is datetime
        # Text another tool wrote, with a "T", and a whole second: still a datetime.
        db.execute('UPDATE "organisation" SET "created_at" = \'2026-01-05T08:00:00\' '
                   'WHERE "id" = $ident', {"ident": ident})
    with sqlite_app.app_context(), db_session:
        assert db.Organisation[ident].created_at == datetime(2026, 1, 5, 8, 0)

    with sqlite_app.app_context(), db_session:
        from tests.world import build_world

        build_world()
        commit()
        engagement = db.Engagement.select().first()
        starts_on, ident = engagement.starts_on, engagement.id
        db.execute('UPDATE "engagement" SET "starts_on" = \'2027-08-01\' WHERE "id" = $ident',
                   {"ident": ident})
    assert type(starts_on) is date
    with sqlite_app.app_context(), db_session:
        assert db.Engagement[ident].starts_on == date(2027, 8, 1)
