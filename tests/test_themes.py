"""Themes: vocabulary, free themes and the party that chose each."""

from datetime import date

import pytest

from app.engagements.services import mark_step, year_wheel
from app.errors import Conflict, InvalidInput
from app.themes import services
from tests.factories import labels, make_engagement, make_meeting


def test_free_themes_are_kept_as_written_and_not_duplicated(tx):
    first = services.free_theme("  Udeskole i alle fag ")
    assert (first.key, first.title) == (None, "Udeskole i alle fag")
    assert services.free_theme("Udeskole i alle fag").id == first.id
    assert services.theme_name(first) == "Udeskole i alle fag"
    with pytest.raises(InvalidInput):
        services.free_theme("   ")


def test_each_theme_on_a_meeting_has_the_party_that_chose_it(tx):
    db = tx
    reading = db.Theme(key="reading", labels=labels("Reading"))
    meeting = make_meeting()
    services.choose_theme(meeting, reading, party="ministry")
    services.choose_theme(meeting, services.free_theme("Outdoor school"), party="school")
    assert sorted((services.theme_name(t.theme), t.party) for t in meeting.themes) == [
        ("Outdoor school", "school"), ("Reading", "ministry")]
    with pytest.raises(Conflict):
        services.choose_theme(meeting, reading, party="school")
    with pytest.raises(InvalidInput):
        services.choose_theme(meeting, services.free_theme("Other"), party="astrologer")


def test_vocabulary_lists_only_controlled_themes(tx):
    db = tx
    db.Theme(key="absence", labels=labels("Absence"))
    db.Theme(key="reading", labels=labels("Reading"))
    services.free_theme("Our own")
    assert [t.key for t in services.vocabulary()] == ["absence", "reading"]


def test_year_wheel_steps_are_ticked_off_with_a_date(tx):
    step = year_wheel(make_engagement())[0]
    mark_step(step, done=True, on=date(2025, 11, 12))
    assert (step.done, step.done_on) == (True, date(2025, 11, 12))
    mark_step(step, done=False)
    assert (step.done, step.done_on) == (False, None)
    with pytest.raises(InvalidInput):
        mark_step(step, done=True)
