"""Two people on one record: every web form carries the version it was shown with, and when
someone else saved in between, the second person sees the conflict (their own text kept, the
other person's shown) and nothing is overwritten; saving again from that page then works."""

import html
import re
from datetime import date, datetime

import pytest
from pony.orm import commit, db_session

from app.accounts.services import assign_role, create_user
from app.commitments import services as commitments
from app.db import db
from app.engagements import services as engagements
from app.meetings import services as meetings
from app.meetings.evaluation import evaluation_of_last_cycle, record_evaluation
from tests.factories import make_commitment, make_engagement, make_programme, make_school
from tests.sessions import sign_in


@pytest.fixture
def two_cycles(app):
    """A school in its second cycle: last cycle's commitment on the evaluation item of a talk
    that was held, with a participant; an administrator signed in to a test client."""
    with app.app_context(), db_session:
        programme = make_programme()
        school = make_school()
        previous = make_engagement(programme, school, period="2024/25",
                                   starts_on=date(2024, 8, 1))
        earlier = make_commitment(previous, title="Reading band")
        current = make_engagement(programme, school, period="2025/26",
                                  starts_on=date(2025, 8, 1))
        meeting = meetings.plan_meeting(current, meeting_type="talk",
                                        starts_at=datetime(2026, 4, 20, 7, 0))
        meetings.add_participant(meeting, name="Rektor Hansen", role="school_leader")
        meetings.mark_held(meeting, held_at=meeting.starts_at)
        commitment = make_commitment(current, title="Maths circles")
        user = create_user(email="admin@example.test", name="Admin", password="x" * 12,
                           language="en")
        assign_role(user, "administrator", None)
        commit()
        ids = {"meeting": meeting.id, "commitment": commitment.id, "earlier": earlier.id,
               "engagement": current.id, "user": user.id,
               "item": min(i.id for i in meeting.agenda_items if i.kind == "theme"),
               "participant": min(p.id for p in meeting.participants),
               "step": min(s.id for s in current.year_wheel)}
    client = app.test_client()
    sign_in(client, ids["user"])
    return app, client, ids


def shown(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.text


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)


def csrf(page: str) -> str:
    return hidden(page, "csrf_token")


def meanwhile(app, change) -> None:
    """Someone else saves (their own request, committed)."""
    with app.app_context(), db_session:
        change()
        commit()


def text(response) -> str:
    return html.unescape(response.text)


CONFLICT = "changed by someone else"


def test_commitment_edit(two_cycles):
    app, client, ids = two_cycles
    path = f"/commitments/{ids['commitment']}"
    page = shown(client, path)
    version = hidden(page, "version")
    meanwhile(app, lambda: commitments.update_commitment(
        db.Commitment[ids["commitment"]], {"title": "Maths circles every week"}, actor="Other"))
    form = {"csrf_token": csrf(page), "version": version, "title": "Maths circles, grade 4",
            "due_date": "2026-06-30"}
    refused = client.post(path, data=form)
    assert refused.status_code == 409
    assert "Someone else saved this while you were editing" in text(refused)
    assert 'value="Maths circles, grade 4"' in text(refused)  # what was typed, kept
    assert "Maths circles every week" in text(refused)  # and theirs, beside it
    with app.app_context(), db_session:
        assert db.Commitment[ids["commitment"]].title == "Maths circles every week"
    # From the page that showed the conflict, saving again is a decision made knowingly.
    again = client.post(path, data={**form, "version": hidden(refused.text, "version")})
    assert again.status_code == 302
    with app.app_context(), db_session:
        assert db.Commitment[ids["commitment"]].title == "Maths circles, grade 4"


def test_minutes_of_an_agenda_item(two_cycles):
    app, client, ids = two_cycles
    path = f"/meetings/{ids['meeting']}"
    page = shown(client, path)
    field, version = f"minutes-{ids['item']}", f"version-{ids['item']}"
    meanwhile(app, lambda: meetings.write_minutes(db.AgendaItem[ids["item"]], "Theirs."))
    form = {"csrf_token": csrf(page), field: "Mine.", version: hidden(page, version)}
    refused = client.post(f"{path}/minutes", data=form)
    assert refused.status_code == 409
    assert CONFLICT in text(refused)
    assert "Theirs." in text(refused) and ">Mine.</textarea>" in text(refused)
    with app.app_context(), db_session:
        assert db.AgendaItem[ids["item"]].minutes == "Theirs."
    again = client.post(f"{path}/minutes", data={**form, version: hidden(refused.text, version)})
    assert again.status_code == 302
    with app.app_context(), db_session:
        assert db.AgendaItem[ids["item"]].minutes == "Mine."


def note_of(meeting_id: int, commitment_id: int) -> str:
    meeting = db.Meeting[meeting_id]
    return next(e.note for e in evaluation_of_last_cycle(meeting)
                if e.commitment.id == commitment_id)


