"""What every entity shares: UTC timestamps, a version for optimistic concurrency, an audit trail.

Pony collects attributes only from an entity's own class body, so each entity declares
``created_at``, ``updated_at`` and ``version`` itself (``stamp_columns()`` keeps them identical);
the hooks that maintain them, and that write the audit log, live here once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pony.orm import Required


def utcnow() -> datetime:
    """Now in UTC, naive (the database columns hold UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def etag(entity) -> str:
    """The version of a record as an entity tag: it changes with every saved change."""
    return f"{type(entity).__name__.lower()}-{entity.id}-v{entity.version}"


def stamp_columns() -> dict:
    """The three bookkeeping columns, to spread into an entity body with ``locals().update``."""
    return {
        "created_at": Required(datetime, default=utcnow),
        "updated_at": Required(datetime, default=utcnow),
        "version": Required(int, default=1),
    }


class Stamped:
    """Mixin (listed before ``db.Entity``): keeps ``updated_at`` and ``version`` honest and
    records every insert, update and delete in the audit log."""

    def before_insert(self) -> None:
        now = utcnow()
        self.created_at = now
        self.updated_at = now
        self.version = 1

    def after_insert(self) -> None:
        from app.accounts import audit

        audit.on_insert(self)

    def before_update(self) -> None:
        from app.accounts import audit

        audit.on_update(self)
        self.updated_at = utcnow()
        self.version += 1

    def before_delete(self) -> None:
        from app.accounts import audit

        audit.on_delete(self)


class AppendOnly:
    """Mixin for history rows: written once, never changed (the database enforces it too)."""

    def before_insert(self) -> None:
        now = utcnow()
        self.created_at = now
        self.updated_at = now
        self.version = 1

    def after_insert(self) -> None:
        if type(self).__name__ != "AuditEntry":
            from app.accounts import audit

            audit.on_insert(self)

    def before_update(self) -> None:
        raise TypeError(f"{type(self).__name__} is append-only")

    def before_delete(self) -> None:
        raise TypeError(f"{type(self).__name__} is append-only")


def by_key(entity, key):
    """The record of ``entity`` with this ``key``, or None.

    Pony strips text and refuses a blank value for a required attribute with a ValueError even
    in a lookup, so a key of only spaces or control characters from a request or a file would
    be a server error; it names no record.
    """
    if key is None or not str(key).strip():
        return None
    return entity.get(key=key)
