"""The minutes form saves every agenda item at once: text no database can store (a NUL
character, which PostgreSQL refuses outright) is a message beside that item in the reader's
language, and none of the items is saved, not even the ones before it."""

import html
import re
from datetime import datetime

import pytest
from pony.orm import commit, db_session

from app.accounts.services import assign_role, create_user
from app.db import db
from app.meetings import services as meetings
from tests.factories import make_engagement, make_programme, make_school
from tests.sessions import sign_in


@pytest.fixture
def held_meeting(app):
    """A held talk with two agenda items, and a Danish-speaking administrator signed in."""
    with app.app_context(), db_session:
        engagement = make_engagement(make_programme(), make_school())
        meeting = meetings.plan_meeting(engagement, meeting_type="talk",
                                        starts_at=datetime(2026, 4, 20, 7, 0))
        meetings.mark_held(meeting, held_at=meeting.starts_at)
        user = create_user(email="admin@example.test", name="Admin", password="x" * 12,
                           language="da")
        assign_role(user, "administrator", None)
        commit()
        items = sorted(i.id for i in meeting.agenda_items)[:2]
        ids = {"meeting": meeting.id, "user": user.id, "items": items}
    client = app.test_client()
    sign_in(client, ids["user"])
    return app, client, ids


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)


@pytest.mark.parametrize("unstorable", ["a\x00b", "\x00"])
def test_unstorable_minutes_are_refused_beside_the_item_and_nothing_is_saved(held_meeting,
                                                                             unstorable):
    app, client, ids = held_meeting
    path = f"/meetings/{ids['meeting']}"
    page = client.get(path).text
    first, second = ids["items"]
    form = {"csrf_token": hidden(page, "csrf_token"),
            f"minutes-{first}": "Drøftet læsning.",
            f"version-{first}": hidden(page, f"version-{first}"),
            f"minutes-{second}": unstorable,
            f"version-{second}": hidden(page, f"version-{second}")}

    refused = client.post(f"{path}/minutes", data=form)

    assert refused.status_code == 422
    shown = html.unescape(refused.text)
    assert "Referatet kunne ikke gemmes." in shown
    assert (f'<p class="field-error" id="minutes-{second}-error">'
            "Teksten må ikke indeholde NUL-tegn.</p>") in shown
    assert f'id="minutes-{first}-error"' not in shown
    assert ">Drøftet læsning.</textarea>" in shown  # what was typed is kept on the page
    with app.app_context(), db_session:
        assert [db.AgendaItem[i].minutes or "" for i in (first, second)] == ["", ""]
        assert db.Meeting[ids["meeting"]].status == "held"

    form[f"minutes-{second}"] = "Drøftet trivsel."
    saved = client.post(f"{path}/minutes", data=form)
    assert saved.status_code == 302
    with app.app_context(), db_session:
        assert [db.AgendaItem[i].minutes for i in (first, second)] == [
            "Drøftet læsning.", "Drøftet trivsel."]
