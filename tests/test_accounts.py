"""Accounts: passwords, sign-in with throttling, API tokens and role assignments."""

from datetime import timedelta

import pytest

from app.accounts import services
from app.common.model import utcnow
from app.errors import Conflict, InvalidInput
from tests.factories import make_owner, make_school


def make_user(email="mette@example.dk", password="correct horse battery", **kwargs):
    return services.create_user(email=email, name=kwargs.pop("name", "Mette"), password=password,
                                **kwargs)


def test_passwords_are_stored_with_a_salted_kdf_never_as_typed(tx):
    first = make_user("a@example.dk", "same password 123")
    second = make_user("b@example.dk", "same password 123")
    assert first.password_hash.startswith("scrypt:")
    assert "same password" not in first.password_hash
    assert first.password_hash != second.password_hash  # salted


def test_account_rules(tx):
    user = make_user(email="  Mette@Example.DK ")
    assert user.email == "mette@example.dk"
    with pytest.raises(InvalidInput) as duplicate:
        make_user(email="METTE@example.dk")
    assert "email" in duplicate.value.errors
    with pytest.raises(InvalidInput) as short:
        make_user(email="x@example.dk", password="short")
    assert "password" in short.value.errors
    with pytest.raises(InvalidInput) as bad:
        services.create_user(email="not-an-address", name="", password=None, language="de")
    assert set(bad.value.errors) == {"email", "name", "language"}


def test_sign_in_refusals_say_nothing_about_the_account(tx):
    make_user()
    inactive = make_user(email="gone@example.dk")
    inactive.active = False
    messages = set()
    for email, password in [("mette@example.dk", "wrong password!!"),
                            ("nobody@example.dk", "correct horse battery"),
                            ("gone@example.dk", "correct horse battery")]:
        with pytest.raises(services.SignInFailed) as refused:
            services.authenticate(email, password, address="10.0.0.1")
        messages.add(str(refused.value.message))
    assert len(messages) == 1
    user = services.authenticate("MeTTe@example.dk", "correct horse battery", address="10.0.0.1")
    assert user.last_sign_in_at is not None


def test_repeated_failures_are_throttled_per_account_and_address(tx):
    make_user()
    for _attempt in range(services.MAX_FAILURES_PER_ACCOUNT):
        services.record_failed_sign_in("mette@example.dk", "10.0.0.1", "sign_in_failed")
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("mette@example.dk", "correct horse battery", address="10.0.0.9")
    # Another account from another address is not affected.
    make_user(email="other@example.dk")
    services.authenticate("other@example.dk", "correct horse battery", address="10.0.0.9")
    for number in range(services.MAX_FAILURES_PER_ADDRESS):
        services.record_failed_sign_in(f"guess{number}@example.dk", "10.6.6.6", "sign_in_failed")
    with pytest.raises(services.TooManyAttempts):
        services.authenticate("other@example.dk", "correct horse battery", address="10.6.6.6")


def test_old_failures_no_longer_count(tx):
    db = tx
    make_user()
    long_ago = utcnow() - services.THROTTLE_WINDOW - timedelta(minutes=1)
    for _attempt in range(services.MAX_FAILURES_PER_ACCOUNT):
        db.SignInFailure(account_key=services._account_key("mette@example.dk"),
                         address="10.0.0.1", occurred_at=long_ago)
    services.authenticate("mette@example.dk", "correct horse battery", address="10.0.0.1")


def test_tokens_are_shown_once_stored_hashed_and_revocable(tx):
    user = make_user()
    issued = services.issue_token(user, "Data warehouse")
    assert issued.secret.startswith("ndl_") and len(issued.secret) > 40
    assert issued.token.token_hash != issued.secret
    assert issued.secret not in (issued.token.token_hash, issued.token.prefix)
    assert services.user_for_token(issued.secret).id == user.id
    assert services.user_for_token(issued.secret + "x") is None
    assert services.user_for_token("") is None
    services.revoke_token(issued.token)
    assert services.user_for_token(issued.secret) is None


def test_expired_tokens_and_inactive_users_get_nothing(tx):
    user = make_user()
    expired = services.issue_token(user, "Old", expires_at=utcnow() - timedelta(seconds=1))
    assert services.user_for_token(expired.secret) is None
    live = services.issue_token(user, "Live")
    user.active = False
    assert services.user_for_token(live.secret) is None
    with pytest.raises(InvalidInput):
        services.issue_token(user, "  ")


def test_roles_belong_to_fitting_organisations(tx):
    user = make_user()
    owner = make_owner()
    school = make_school(owner)
    office = services.assign_role(user, "school_office", owner)
    assert office.scope_path == owner.path
    services.assign_role(user, "school_leader", school)
    with pytest.raises(InvalidInput):
        services.assign_role(user, "school_office", school)
    with pytest.raises(InvalidInput):
        services.assign_role(user, "administrator", owner)
    with pytest.raises(InvalidInput):
        services.assign_role(user, "wizard", owner)
    with pytest.raises(Conflict):
        services.assign_role(user, "school_office", owner)
    services.assign_role(user, "administrator")