def test_evaluation_of_last_cycles_commitments(two_cycles):
    app, client, ids = two_cycles
    path = f"/meetings/{ids['meeting']}"
    page = shown(client, path)
    field = f"note-{ids['earlier']}"
    assert hidden(page, f"version-{field}")
    meanwhile(app, lambda: record_evaluation(db.Meeting[ids["meeting"]],
                                             db.Commitment[ids["earlier"]], "Theirs: half done."))
    form = {"csrf_token": csrf(page), field: "Mine: done in grade 1-3.",
            f"version-{field}": hidden(page, f"version-{field}")}
    refused = client.post(f"{path}/evaluation", data=form)
    assert refused.status_code == 409
    assert CONFLICT in text(refused)
    assert "Theirs: half done." in text(refused)
    assert ">Mine: done in grade 1-3.</textarea>" in text(refused)
    with app.app_context(), db_session:
        assert note_of(ids["meeting"], ids["earlier"]) == "Theirs: half done."
    again = client.post(f"{path}/evaluation", data={
        **form, f"version-{field}": hidden(refused.text, f"version-{field}")})
    assert again.status_code == 302
    with app.app_context(), db_session:
        assert note_of(ids["meeting"], ids["earlier"]) == "Mine: done in grade 1-3."


def test_attendance(two_cycles):
    app, client, ids = two_cycles
    path = f"/meetings/{ids['meeting']}"
    page = shown(client, path)
    field = f"attendance-{ids['participant']}"
    meanwhile(app, lambda: meetings.record_attendance(db.Participant[ids["participant"]],
                                                      "absent"))
    form = {"csrf_token": csrf(page), field: "present",
            f"version-{field}": hidden(page, f"version-{field}")}
    refused = client.post(f"{path}/attendance", data=form)
    assert refused.status_code == 409
    assert "Someone else recorded Absent meanwhile." in text(refused)
    assert re.search(r'<option value="present" selected>', refused.text)  # the choice, kept
    with app.app_context(), db_session:
        assert db.Participant[ids["participant"]].attendance == "absent"
    # Unchanged choices are no conflict: only what this person changed is checked.
    again = client.post(f"{path}/attendance", data={
        **form, f"version-{field}": hidden(refused.text, f"version-{field}")})
    assert again.status_code == 302
    with app.app_context(), db_session:
        assert db.Participant[ids["participant"]].attendance == "present"


def test_a_lifecycle_step_on_an_old_page(two_cycles):
    app, client, ids = two_cycles
    path = f"/meetings/{ids['meeting']}"
    meanwhile(app, lambda: meetings.write_minutes(db.AgendaItem[ids["item"]], "Drafted."))
    page = shown(client, path)
    assert "Approve the minutes" in page
    meanwhile(app, lambda: meetings.approve_minutes(db.Meeting[ids["meeting"]]))
    refused = client.post(f"{path}/approve", data={"csrf_token": csrf(page),
                                                    "version": hidden(page, "version")})
    assert refused.status_code == 409
    assert "The meeting changed since you opened it" in text(refused)
    with app.app_context(), db_session:
        assert db.Meeting[ids["meeting"]].status == "minutes_approved"


def test_an_engagement_moved_to_another_phase_meanwhile(two_cycles):
    app, client, ids = two_cycles
    path = f"/engagements/{ids['engagement']}"
    page = shown(client, path)
    meanwhile(app, lambda: engagements.transition_to(
        db.Engagement[ids["engagement"]], "talk", occurred_on=date(2026, 1, 10)))
    form = {"csrf_token": csrf(page), "version": hidden(page, "version"),
            "phase": "follow_up", "occurred_on": "2026-02-01", "note": "Talk held in January"}
    refused = client.post(f"{path}/transitions", data=form)
    assert refused.status_code == 409
    assert "Someone else saved this while you were editing" in text(refused)
    assert ">Talk held in January</textarea>" in text(refused)
    with app.app_context(), db_session:
        assert db.Engagement[ids["engagement"]].current_phase.key == "talk"
    again = client.post(f"{path}/transitions",
                        data={**form, "version": hidden(refused.text, "version")})
    assert again.status_code == 302
    with app.app_context(), db_session:
        assert db.Engagement[ids["engagement"]].current_phase.key == "follow_up"


def test_a_year_wheel_step_ticked_meanwhile(two_cycles):
    app, client, ids = two_cycles
    page = shown(client, f"/engagements/{ids['engagement']}")
    form = re.search(rf'action="/year-wheel-steps/{ids["step"]}".*?</form>', page, re.S).group(0)
    meanwhile(app, lambda: engagements.mark_step(db.YearWheelStep[ids["step"]], done=True,
                                                 on=date(2025, 11, 3)))
    refused = client.post(f"/year-wheel-steps/{ids['step']}", data={
        "csrf_token": csrf(page), "version": hidden(form, "version"), "done": "on"})
    assert refused.status_code == 409
    assert "Someone else changed this step meanwhile" in text(refused)
    with app.app_context(), db_session:
        assert db.YearWheelStep[ids["step"]].done_on == date(2025, 11, 3)
