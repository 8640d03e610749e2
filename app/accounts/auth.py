"""Who is making the request: a signed-in session on the web, a Bearer token on the API.

The API ignores session cookies (so it needs no CSRF protection) and the web ignores tokens.
The result is ``g.user`` and ``g.principal`` for the access rules, ``g.user_language`` for the
locale, and the audit context that attributes every change to the person.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, flash, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature

from app.accounts import audit
from app.accounts.access import principal_for
from app.accounts.services import user_for_token
from app.db import db
from app.errors import Unauthorized
from app.i18n import _

csrf = CSRFProtect()
login_manager = LoginManager()


class NordialogSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session that (1) notices a tampered cookie instead of silently
    starting afresh, and (2) marks the cookie Secure whenever the request came over HTTPS."""

    def open_session(self, app, request):
        cookie = request.cookies.get(self.get_cookie_name(app))
        serializer = self.get_signing_serializer(app)
        if cookie and serializer is not None:
            try:
                serializer.loads(cookie, max_age=int(
                    app.permanent_session_lifetime.total_seconds()))
            except BadSignature:
                g.session_tampered = True
                fresh = self.session_class()
                fresh.modified = True  # so the response removes the bad cookie
                return fresh
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def start_session(user) -> None:
    """What signing in keeps in the session: the account's generation (signing out anywhere
    ends the session) and when it started and was last used (the time limits)."""
    now = int(time.time())
    session["generation"] = user.session_generation
    session["signed_in_at"] = now
    session["seen_at"] = now


def _session_expired(app) -> bool:
    """Too long idle, or too long since signing in (or a session from before the limits)."""
    now = int(time.time())
    started, seen = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = app.config["SESSION_MAX_HOURS"] * 3600
    return now - seen > idle or now - started > lifetime


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _bearer_user():
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, secret = header.partition(" ")
    user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized(_("The API token is not valid: it is unknown, revoked or expired."),
                           audit={"entity": None})
    return user


def init_auth(app: Flask) -> None:
    app.session_interface = NordialogSessionInterface()
    # The cookie's signature is not accepted beyond the absolute lifetime either.
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user = db.User.get(id=int(user_id))
        except (TypeError, ValueError, OverflowError):
            return None
        if user is None or not user.active:
            return None
        # A copy of a cookie from before the person signed out is no longer a session.
        if session.get("generation") != user.session_generation:
            return None
        from flask import current_app

        if _session_expired(current_app):
            g.session_expired = True
            return None
        now = int(time.time())
        if now - session["seen_at"] >= 60:  # a new cookie a minute at most, not every request
            session["seen_at"] = now
        return user

    @app.before_request
    def identify():
        g.audit_token = audit.set_context(None, "api" if is_api_request() else "web",
                                          request.remote_addr)
        if is_api_request():
            user = _bearer_user()
        else:
            user = current_user._get_current_object() if current_user.is_authenticated else None
            if g.get("session_tampered"):
                raise Unauthorized(_("Your session is not valid. Please sign in again."),
                                   audit={"entity": None})
            if g.get("session_expired"):
                # Ended on the server: the cookie is emptied and the person signs in again.
                user_id = session.get("_user_id")
                session.clear()
                audit.record(db, "session_expired", entity="User",
                             entity_id=int(user_id) if str(user_id).isdigit() else None,
                             summary=f"{request.method} {request.path}")
                flash(_("Your session has ended. Please sign in again."))
        g.user = user
        g.principal = principal_for(user)
        # A signed-in person's saved choice; otherwise what this browser chose here.
        g.user_language = (user.language if user is not None else None) or \
            session.get("language")
        if user is not None:
            audit.reset_context(g.audit_token)
            g.audit_token = audit.set_context(user.id, "api" if is_api_request() else "web",
                                              request.remote_addr)

    @app.teardown_request
    def forget_identity(_exc):
        token = g.pop("audit_token", None)
        if token is not None:
            audit.reset_context(token)
