"""Behind a reverse proxy (NORDIALOG_PROXY_FIX=hops) the client's address and HTTPS come from
the proxy's X-Forwarded-* headers; without it those headers are ignored (anyone could send
them)."""

import pytest
from pony.orm import db_session

from app import create_app
from tests.conftest import TEST_CONFIG
from tests.test_sign_in import csrf_token, people  # noqa: F401 - people: a fixture
from tests.world import PASSWORD

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "Referer": "https://localhost/sign-in"}

pytestmark = pytest.mark.usefixtures("people")


def attempt(client, password: str):
    data = {"email": "mette@example.dk", "password": password,
            "csrf_token": csrf_token(client)}
    return client.post("/sign-in", data=data, headers=FORWARDED)


def recorded_addresses(app) -> tuple[set, set]:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return ({f.address for f in db.SignInFailure.select()},
                {e.address for e in db.AuditEntry.select(lambda e: e.action == "sign_in_failed")})


def test_behind_one_proxy_the_forwarded_client_and_https_count(app):
    proxied = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"],
                          "PROXY_FIX": 1})
    client = proxied.test_client()
    assert attempt(client, "not the password").status_code == 401
    assert recorded_addresses(proxied) == ({"203.0.113.7"}, {"203.0.113.7"})
    signed_in = attempt(client, PASSWORD)
    assert signed_in.status_code == 302
    assert "Secure" in signed_in.headers["Set-Cookie"]  # the proxy spoke HTTPS to the browser


def test_without_it_forwarded_headers_are_ignored(app, client):
    assert attempt(client, "not the password").status_code == 401
    assert recorded_addresses(app) == ({"127.0.0.1"}, {"127.0.0.1"})
    signed_in = attempt(client, PASSWORD)
    assert signed_in.status_code == 302
    assert "Secure" not in signed_in.headers["Set-Cookie"]


def test_the_setting_is_checked_at_start(monkeypatch, tmp_path):
    from app.config import load_config
    from app.errors import StartupError

    monkeypatch.setenv("NORDIALOG_PROXY_FIX", "2")
    assert load_config(tmp_path, {"SECRET_KEY": "x"})["PROXY_FIX"] == 2
    monkeypatch.setenv("NORDIALOG_PROXY_FIX", "yes")
    with pytest.raises(StartupError, match="NORDIALOG_PROXY_FIX"):
        load_config(tmp_path, {"SECRET_KEY": "x"})
