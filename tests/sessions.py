"""Signing a test client in without the sign-in form (for tests about other pages)."""

import time

from pony.orm import db_session


def sign_in(client, user_id: int) -> None:
    """Store what signing in stores: the user, a fresh login and the account's session
    generation (signing out anywhere moves it on, ending every copy of the cookie)."""
    app = client.application
    with app.app_context(), db_session:
        generation = app.extensions["nordialog.db"].User[int(user_id)].session_generation
    now = int(time.time())
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["generation"] = generation
        session["signed_in_at"] = session["seen_at"] = now
