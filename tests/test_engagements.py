"""Starting engagements and moving them through their programme's phases."""

from datetime import date

import pytest

from app.engagements import services
from app.errors import Conflict, InvalidInput
from tests.factories import make_engagement, make_owner, make_programme, make_school


def test_a_new_engagement_starts_in_the_first_phase_with_the_year_wheel(tx):
    engagement = make_engagement(starts_on=date(2025, 8, 1))
    assert engagement.current_phase.key == "preparation"
    [first] = services.transitions(engagement)
    assert (first.phase.key, first.occurred_on) == ("preparation", date(2025, 8, 1))
    wheel = services.year_wheel(engagement)
    assert [(step.month, step.labels["da"]) for step in wheel] == [
        (11, "startup (da)"), (4, "talks (da)")]
    assert all(step.template_step is not None and not step.done for step in wheel)


def test_phase_transitions_are_dated_and_kept_in_order(tx):
    engagement = make_engagement()
    services.transition_to(engagement, "talk", occurred_on=date(2026, 4, 1))
    services.transition_to(engagement, "follow_up", occurred_on=date(2026, 5, 1))
    assert engagement.current_phase.key == "follow_up"
    assert [(t.phase.key, t.occurred_on) for t in services.transitions(engagement)] == [
        ("preparation", date(2025, 8, 1)), ("talk", date(2026, 4, 1)),
        ("follow_up", date(2026, 5, 1))]


def test_going_back_needs_a_note(tx):
    engagement = make_engagement()
    services.transition_to(engagement, "follow_up", occurred_on=date(2026, 5, 1))
    with pytest.raises(InvalidInput) as refused:
        services.transition_to(engagement, "talk", occurred_on=date(2026, 5, 2))
    assert "note" in refused.value.errors
    services.transition_to(engagement, "talk", occurred_on=date(2026, 5, 2),
                           note="The talk is held again with the new leader")
    assert engagement.current_phase.key == "talk"


def test_dates_never_go_backwards(tx):
    engagement = make_engagement()
    services.transition_to(engagement, "talk", occurred_on=date(2026, 4, 1))
    with pytest.raises(InvalidInput) as refused:
        services.transition_to(engagement, "follow_up", occurred_on=date(2026, 3, 1))
    assert "occurred_on" in refused.value.errors
    assert engagement.current_phase.key == "talk"


def test_unknown_or_unchanged_phase_is_refused(tx):
    engagement = make_engagement()
    with pytest.raises(Exception) as unknown:
        services.transition_to(engagement, "no_such_phase", occurred_on=date(2026, 1, 1))
    # A value the client sent, not a missing page: 422 with the message beside the field.
    assert unknown.value.status == 422 and "phase" in unknown.value.errors
    with pytest.raises(Conflict):
        services.transition_to(engagement, "preparation", occurred_on=date(2026, 1, 1))


def test_one_engagement_per_programme_organisation_and_period(tx):
    programme = make_programme()
    school = make_school()
    make_engagement(programme, school, period="2025/26")
    with pytest.raises(Conflict):
        make_engagement(programme, school, period="2025/26")


def test_only_participating_kinds_take_part(tx):
    with pytest.raises(InvalidInput) as refused:
        make_engagement(make_programme(participant_kinds=("school",)), make_owner())
    assert "organisation" in refused.value.errors


def test_the_next_cycle_links_to_the_previous_one(tx):
    programme = make_programme()
    school = make_school()
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    following = make_engagement(programme, school, period="2025/26", starts_on=date(2025, 8, 1))
    assert following.previous.id == last.id
    assert last.following.id == following.id


def test_a_closed_engagement_does_not_move(tx):
    engagement = make_engagement()
    services.close_engagement(engagement, ends_on=date(2026, 7, 31))
    assert engagement.status == "completed"
    with pytest.raises(Conflict):
        services.transition_to(engagement, "talk", occurred_on=date(2026, 8, 1))
