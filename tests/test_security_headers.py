"""Security headers on every kind of response, generic error pages with an error id, and no
stack traces or secrets for the user (docs/SECURITY.md, V7, V14)."""

from __future__ import annotations

import logging
import re

import pytest

from app import create_app
from app.security import CONTENT_SECURITY_POLICY
from tests.conftest import TEST_CONFIG
from tests.test_sign_in import sign_in
from tests.world import PASSWORD


def assert_secure_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert "Access-Control-Allow-Origin" not in response.headers  # no cross-origin reads


@pytest.mark.parametrize("path,status", [
    ("/sign-in", 200), ("/", 302), ("/api/docs", 200), ("/api/openapi.json", 200),
    ("/api/docs/static/swagger-ui-bundle.js", 200), ("/static/js/nordialog.js", 200),
    ("/healthz", 200), ("/no/such/page", 404), ("/api/v1/commitments", 401),
    ("/api/v1/commitments/99999999999", 404),
])
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    assert response.status_code == status
    assert_secure_headers(response)


def test_signed_in_pages_and_api_answers_carry_them_too(client, world):
    assert sign_in(client, "admin@example.test", PASSWORD).status_code == 302
    for path in ("/", f"/commitments/{world.c_a1}", f"/meetings/{world.m_a1}", "/commitments"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_secure_headers(page)
        # Nothing inline that the policy would have to allow.
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), path
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page.text), path
    assert page.headers["Cache-Control"] == "no-store"
    api = client.get(f"/api/v1/commitments/{world.c_a1}", headers=world.headers["admin"])
    assert api.status_code == 200
    assert_secure_headers(api)
    assert api.headers["Cache-Control"] == "no-store"  # personal and confidential data


def test_an_html_report_allows_its_own_style_element_and_framing_by_the_app_only(client, world):
    """A report is one self-contained file: its <style> carries a nonce made for that response
    and named by the policy; the Reports page may frame it, no other site."""
    assert sign_in(client, "admin@example.test", PASSWORD).status_code == 302
    nonces = []
    for _ in range(2):
        report = client.get(f"/reports/minutes/{world.m_a1}?format=html")
        assert report.status_code == 200
        nonce = re.search(r'<style nonce="([^"]+)">', report.text).group(1)
        csp = report.headers["Content-Security-Policy"]
        assert f"style-src 'self' 'nonce-{nonce}'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'self'" in csp and report.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert not re.search(r"\sstyle=|\son[a-z]+=", report.text)
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16  # one per response, unguessable
    page = client.get("/reports")
    assert "nonce-" not in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_refusals_and_conflicts_carry_them(client, world):
    too_large = client.post("/api/v1/commitments", data=b"x" * (1024 * 1024 + 1),
                            headers={**world.headers["admin"],
                                     "Content-Type": "application/json"})
    assert too_large.status_code == 413
    assert_secure_headers(too_large)
    stale = client.patch(f"/api/v1/commitments/{world.c_a1}", json={"title": "Other"},
                         headers={**world.headers["admin"], "If-Match": '"stale"'})
    assert stale.status_code == 412
    assert_secure_headers(stale)


def test_the_policy_allows_only_the_apps_own_origin():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["img-src"] == "'self' data:"
    others = {k: v for k, v in directives.items() if k != "img-src"}
    assert set(others.values()) <= {"'self'", "'none'"}


def test_production_adds_strict_transport_security(engine_databases, monkeypatch):
    database = engine_databases("sqlite")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app({**{k: v for k, v in TEST_CONFIG.items() if k != "SECRET_KEY"},
                      "NORDIALOG_ENV": "production", "DATABASE_URL": database.url})
    response = app.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in app.test_client().get("/sign-in").headers.get("Set-Cookie", "Secure")
    app.extensions["nordialog.db"].disconnect()


@pytest.fixture
def crashing_app(app):
    """A separate app on the same database with a route that fails with a secret in the
    exception (blueprints cannot be added to an app that has already served requests)."""
    crashing = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"]})
    from flask import Blueprint

    probe = Blueprint("crash_probe", __name__)

    @probe.get("/crash-probe")
    def crash():
        raise RuntimeError(f"password=hunter2 key={crashing.config['SECRET_KEY']}")

    crashing.register_blueprint(probe)
    yield crashing
    crashing.extensions["nordialog.db"].disconnect()


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_an_unexpected_error_shows_an_error_id_and_the_log_keeps_the_detail(
        crashing_app, caplog, accept):
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = crashing_app.test_client().get("/crash-probe", headers={
            "Accept": accept, "Accept-Language": "da"})
    assert response.status_code == 500
    assert_secure_headers(response)
    for leak in ("Traceback", "hunter2", "RuntimeError", "test-secret", "crash_probe",
                 "File \""):
        assert leak not in response.text
    error_id = re.search(r"[0-9a-f]{12}", response.text).group(0)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "hunter2" in logging.Formatter().formatException(logged[0].exc_info)


def test_not_found_is_a_generic_page_in_the_readers_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "sv"})
    assert response.status_code == 404
    assert '<html lang="sv">' in response.text and "Traceback" not in response.text
    assert_secure_headers(response)


def test_swagger_ui_and_the_pages_work_under_the_policy_in_chromium(new_page, world):
    """The browser enforces the policy: Swagger UI still renders and nothing is refused."""
    page = new_page("en")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/api/docs")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    assert page.locator(".opblock").count() > 10
    page.goto("/sign-in")
    page.fill("#email", "admin@example.test")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"/commitments/{world.c_a1}")
    assert violations == []
