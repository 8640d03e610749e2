"""Pony's SQLite provider with two changes that matter once many people use one file.

**Writers queue instead of polling.** Pony already lets one thread of a process write at a time
(its transaction lock around ``BEGIN IMMEDIATE`` ... ``COMMIT``). Between processes (gunicorn
workers) SQLite's busy handler decides, and it sleeps in growing steps (up to 100 ms) before it
looks again, so a writer often sleeps on after the lock came free. Here the writer also takes an
exclusive ``flock`` on a file beside the database, which wakes the next process the moment the
lock is released. SQLite's own locking still guarantees correctness: a writer that does not
take the file lock (a migration, the bulk import's raw connection) is waited for by the busy
timeout, as before.

**Dates are read in C.** Pony parses every stored date and time with ``time.strptime`` (about
25 µs each); a page of 50 commitments with their engagements and organisations reads some 500,
which made parsing the largest single cost of the lists. ``fromisoformat`` reads the same text.
"""

from __future__ import annotations

import fcntl
import os
from datetime import date, datetime

from pony.orm.dbproviders import sqlite as pony_sqlite


class _Datetime(pony_sqlite.SQLiteDatetimeConverter):
    def sql2py(self, val):
        try:
            stamp = datetime.fromisoformat(val)
        except (TypeError, ValueError):
            return super().sql2py(val)
        # Pony drops an offset written after the time; keep reading such text as it does.
        return stamp if stamp.tzinfo is None else super().sql2py(val)


class _Date(pony_sqlite.SQLiteDateConverter):
    def sql2py(self, val):
        try:
            return date.fromisoformat(val[:10])
        except (TypeError, ValueError):
            return super().sql2py(val)


_FASTER = {datetime: _Datetime, date: _Date}


class SQLiteProvider(pony_sqlite.SQLiteProvider):
    converter_classes = [(py_type, _FASTER.get(py_type, converter))
                         for py_type, converter in pony_sqlite.SQLiteProvider.converter_classes]

    def __init__(self, database, filename, **kwargs):
        super().__init__(database, filename, **kwargs)
        self._writer_lock_path = f"{os.path.abspath(filename)}-writer.lock"
        self._writer_fd: int | None = None  # held only between acquire and release

    def acquire_lock(self):
        super().acquire_lock()  # one thread of this process (Pony's lock) ...
        try:
            # ... and one process. Opened for each transaction (microseconds beside the write):
            # no descriptor outlives it, and none is shared by workers gunicorn forked.
            fd = os.open(self._writer_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._writer_fd = fd
        except BaseException:
            super().release_lock()
            raise

    def release_lock(self):
        fd, self._writer_fd = self._writer_fd, None
        try:
            if fd is not None:
                os.close(fd)  # closing releases the flock
        finally:
            super().release_lock()
