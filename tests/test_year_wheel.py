"""The year wheel starts from the programme and is then the school office's to edit."""

import pytest

from app.engagements import services
from app.engagements.services import add_step, remove_step, step_title, update_step, year_wheel
from app.errors import Conflict, InvalidInput
from tests.factories import make_engagement


def wheel(engagement) -> list[tuple]:
    return [(step.position, step.month, step_title(step)) for step in year_wheel(engagement)]


def test_steps_are_added_at_the_end_or_at_a_place(tx):
    engagement = make_engagement()
    assert wheel(engagement) == [(1, 11, "startup"), (2, 4, "talks")]
    debrief = add_step(engagement, month=5, title="  15-minute debrief after each talk ",
                       responsible="Anders Kjær", notes="Right after the talk")
    add_step(engagement, month=12, title="Decide the data package", position=2)
    assert wheel(engagement) == [(1, 11, "startup"), (2, 12, "Decide the data package"),
                                 (3, 4, "talks"), (4, 5, "15-minute debrief after each talk")]
    assert (debrief.responsible, debrief.notes, debrief.done) == (
        "Anders Kjær", "Right after the talk", False)


def test_steps_are_edited_and_moved(tx):
    engagement = make_engagement()
    startup, talks = year_wheel(engagement)
    update_step(talks, {"month": 5, "title": "Talks with every school",
                        "responsible": "Hanne Brix", "notes": "Book rooms in March"})
    assert (talks.month, step_title(talks), talks.responsible, talks.notes) == (
        5, "Talks with every school", "Hanne Brix", "Book rooms in March")
    # The programme's labels stay; the office's own title is what people read.
    assert talks.labels["da"] == "talks (da)"
    update_step(talks, {"position": 1})
    assert wheel(engagement) == [(1, 5, "Talks with every school"), (2, 11, "startup")]


def test_removing_a_step_closes_the_gap(tx):
    engagement = make_engagement()
    add_step(engagement, month=6, title="Summary meeting across schools")
    remove_step(year_wheel(engagement)[0])
    assert wheel(engagement) == [(1, 4, "talks"), (2, 6, "Summary meeting across schools")]


@pytest.mark.parametrize("values,fields", [
    ({"month": 13, "title": "Late"}, {"month"}),
    ({"month": 0, "title": "Early"}, {"month"}),
    ({"month": "5", "title": "Text"}, {"month"}),
    ({"month": 5, "title": "   "}, {"title"}),
    ({"month": 5, "title": "x" * 201}, {"title"}),
    ({"month": 5, "title": "Where", "position": 9}, {"position"}),
    ({"month": None, "title": ""}, {"month", "title"}),
])
def test_bad_steps_are_refused_and_nothing_changes(tx, values, fields):
    engagement = make_engagement()
    before = wheel(engagement)
    with pytest.raises(InvalidInput) as refused:
        add_step(engagement, **values)
    assert set(refused.value.errors) == fields
    assert wheel(engagement) == before


def test_bad_edits_are_refused_and_nothing_changes(tx):
    engagement = make_engagement()
    step = year_wheel(engagement)[0]
    for changes, fields in [({"month": 13}, {"month"}), ({"title": ""}, {"title"}),
                            ({"position": 3}, {"position"}), ({"done": True}, {"done"})]:
        with pytest.raises(InvalidInput) as refused:
            update_step(step, changes)
        assert set(refused.value.errors) == fields
    assert wheel(engagement) == [(1, 11, "startup"), (2, 4, "talks")]


def test_a_closed_engagements_wheel_is_history(tx):
    engagement = make_engagement()
    services.close_engagement(engagement)
    step = year_wheel(engagement)[0]
    with pytest.raises(Conflict):
        add_step(engagement, month=5, title="Too late")
    with pytest.raises(Conflict):
        update_step(step, {"month": 5})
    with pytest.raises(Conflict):
        remove_step(step)
    assert len(year_wheel(engagement)) == 2


# --- on the web ---------------------------------------------------------------------------------

@pytest.fixture
def web_wheel(app):
    """An active engagement with the programme's two steps, and a signed-in school office."""
    from pony.orm import commit, db_session

    from app.accounts.services import assign_role, create_user
    from tests.sessions import sign_in

    with app.app_context(), db_session:
        engagement = make_engagement()
        office = create_user(email="office@wheel.test", name="Office", password="x" * 12)
        assign_role(office, "school_office", engagement.organisation.parent)
        commit()
        ids = {"engagement": engagement.id, "office": office.id,
               "steps": [step.id for step in year_wheel(engagement)]}
    client = app.test_client()
    sign_in(client, ids["office"])
    return client, ids


