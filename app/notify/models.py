"""The e-mail outbox, password reset tokens and secret calendar feed addresses."""

from __future__ import annotations

from datetime import datetime

from pony.orm import LongStr, Optional, PrimaryKey, Required

from app.common.model import Stamped, stamp_columns


def define(db):
    class OutboxMessage(db.Entity):
        """One e-mail waiting to go, or gone. Not audited: a body may hold a reset link."""

        _table_ = "outbox_message"
        id = PrimaryKey(int, auto=True)
        dedupe_key = Required(str, 200, unique=True)
        kind = Required(str, 32)
        recipient = Required(str, 254)
        language = Required(str, 8)
        subject = Required(str, 300)
        body = Required(LongStr, lazy=False)
        item_entity = Optional(str, 64, nullable=True)
        item_id = Optional(int, size=64)
        state = Required(str, 16, default="queued")
        attempts = Required(int, default=0)
        next_attempt_at = Required(datetime)
        last_error = Optional(LongStr, lazy=False)
        sent_at = Optional(datetime)
        #: The sender that is sending it, and until when its claim holds (see outbox.claim).
        claimed_by = Optional(str, 64, nullable=True)
        claimed_until = Optional(datetime)
        created_at = Required(datetime)
        updated_at = Required(datetime)

    class PasswordReset(db.Entity):
        """A single-use, short-lived password reset token; only its SHA-256 is kept."""

        _table_ = "password_reset"
        id = PrimaryKey(int, auto=True)
        user = Required("User")
        token_hash = Required(str, 64, unique=True)
        expires_at = Required(datetime)
        used_at = Optional(datetime)
        created_at = Required(datetime)

    class CalendarFeed(Stamped, db.Entity):
        """A person's secret calendar address; only the SHA-256 of its token is kept. With an
        organisation it is that organisation's calendar (as far as the person may see it)."""

        _table_ = "calendar_feed"
        _audit_redact_ = frozenset({"token_hash"})
        _audit_ignore_ = frozenset({"last_used_at"})

        id = PrimaryKey(int, auto=True)
        user = Required("User")
        organisation = Optional("Organisation")
        token_hash = Required(str, 64, unique=True)
        prefix = Required(str, 16)
        last_used_at = Optional(datetime)
        revoked_at = Optional(datetime)
        locals().update(stamp_columns())
