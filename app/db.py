"""The one Pony ``Database`` per app, and the unit of work around each request.

The schema belongs to the SQL migrations in ``migrations/``; Pony only maps onto it
(``check_tables``). Each request runs in one ``db_session``: it is committed after a successful
response (so a commit failure becomes a proper error response, not a broken one) and rolled
back on any error response or exception.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, g, request
from pony.orm import Database, commit, db_session, rollback
from pony.orm.core import OptimisticCheckError, TransactionIntegrityError
from werkzeug.local import LocalProxy

from app.errors import StartupError, error_response
from app.i18n import _l
from app.sqlite_provider import SQLiteProvider

log = logging.getLogger(__name__)

EXTENSION_KEY = "nordialog.db"


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed ``DATABASE_URL``: ``sqlite:///path`` or ``postgresql://user:pw@host:port/db``."""

    engine: str  # "sqlite" or "postgresql"
    url: str

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "sqlite":
            path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
            if not path or path == ":memory:":
                raise StartupError(_l(
                    "DATABASE_URL for SQLite must name a file, e.g. %(example)s (an in-memory "
                    "database would be a different database in every thread).",
                    example="sqlite:///instance/nordialog.sqlite3"))
            return cls("sqlite", url)
        if scheme in ("postgresql", "postgres"):
            return cls("postgresql", "postgresql" + url[len(scheme):])
        given = scheme + "://"
        raise StartupError(_l("DATABASE_URL must start with %(sqlite)s or %(postgresql)s, not "
                              "%(scheme)s.", sqlite="sqlite:///", postgresql="postgresql://",
                              scheme=given))

    @property
    def sqlite_path(self) -> str:
        return self.url[len("sqlite:///"):]

    @property
    def redacted(self) -> str:
        """The URL without its password, for messages and logs."""
        parts = urlsplit(self.url)
        if parts.password:
            netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
            return parts._replace(netloc=netloc).geturl()
        return self.url

    def pony_bind_args(self) -> dict:
        if self.engine == "sqlite":
            return {"provider": SQLiteProvider, "filename": self.sqlite_path, "create_db": True}
        parts = urlsplit(self.url)
        args = {
            "provider": "postgres",
            "host": parts.hostname or "localhost",
            "port": parts.port or 5432,
            "user": unquote(parts.username or ""),
            "dbname": parts.path.lstrip("/"),
            "connect_timeout": 5,
        }
        if parts.password:
            args["password"] = unquote(parts.password)
        return args


def define_entities(database: Database) -> None:
    """Declare every entity of the domain on ``database`` (order does not matter)."""
    from app.accounts import models as accounts
    from app.api import models as api
    from app.commitments import models as commitments
    from app.engagements import models as engagements
    from app.indicators import models as indicators
    from app.meetings import models as meetings
    from app.notify import models as notify
    from app.organisations import models as organisations
    from app.programmes import models as programmes
    from app.themes import models as themes

    for module in (organisations, programmes, themes, indicators, engagements, meetings,
                   commitments, accounts, api, notify):
        module.define(database)


def _configure_sqlite(database: Database) -> None:
    @database.on_connect(provider="sqlite")
    def sqlite_pragmas(_db, connection):
        cursor = connection.cursor()
        # WAL lets readers run beside the single writer; FULL keeps acknowledged commits across
        # power loss; the busy timeout makes concurrent writers wait instead of failing.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA foreign_keys = ON")


def open_database(url: DatabaseUrl) -> Database:
    """Bind and map a new Database, with a clear StartupError if that is not possible."""
    database = Database()
    define_entities(database)
    if url.engine == "sqlite":
        _configure_sqlite(database)
        database.provider_name = "sqlite"  # Pony sets it only when given the provider by name
    try:
        database.bind(**url.pony_bind_args())
        database.generate_mapping(create_tables=False, check_tables=True)
    except Exception as err:  # noqa: BLE001 - any driver error becomes one clear message
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        if "does not exist" in reason or "no such table" in reason.lower():
            raise StartupError(_l("Cannot use the database at %(database)s: %(reason)s. Run "
                                  "`flask db upgrade` first.", database=url.redacted,
                                  reason=reason)) from err
        raise StartupError(_l("Cannot use the database at %(database)s: %(reason)s.",
                              database=url.redacted, reason=reason)) from err
    return database


def get_db() -> Database:
    return current_app.extensions[EXTENSION_KEY]


#: The current app's Database, for services: ``db.Commitment``, ``db.select(...)``.
db: Database = LocalProxy(get_db)  # type: ignore[assignment]


# --- concurrent writers (scale) ------------------------------------------------------------
# A request that may write runs in one transaction from its first statement: on SQLite that is
# BEGIN IMMEDIATE, so it takes the write lock before it reads (waiting up to the busy timeout
# for another writer, process or thread) instead of reading in autocommit and failing with
# "database is locked" when it upgrades; what it checked (If-Match, a status) still holds when
# it writes. On PostgreSQL the reads and writes share one transaction. Reads stay lock-free.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_write_session = db_session(immediate=True)


def init_db(app: Flask, database: Database, url: DatabaseUrl) -> None:
    app.extensions[EXTENSION_KEY] = database
    app.extensions["nordialog.database_url"] = url

    @app.before_request
    def open_unit_of_work():
        session = _write_session if request.method in WRITE_METHODS else db_session
        session.__enter__()
        g.db_session_open = session

    @app.after_request
    def finish_unit_of_work(response):
        if not g.get("db_session_open"):
            return response
        if response.status_code >= 400:
            rollback()
            return response
        try:
            commit()
        except OptimisticCheckError:
            rollback()
            from app.i18n import _

            return error_response(
                409, _("Someone else changed this at the same time. Reload and try again.")
            )
        except TransactionIntegrityError:
            rollback()
            from app.i18n import _

            return error_response(409, _("This would duplicate or break a link to another record."))
        return response

    @app.teardown_request
    def close_unit_of_work(exc):
        session = g.pop("db_session_open", None)
        if session is not None:
            if exc is None:
                session.__exit__(None, None, None)
            else:
                session.__exit__(type(exc), exc, exc.__traceback__)
