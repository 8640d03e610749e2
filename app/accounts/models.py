"""People, their roles in organisations, API tokens, sign-in failures and the audit log."""

from __future__ import annotations

from datetime import datetime

from pony.orm import Json, Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import AppendOnly, Stamped, stamp_columns


def define(db):
    class User(Stamped, db.Entity):
        _table_ = "app_user"
        # Personal data and secrets are recorded in the audit log as "changed", never by value.
        _audit_redact_ = frozenset({"password_hash", "email", "name"})
        _audit_ignore_ = frozenset({"last_sign_in_at", "session_generation"})

        id = PrimaryKey(int, auto=True)
        email = Required(str, 254, unique=True)  # stored lower-case
        name = Required(str, 200)
        password_hash = Optional(str, 255, nullable=True)
        language = Optional(str, 8, nullable=True)
        active = Required(bool, default=True)
        last_sign_in_at = Optional(datetime)
        # Set when a former user's personal data has been replaced by a pseudonym.
        pseudonymized_at = Optional(datetime)
        # Sessions signed in under an older generation are no longer valid (see sign_out).
        session_generation = Required(int, default=1)
        locals().update(stamp_columns())

        roles = Set("RoleAssignment")
        tokens = Set("ApiToken")
        audit_entries = Set("AuditEntry")
        idempotency_records = Set("IdempotencyRecord")
        proposals_made = Set("CommitmentProposal", reverse="proposed_by")
        proposals_decided = Set("CommitmentProposal", reverse="decided_by")
        password_resets = Set("PasswordReset")
        calendar_feeds = Set("CalendarFeed")
        board_comments = Set("BoardComment")

        # What Flask-Login asks of a user (not its UserMixin: that redefines equality).
        is_authenticated = True
        is_anonymous = False

        @property
        def is_active(self) -> bool:
            return self.active

        def get_id(self) -> str:
            return str(self.id)

    class RoleAssignment(Stamped, db.Entity):
        """A role a person holds in an organisation (administrators hold theirs in none)."""

        _table_ = "role_assignment"
        id = PrimaryKey(int, auto=True)
        user = Required(User)
        role = Required(str, 32)
        organisation = Optional("Organisation")
        # The organisation's path, copied so that scoping a list is one indexed EXISTS on this
        # table (no join). Organisation paths do not change; a future "move" must update both.
        scope_path = Optional(str, 255, nullable=True)
        locals().update(stamp_columns())
        composite_key(user, role, organisation)

    class ApiToken(Stamped, db.Entity):
        """A personal API token: only its SHA-256 is kept; the token is shown once."""

        _table_ = "api_token"
        _audit_redact_ = frozenset({"token_hash"})
        _audit_ignore_ = frozenset({"last_used_at"})

        id = PrimaryKey(int, auto=True)
        user = Required(User)
        name = Required(str, 100)
        token_hash = Required(str, 64, unique=True)
        prefix = Required(str, 16)
        expires_at = Optional(datetime)
        # Touched with a plain UPDATE by user_for_token, beside any loaded copy.
        last_used_at = Optional(datetime, volatile=True)
        revoked_at = Optional(datetime)
        locals().update(stamp_columns())

    class SignInFailure(db.Entity):
        """A failed sign-in, kept for a while to throttle guessing per account and address."""

        _table_ = "sign_in_failure"
        id = PrimaryKey(int, auto=True)
        # SHA-256 of the lower-cased e-mail tried: throttles the account without storing it.
        account_key = Required(str, 64)
        address = Required(str, 64)
        occurred_at = Required(datetime)

    class AuditEntry(AppendOnly, db.Entity):
        """Who did what, when (UTC), with each changed field before and after."""

        _table_ = "audit_entry"
        id = PrimaryKey(int, auto=True)
        occurred_at = Required(datetime)
        actor = Optional(User)
        # How the change came in: web, api, cli or system.
        channel = Required(str, 16)
        action = Required(str, 32)
        entity = Optional(str, 64, nullable=True)
        entity_id = Optional(int, size=64)
        summary = Optional(str, 500)
        changes = Optional(Json, nullable=True)
        address = Optional(str, 64, nullable=True)
        locals().update(stamp_columns())
