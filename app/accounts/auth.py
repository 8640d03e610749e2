"""Who is making the request: a signed-in session on the web, a Bearer token on the API.

The API ignores session cookies (so it needs no CSRF protection) and the web ignores tokens.
The result is ``g.user`` and ``g.principal`` for the access rules, ``g.user_language`` for the
locale, and the audit context that attributes every change to the person.
"""

from __future__ import annotations

from flask import Flask, g, request, session
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
