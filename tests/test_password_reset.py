"""A forgotten password: a 30-minute, single-use link by e-mail; nothing tells who has an
account."""

import re
from datetime import timedelta

import pytest
from pony.orm import commit, db_session

from app.accounts import password_reset
from app.accounts.services import authenticate, create_user
from app.common.model import utcnow
from app.errors import InvalidInput
from app.notify import outbox
from tests.test_sign_in import csrf_token

NEW = "a brand new passphrase"


@pytest.fixture
def person(app):
    with app.app_context(), db_session:
        user = create_user(email="rektor@example.test", name="Rektor", password="old password 123",
                           language="sv")
        commit()
        return user.id


def ask(client, email):
    return client.post("/forgot-password", data={"email": email,
                                                 "csrf_token": csrf_token(client)})


def queued_link(app) -> str:
    with app.app_context(), db_session:
        (message,) = outbox.recent()
        assert message.kind == "password_reset"
        return re.search(r"/reset-password/(\S+)", message.body).group(1)


def test_the_answer_is_the_same_for_an_account_and_for_none(app, client, person):
    known = ask(client, "rektor@example.test")
    unknown = ask(client, "nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: page.text.replace(csrf_token(client), "")  # noqa: E731
    assert re.sub(r"value=\"[^\"]*\"", "", strip(known)) == \
        re.sub(r"value=\"[^\"]*\"", "", strip(unknown))
    with app.app_context(), db_session:
        (message,) = outbox.recent()
        assert (message.recipient, message.language) == ("rektor@example.test", "sv")
        assert "inom en halvtimme" in message.body


def test_the_link_sets_a_new_password_once(app, client, person):
    ask(client, "rektor@example.test")
    token = queued_link(app)
    assert client.get(f"/reset-password/{token}").status_code == 200
    done = client.post(f"/reset-password/{token}", data={
        "password": NEW, "password_again": NEW, "csrf_token": csrf_token(client)})
    assert done.status_code == 302
    with app.app_context(), db_session:
        assert authenticate("rektor@example.test", NEW, address="test").id == person
    # Used once: the same link is refused, and the password stays.
    assert client.get(f"/reset-password/{token}").status_code == 404
    again = client.post(f"/reset-password/{token}", data={
        "password": "yet another passphrase", "password_again": "yet another passphrase",
        "csrf_token": csrf_token(client)})
    assert again.status_code == 422
    assert "not valid any more" in again.text
    with app.app_context(), db_session:
        assert authenticate("rektor@example.test", NEW, address="test").id == person


def test_an_expired_link_is_refused(app, person):
    with app.app_context(), db_session:
        token = password_reset.request_reset("rektor@example.test",
                                             now=utcnow() - timedelta(minutes=31))
        with pytest.raises(InvalidInput) as refused:
            password_reset.reset_password(token, NEW)
        assert "token" in refused.value.errors
        still_fresh = password_reset.request_reset("rektor@example.test",
                                                   now=utcnow() - timedelta(minutes=29))
        password_reset.reset_password(still_fresh, NEW)


def test_a_wrong_token_a_short_password_or_a_mismatch_change_nothing(app, client, person):
    assert client.get("/reset-password/not-a-token").status_code == 404
    ask(client, "rektor@example.test")
    token = queued_link(app)
    short = client.post(f"/reset-password/{token}", data={
        "password": "short", "password_again": "short", "csrf_token": csrf_token(client)})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    mismatch = client.post(f"/reset-password/{token}", data={
        "password": NEW, "password_again": NEW + "x", "csrf_token": csrf_token(client)})
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    # The link still works after refused attempts: nothing was spent.
    assert client.get(f"/reset-password/{token}").status_code == 200
    with app.app_context(), db_session:
        with pytest.raises(InvalidInput):
            password_reset.reset_password("wrong" + token, NEW)


def test_a_newer_link_makes_the_older_one_useless(app, person):
    with app.app_context(), db_session:
        older = password_reset.request_reset("rektor@example.test")
        newer = password_reset.request_reset("rektor@example.test")
        with pytest.raises(InvalidInput):
            password_reset.reset_password(older, NEW)
        password_reset.reset_password(newer, NEW)


def test_an_invalid_address_is_told_beside_the_field(client, app):
    refused = ask(client, "not an address")
    assert refused.status_code == 422 and "valid e-mail address" in refused.text
    with app.app_context(), db_session:
        assert outbox.counts()["queued"] == 0


def test_the_sign_in_page_links_to_forgot_password(client):
    assert 'href="/forgot-password"' in client.get("/sign-in").text