def _token(client, path: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _wheel_of(app, engagement_id) -> list[tuple]:
    from pony.orm import db_session

    with app.app_context(), db_session:
        engagement = app.extensions["nordialog.db"].Engagement[engagement_id]
        return [(s.position, s.month, step_title(s), s.responsible, s.done)
                for s in year_wheel(engagement)]


def test_the_office_adds_and_edits_steps_on_the_web(app, web_wheel):
    client, ids = web_wheel
    detail = client.get(f"/engagements/{ids['engagement']}")
    assert f"/engagements/{ids['engagement']}/year-wheel/new" in detail.text
    assert f"/year-wheel-steps/{ids['steps'][1]}/edit" in detail.text
    token = _token(client, f"/engagements/{ids['engagement']}/year-wheel/new")
    added = client.post(f"/engagements/{ids['engagement']}/year-wheel", data={
        "csrf_token": token, "month": "5", "title": "Debrief after each talk",
        "responsible": "Hanne Brix", "notes": "Right after the talk"})
    assert added.status_code == 302
    edit = client.get(f"/year-wheel-steps/{ids['steps'][1]}/edit")
    assert edit.status_code == 200 and 'name="version" value="1"' in edit.text
    saved = client.post(f"/year-wheel-steps/{ids['steps'][1]}/edit", data={
        "csrf_token": token, "version": "1", "month": "3", "title": "talks",
        "responsible": "Anders Kjær", "notes": "", "done": "on"})
    assert saved.status_code == 302
    assert _wheel_of(app, ids["engagement"]) == [
        (1, 11, "startup", "", False), (2, 3, "talks", "Anders Kjær", True),
        (3, 5, "Debrief after each talk", "Hanne Brix", False)]
    with app.app_context():
        from pony.orm import db_session

        with db_session:
            talks = app.extensions["nordialog.db"].YearWheelStep[ids["steps"][1]]
            # The programme's title was left as it was: it stays the programme's, in every
            # language, rather than the reader's language frozen in.
            assert talks.title in (None, "") and talks.labels["da"] == "talks (da)"


def test_bad_web_input_is_shown_on_the_form_and_nothing_changes(app, web_wheel):
    client, ids = web_wheel
    before = _wheel_of(app, ids["engagement"])
    token = _token(client, f"/engagements/{ids['engagement']}/year-wheel/new")
    for month, title in (("13", "Late"), ("", "No month"), ("5", "")):
        refused = client.post(f"/engagements/{ids['engagement']}/year-wheel", data={
            "csrf_token": token, "month": month, "title": title})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text
    edited = client.post(f"/year-wheel-steps/{ids['steps'][0]}/edit", data={
        "csrf_token": token, "version": "1", "month": "0", "title": "startup"})
    assert edited.status_code == 422
    assert _wheel_of(app, ids["engagement"]) == before


def test_a_step_changed_meanwhile_is_shown_not_overwritten(app, web_wheel):
    client, ids = web_wheel
    step = ids["steps"][0]
    token = _token(client, f"/year-wheel-steps/{step}/edit")
    first = client.post(f"/year-wheel-steps/{step}/edit", data={
        "csrf_token": token, "version": "1", "month": "10", "title": "startup",
        "responsible": "First"})
    assert first.status_code == 302
    # A second person had the form open at version 1.
    second = client.post(f"/year-wheel-steps/{step}/edit", data={
        "csrf_token": token, "version": "1", "month": "12", "title": "startup",
        "responsible": "Second"})
    assert second.status_code == 409
    assert "Saved meanwhile by someone else" in second.text and "First" in second.text
    assert 'name="version" value="2"' in second.text  # saving again keeps theirs on purpose
    # A tick from a page shown before the change is not applied blindly either.
    ticked = client.post(f"/year-wheel-steps/{step}", data={
        "csrf_token": token, "version": "1", "done": "on"})
    assert ticked.status_code == 409
    assert _wheel_of(app, ids["engagement"])[0] == (1, 10, "startup", "First", False)
    again = client.post(f"/year-wheel-steps/{step}/edit", data={
        "csrf_token": token, "version": "2", "month": "12", "title": "startup",
        "responsible": "Second"})
    assert again.status_code == 302
    assert _wheel_of(app, ids["engagement"])[0] == (1, 12, "startup", "Second", False)
