"""Signing in and out of the web application."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from app.accounts.auth import start_session
from app.accounts.services import SignInFailed, TooManyAttempts, authenticate
from app.i18n import _

bp = Blueprint("accounts", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker could slip in."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("web.home")


@bp.get("/sign-in")
def sign_in_form():
    return render_template("accounts/sign_in.html", email="", errors={},
                           next=request.args.get("next", ""))


@bp.post("/sign-in")
def sign_in():
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    errors = {}
    if not email:
        errors["email"] = _("Enter your e-mail address.")
    if not password:
        errors["password"] = _("Enter your password.")
    if errors:
        return render_template("accounts/sign_in.html", email=email, errors=errors,
                               next=request.form.get("next", "")), 422
    try:
        user = authenticate(email, password, address=request.remote_addr or "-")
    except (SignInFailed, TooManyAttempts) as refused:
        # Recorded by the error handler after the rollback; the page keeps what was typed.
        refused.page = render_template("accounts/sign_in.html", email=email,
                                       errors={"form": refused.message},
                                       next=request.form.get("next", ""))
        raise
    login_user(user)
    start_session(user)
    flash(_("You are signed in."))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/sign-out")
def sign_out():
    user = g.get("user")
    if user is not None:
        # Ends this session and every copy of its cookie (on every device: sign out is
        # sign out everywhere).
        user.session_generation += 1
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("accounts.sign_in_form"))


# --- forgotten password ---------------------------------------------------------------------

@bp.get("/forgot-password")
def forgot_password_form():
    return render_template("accounts/forgot_password.html", email="", errors={}, sent=False)


@bp.post("/forgot-password")
def forgot_password():
    from app.accounts.password_reset import request_reset
    from app.accounts.services import EMAIL

    email = request.form.get("email", "").strip()
    if not EMAIL.match(email):
        return render_template("accounts/forgot_password.html", email=email, sent=False,
                               errors={"email": _("Enter a valid e-mail address.")}), 422
    request_reset(email)
    # The same answer whether or not there is such an account.
    return render_template("accounts/forgot_password.html", email=email, errors={}, sent=True)


@bp.get("/reset-password/<token>")
def reset_password_form(token):
    from app.accounts.password_reset import live_reset

    valid = live_reset(token) is not None
    return render_template("accounts/reset_password.html", token=token, valid=valid,
                           errors={}), 200 if valid else 404


@bp.post("/reset-password/<token>")
def reset_password(token):
    from app.accounts.password_reset import reset_password as reset
    from app.errors import InvalidInput

    password = request.form.get("password", "")
    errors = {}
    if password != request.form.get("password_again", ""):
        errors["password_again"] = _("The two passwords are not the same.")
    if not errors:
        try:
            reset(token, password)
        except InvalidInput as refused:
            errors = {field: " ".join(str(m) for m in messages)
                      for field, messages in refused.errors.items()}
    if errors:
        return render_template("accounts/reset_password.html", token=token,
                               valid="token" not in errors, errors=errors), 422
    flash(_("Your new password is saved. Sign in with it."))
    return redirect(url_for("accounts.sign_in_form"))
