"""What the API keeps for itself: responses to creating requests, by Idempotency-Key."""

from __future__ import annotations

from datetime import datetime

from pony.orm import Json, Optional, PrimaryKey, Required, composite_key


def define(db):
    class IdempotencyRecord(db.Entity):
        """The first response to a creating request, replayed when the same key comes again.

        Not audited: it is a copy of a response, and what it created is audited itself.
        """

        _table_ = "idempotency_record"
        id = PrimaryKey(int, auto=True)
        user = Required("User")
        key = Required(str, 200)
        # SHA-256 of method, path and body: the same key with another request is refused.
        request_hash = Required(str, 64)
        status_code = Optional(int)
        body = Optional(Json, nullable=True)
        location = Optional(str, 500, nullable=True)
        etag = Optional(str, 200, nullable=True)
        created_at = Required(datetime)
        composite_key(user, key)
