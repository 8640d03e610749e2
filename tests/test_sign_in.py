"""Signing in on the web, tokens on the API, and what gets recorded when either is refused."""

import re

import pytest
from pony.orm import commit, db_session

from app.accounts import services
from tests.world import PASSWORD


@pytest.fixture
def people(app):
    with app.app_context(), db_session:
        from app.accounts.services import create_user

        mette = create_user(email="mette@example.dk", name="Mette", password=PASSWORD,
                            language="da")
        token = services.issue_token(mette, "Warehouse").secret
        commit()
        return {"mette": mette.id, "token": token}


def csrf_token(client, path="/sign-in") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client, email, password, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/sign-in", data=data, headers={"Accept-Language": "en"})


def audit_actions(app) -> list[str]:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return [e.action for e in db.AuditEntry.select().order_by(lambda e: e.id)]


def test_sign_in_remembers_the_users_language(app, client, people):
    response = sign_in(client, "mette@example.dk", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/", headers={"Accept-Language": "sv"})
    assert home.status_code == 200
    assert '<html lang="da">' in home.text  # the user's setting beats the browser
    assert "sign_in" in audit_actions(app)


def test_a_form_without_its_csrf_token_is_refused(client, people):
    response = client.post("/sign-in", data={"email": "mette@example.dk", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_wrong_password_and_unknown_account_look_the_same(app, client, people):
    wrong = sign_in(client, "mette@example.dk", "not the password")
    unknown = sign_in(client, "nobody@example.dk", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    message = "The e-mail address or password is not right."
    assert message in wrong.text and message in unknown.text
    assert 'value="nobody@example.dk"' in unknown.text  # what was typed stays
    assert audit_actions(app).count("sign_in_failed") == 2


def test_repeated_failures_are_throttled(app, client, people):
    for _attempt in range(services.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, "mette@example.dk", "guess guess guess").status_code == 401
    throttled = sign_in(client, "mette@example.dk", PASSWORD)
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.text
    assert "sign_in_throttled" in audit_actions(app)


def test_secure_cookie_over_https(client, people):
    data = {"email": "mette@example.dk", "password": PASSWORD,
            "csrf_token": csrf_token(client)}
    # Over HTTPS the CSRF check also wants the form to come from this site.
    response = client.post("/sign-in", data=data, base_url="https://localhost",
                           headers={"Referer": "https://localhost/sign-in"})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_tampered_session_cookie_is_refused_and_recorded(app, client, people):
    sign_in(client, "mette@example.dk", PASSWORD)
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-4] + "AAAA")
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["message"] == "Your session is not valid. Please sign in again."
    assert "authentication_refused" in audit_actions(app)
    assert client.get("/").status_code == 302  # the bad cookie was dropped; sign in again


def test_only_local_paths_are_followed_after_sign_in(client, people):
    evil = sign_in(client, "mette@example.dk", PASSWORD, next="https://evil.example/")
    assert evil.headers["Location"] == "/"
    local = sign_in(client, "mette@example.dk", PASSWORD, next="/healthz")
    assert local.headers["Location"] == "/healthz"


@pytest.mark.parametrize("header", ["Bearer ndl_not-a-real-token", "Bearer ", "Basic abc"])
def test_bad_api_tokens_get_401_and_an_audit_entry(app, client, people, header):
    response = client.get("/api/v1/anything", headers={"Authorization": header,
                                                       "Accept-Language": "sv"})
    assert response.status_code == 401
    assert response.json["message"] == ("API-nyckeln är inte giltig: den är okänd, återkallad "
                                        "eller har gått ut.")
    assert "authentication_refused" in audit_actions(app)


def test_the_api_ignores_session_cookies(client, people):
    sign_in(client, "mette@example.dk", PASSWORD)
    response = client.get("/api/v1/anything")
    # Signed in on the web, but the API sees an anonymous request (and no such route).
    assert response.status_code == 404


def test_signing_out_ends_every_copy_of_the_session(app, people):
    """A cookie copied before signing out (another tab, another device, a thief) stops
    working when the person signs out."""
    browser, copy = app.test_client(), app.test_client()
    assert sign_in(browser, "mette@example.dk", PASSWORD).status_code == 302
    cookie = browser.get_cookie("session")
    copy.set_cookie(cookie.key, cookie.value)
    assert copy.get("/").status_code == 200  # the copy works while the session lasts
    token = csrf_token(browser, "/")
    assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert copy.get("/").status_code == 302  # sent to sign in
    assert sign_in(browser, "mette@example.dk", PASSWORD).status_code == 302
    assert browser.get("/").status_code == 200  # signing in again works
