"""Signed-in sessions end on the server: after 30 idle minutes, 12 hours after signing in
(both configurable), on signing out, and when the password is reset (ASVS 3.3)."""

import time

import pytest
from pony.orm import commit, db_session

from app.accounts import password_reset
from tests.test_sign_in import audit_actions, people, sign_in  # noqa: F401 - people: a fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.usefixtures("people")


def shift(client, **seconds_ago) -> None:
    """Move the session's clock back, as if that much time had passed."""
    now = int(time.time())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - ago


def test_a_session_in_use_stays_and_is_kept_fresh(app, client):
    assert sign_in(client, "mette@example.dk", PASSWORD).status_code == 302
    shift(client, seen_at=29 * 60, signed_in_at=11 * 3600)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5  # the request counts as activity
    shift(client, seen_at=29 * 60)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("ago", [{"seen_at": 31 * 60}, {"signed_in_at": 12 * 3600 + 5}])
def test_idle_and_old_sessions_end_on_the_server(app, client, ago):
    assert sign_in(client, "mette@example.dk", PASSWORD).status_code == 302
    cookie = client.get_cookie("session").value
    shift(client, **ago)
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "session_expired" in audit_actions(app)
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "Your session has ended. Please sign in again." in page.text
    # Whatever the cookie then says, the session is gone; the old cookie is of no use either.
    assert client.get("/").status_code == 302
    other = app.test_client()
    other.set_cookie("session", cookie)
    shift(other, **ago)
    assert other.get("/").status_code == 302


def test_a_session_without_its_times_is_not_a_session(app, client):
    """A cookie from before the limits existed (or forged without them) signs nobody in."""
    assert sign_in(client, "mette@example.dk", PASSWORD).status_code == 302
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/").status_code == 302


def test_the_limits_are_configurable(app, client):
    idle, lifetime = app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"]
    try:
        app.config["SESSION_IDLE_MINUTES"] = 5
        assert sign_in(client, "mette@example.dk", PASSWORD).status_code == 302
        shift(client, seen_at=6 * 60)
        assert client.get("/").status_code == 302
        app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"] = 60, 1
        assert sign_in(client, "mette@example.dk", PASSWORD).status_code == 302
        shift(client, seen_at=10, signed_in_at=3600 + 10)
        assert client.get("/").status_code == 302
    finally:
        app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"] = idle, lifetime


def test_the_defaults_come_from_the_environment(monkeypatch, tmp_path):
    from app.config import load_config
    from app.errors import StartupError

    monkeypatch.setenv("NORDIALOG_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("NORDIALOG_SESSION_MAX_HOURS", "8")
    config = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert (config["SESSION_IDLE_MINUTES"], config["SESSION_MAX_HOURS"]) == (15, 8)
    monkeypatch.setenv("NORDIALOG_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(StartupError, match="NORDIALOG_SESSION_IDLE_MINUTES"):
        load_config(tmp_path, {"SECRET_KEY": "x"})


def test_resetting_the_password_ends_every_session(app):
    browser = app.test_client()
    assert sign_in(browser, "mette@example.dk", PASSWORD).status_code == 302
    assert browser.get("/").status_code == 200
    with app.app_context(), db_session:
        token = password_reset.request_reset("mette@example.dk")
        commit()
    assert token
    with app.app_context(), db_session:
        password_reset.reset_password(token, "a brand new password")
        commit()
    assert browser.get("/").status_code == 302
    assert sign_in(browser, "mette@example.dk", "a brand new password").status_code == 302
    assert browser.get("/").status_code == 200
