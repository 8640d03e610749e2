"""Security headers on every response (pages, API, Swagger UI, static files, errors).

The pages carry no inline script or style (scripts and styles are files served by the app), so
the Content-Security-Policy needs no ``'unsafe-inline'``. Swagger UI's icons are ``data:``
images, the only thing beyond ``'self'`` the policy allows.
"""

from __future__ import annotations

from flask import Flask, g

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
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
