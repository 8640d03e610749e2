"""Forgotten passwords: a short-lived, single-use link sent through the outbox.

The answer to "send me a link" is the same whether or not the account exists (nothing tells a
stranger which addresses have accounts). Only the SHA-256 of the token is kept; using it, or
asking for a newer one, makes it useless.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale

from app.accounts.services import _password_errors, find_user, set_password
from app.common.model import utcnow
from app.db import db
from app.errors import InvalidInput
from app.i18n import _
from app.notify.outbox import enqueue
from app.notify.reminders import language_of, link

LIFETIME = timedelta(minutes=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, *, now: datetime | None = None) -> str | None:
    """Queue a reset link for the account with ``email``, if there is an active one.

    Returns the token (for tests and the CLI), or None; callers must not tell the difference
    to the person asking."""
    user = find_user(email)
    if user is None or not user.active or user.pseudonymized_at is not None:
        return None
    now = now or utcnow()
    for earlier in user.password_resets.select(lambda r: r.used_at is None):
        earlier.used_at = now  # one live link at a time
    token = secrets.token_urlsafe(32)
    reset = db.PasswordReset(user=user, token_hash=_hash(token), expires_at=now + LIFETIME,
                             created_at=now)
    reset.flush()
    language = language_of(user)
    with force_locale(language):
        body = "\n".join([
            _("Hello %(name)s,", name=user.name), "",
            _("Someone (we hope you) asked to set a new password for Nordialog. Open this link "
              "within half an hour to choose one:"),
            "", link(f"/reset-password/{token}"), "",
            _("If you did not ask for this, ignore this e-mail; your password stays as it is."),
            "", _("Nordialog")])
        enqueue(kind="password_reset", recipient=user.email, language=language,
                subject=_("Set a new password for Nordialog"), body=body,
                dedupe_key=f"password_reset:{reset.id}", now=now)
    return token


def live_reset(token: str, *, now: datetime | None = None):
    """The unused, unexpired reset for ``token``, or None."""
    if not token or len(token) > 200:
        return None
    reset = db.PasswordReset.get(token_hash=_hash(token))
    now = now or utcnow()
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    if not reset.user.active:
        return None
    return reset


def reset_password(token: str, password: str, *, now: datetime | None = None):
    """Set a new password with a live token, which is then spent; returns the user."""
    now = now or utcnow()
    reset = live_reset(token, now=now)
    if reset is None:
        raise InvalidInput(_("The password could not be saved."), {"token": [
            _("This link is not valid any more. Ask for a new one.")]})
    errors = _password_errors(password)
    if errors:
        raise InvalidInput(_("The password could not be saved."), {"password": errors})
    set_password(reset.user, password)
    reset.used_at = now
    return reset.user
