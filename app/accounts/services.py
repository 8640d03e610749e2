"""Accounts: users, passwords, role assignments, sign-in with throttling, and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from pony.utils import datetime2timestamp
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import audit
from app.accounts.roles import ROLE_ORGANISATION_KINDS, ROLES
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict, DomainError, InvalidInput, NotFound
from app.i18n import LANGUAGES, _, _l

MIN_PASSWORD_LENGTH = 12
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Failed sign-ins allowed within the window, per account tried and per address.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20

TOKEN_PREFIX = "ndl_"
#: API tokens are touched at most this often, so reading does not write on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=10)

# A real hash to check against when the account does not exist, so that a wrong e-mail takes
# as long as a wrong password and the answer's timing says nothing about who has an account.
_DUMMY_HASH = generate_password_hash("nordialog-timing-equaliser")


class SignInFailed(DomainError):
    status = 401
    audit_action = "sign_in_failed"


class TooManyAttempts(DomainError):
    status = 429
    audit_action = "sign_in_throttled"


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user(user_id: int):
    user = db.User.get(id=user_id)
    if user is None:
        raise NotFound(_("No user with id %(id)s.", id=user_id))
    return user


def find_user(email: str):
    return db.User.get(email=normalise_email(email))


def _password_errors(password: str) -> list:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)]
    return []


def create_user(*, email: str, name: str, password: str | None = None,
                language: str | None = None):
    """Create a person's account; without a password they cannot sign in until one is set."""
    email = normalise_email(email)
    errors: dict[str, list] = {}
    if not EMAIL.match(email):
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif find_user(email) is not None:
        errors["email"] = [_("An account with this e-mail address already exists.")]
    if not (name or "").strip():
        errors["name"] = [_("A name is required.")]
    if password is not None and _password_errors(password):
        errors["password"] = _password_errors(password)
    if language is not None and language not in LANGUAGES:
        errors["language"] = [_("Choose one of the languages offered.")]
    if errors:
        raise InvalidInput(_("The account could not be saved."), errors)
    return db.User(email=email, name=name.strip(), language=language,
                   password_hash=_hash(password) if password else None)


def set_password(user, password: str) -> None:
    errors = _password_errors(password)
    if errors:
        raise InvalidInput(_("The password could not be saved."), {"password": errors})
    user.password_hash = _hash(password)
    # Whoever was signed in with the old password is signed out everywhere. (API tokens stay:
    # they are issued only with a token or on the command line, never with the password.)
    user.session_generation += 1


def set_language(user, language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(_("Choose one of the languages offered."),
                           {"language": [_("Choose one of the languages offered.")]})
    user.language = language


def assign_role(user, role: str, organisation=None):
    """Give ``user`` a role in ``organisation`` (administrators hold theirs in none)."""
    if role not in ROLES:
        raise InvalidInput(_("Unknown role %(role)s.", role=role), {"role": [_("Unknown role.")]})
    kinds = ROLE_ORGANISATION_KINDS[role]
    if kinds is None and organisation is not None:
        raise InvalidInput(_("An administrator's role belongs to no organisation."),
                           {"organisation": [_("Leave empty.")]})
    if kinds is not None and (organisation is None or organisation.kind not in kinds):
        raise InvalidInput(_("This role cannot be held in this kind of organisation."),
                           {"organisation": [_("Not allowed.")]})
    if db.RoleAssignment.get(user=user, role=role, organisation=organisation) is not None:
        raise Conflict(_("The person already has this role there."))
    return db.RoleAssignment(user=user, role=role, organisation=organisation,
                             scope_path=organisation.path if organisation else None)


def revoke_role(assignment) -> None:
    assignment.delete()


# --- signing in -------------------------------------------------------------------------------

def _account_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _throttled(email: str, address: str, now: datetime) -> bool:
    since = now - THROTTLE_WINDOW
    key = _account_key(email)
    per_account = db.SignInFailure.select(
        lambda f: f.account_key == key and f.occurred_at >= since).count()
    per_address = db.SignInFailure.select(
        lambda f: f.address == address and f.occurred_at >= since).count()
    return per_account >= MAX_FAILURES_PER_ACCOUNT or per_address >= MAX_FAILURES_PER_ADDRESS


def authenticate(email: str, password: str, *, address: str):
    """The active user with this e-mail and password, or SignInFailed / TooManyAttempts.

    The refusal never says whether the account exists. Failures are recorded (by
    ``record_failed_sign_in``, after the request's transaction is rolled back) and counted
    per account and per address within ``THROTTLE_WINDOW``.
    """
    now = utcnow()
    if _throttled(email, address, now):
        raise TooManyAttempts(_("Too many attempts. Please wait a moment and try again."),
                              audit={"sign_in_email": email})
    user = find_user(email)
    hashed = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    valid = check_password_hash(hashed, password or "")
    if user is None or not user.active or not user.password_hash or not valid:
        raise SignInFailed(_("The e-mail address or password is not right."),
                           audit={"sign_in_email": email})
    user.last_sign_in_at = now
    audit.record(db, "sign_in", entity="User", entity_id=user.id)
    return user


def record_failed_sign_in(email: str, address: str, action: str) -> None:
    """Count a failed attempt and log it (without the e-mail tried: it may be anyone's)."""
    now = utcnow()
    db.SignInFailure(account_key=_account_key(email), address=address, occurred_at=now)
    user = find_user(email)
    audit.record(db, action, entity="User" if user else None,
                 entity_id=user.id if user else None)
    # Old failures no longer count; keep the table small.
    horizon = now - THROTTLE_WINDOW * 4
    db.SignInFailure.select(lambda f: f.occurred_at < horizon).delete(bulk=True)


# --- API tokens -------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: object  # the ApiToken row
    secret: str    # shown once, never stored


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user, name: str, *, expires_at: datetime | None = None) -> IssuedToken:
    """A new personal token carrying the user's rights; only its hash is kept."""
    if not (name or "").strip():
        raise InvalidInput(_("The token could not be issued."),
                           {"name": [_("Give the token a name, e.g. what uses it.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = db.ApiToken(user=user, name=name.strip(), token_hash=_token_hash(secret),
                        prefix=secret[:12], expires_at=expires_at)
    return IssuedToken(token, secret)


#: What a token's holder can still do with it, as the reader reads it.
TOKEN_STATES = {
    "active": _l("active"),
    "expired": _l("expired"),
    "revoked": _l("revoked"),
}


def token_state(token, now: datetime | None = None) -> str:
    """``revoked`` (by a person), ``expired`` (by its date) or ``active``: a key of
    TOKEN_STATES."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def revoke_token(token) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def user_for_token(secret: str):
    """The active user a live token belongs to, or None (unknown, revoked, expired, inactive)."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.ApiToken.get(token_hash=_token_hash(secret))
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        # Bookkeeping, not a change of the token: a plain UPDATE, so concurrent requests with
        # one token (a client's parallel uploads) do not fail each other's optimistic check.
        stamp = datetime2timestamp(now) if db.provider.dialect == "SQLite" else now
        db.execute('UPDATE "api_token" SET "last_used_at" = $stamp WHERE "id" = $ident',
                   {"stamp": stamp, "ident": token.id})
    return token.user
