"""Pseudonymizing a former user: their personal data goes, the audit trail stays.

The audit log refers to people by user id (``audit_entry.actor``) and records names and e-mail
addresses only as "[redacted]", so replacing the user's name and address keeps every entry
valid and untouched (the table is append-only). Copies of the name kept as plain text beside
their records (the author of a follow-up, the actor of a commitment event, a meeting
participant with the user's address) get the same pseudonym.
"""

from __future__ import annotations

from app.accounts import audit
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict
from app.i18n import _

PSEUDONYM_DOMAIN = "pseudonymized.invalid"


def pseudonym(user) -> str:
    """The stable stand-in for a former user (the same in every language, like a name)."""
    return f"Former user {user.id}"


def pseudonymize_user(user) -> dict:
    """Replace a deactivated user's name, e-mail address and password, and the copies of the
    name kept beside follow-ups, commitment events and meeting participants.

    Refused (409) while the account is active or once it has been done. Returns how many
    copies were replaced, by kind.
    """
    if user.active:
        raise Conflict(_("Deactivate the account before pseudonymizing it."))
    if user.pseudonymized_at is not None:
        raise Conflict(_("This account has already been pseudonymized."))
    from app.accounts.services import _account_key

    name, email, stand_in = user.name, user.email, pseudonym(user)
    replaced = {"follow_ups": 0, "commitment_events": 0, "participants": 0}
    for follow_up in db.FollowUp.select(lambda f: f.author == name):
        follow_up.author = stand_in
        replaced["follow_ups"] += 1
    # History rows are append-only (the ORM refuses any change); the database lets exactly
    # this column change (migration 0007).
    replaced["commitment_events"] = db.CommitmentEvent.select(lambda e: e.actor == name).count()
    db.execute('UPDATE "commitment_event" SET "actor" = $stand_in WHERE "actor" = $name',
               {"stand_in": stand_in, "name": name})
    for participant in db.Participant.select(lambda p: p.email == email):
        participant.name, participant.email = stand_in, ""
        replaced["participants"] += 1
    key = _account_key(email)
    db.SignInFailure.select(lambda f: f.account_key == key).delete(bulk=True)

    user.name = stand_in
    user.email = f"former-user-{user.id}@{PSEUDONYM_DOMAIN}"
    user.password_hash = None
    user.language = None
    user.last_sign_in_at = None
    user.pseudonymized_at = utcnow()
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    audit.record(db, "pseudonymize", entity="User", entity_id=user.id,
                 changes={kind: {"replaced": count} for kind, count in replaced.items()})
    return replaced
