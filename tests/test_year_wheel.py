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
