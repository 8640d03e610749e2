"""Security headers on every response (pages, API, Swagger UI, static files, errors).

The pages carry no inline script or style (scripts and styles are files served by the app, and
charts carry presentation attributes, not CSS: app/charts/svg.py), so the
Content-Security-Policy needs no ``'unsafe-inline'``. Swagger UI's icons are ``data:`` images,
the only thing beyond ``'self'`` the policy allows.

Two exceptions, each as narrow as it can be: a report written as HTML is one self-contained
file (it is downloaded, mailed and archived), so its ``<style>`` element is allowed by a nonce
made for that one response; and it may be framed by the app's own Reports page, which shows it
as a preview, never by another site.
"""

from __future__ import annotations

import secrets

from flask import Flask, g


def content_security_policy(style_nonce: str | None = None,
                            framed_by_self: bool = False) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' 'nonce-{style_nonce}'" if style_nonce else "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'" if framed_by_self else "frame-ancestors 'none'",
    ])


CONTENT_SECURITY_POLICY = content_security_policy()


def style_nonce() -> str:
    """The nonce of this response's own ``<style>`` element, made on first use (templates call
    it as ``csp_style_nonce()``); the response's policy then allows that element only."""
    if "csp_style_nonce" not in g:
        g.csp_style_nonce = secrets.token_urlsafe(18)
    return g.csp_style_nonce


def allow_framing_by_self() -> None:
    """This response may be shown in a frame of the app's own pages (report previews)."""
    g.csp_framed_by_self = True

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

#: Only over HTTPS in production: a year, so a browser never falls back to plain HTTP.
HSTS = "max-age=31536000; includeSubDomains"


def init_security_headers(app: Flask) -> None:
    production = app.config.get("NORDIALOG_ENV") == "production"

    def add_security_headers(response):
        framed_by_self = bool(g.get("csp_framed_by_self"))
        response.headers.setdefault("Content-Security-Policy", content_security_policy(
            g.get("csp_style_nonce"), framed_by_self))
        if framed_by_self:
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if g.get("user") is not None:
            # What a signed-in person or token holder reads must not stay in shared caches or
            # the browser's history cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # After-request hooks run last-registered first: this one goes first in the list so it
    # runs after every other hook, including those that replace the response (a 409 at commit).
    app.after_request_funcs.setdefault(None, []).insert(0, add_security_headers)
    app.jinja_env.globals["csp_style_nonce"] = style_nonce
