"""The commitment status graph, follow-ups and carry-over (on both engines)."""

from datetime import date

import pytest

from app.commitments import services
from app.commitments.status import CLOSED, OPEN, STATUSES, TRANSITIONS, may_follow
from app.errors import Conflict, InvalidInput
from tests.factories import make_commitment, make_engagement, make_programme, make_school


def test_every_status_has_a_rule_and_a_label():
    assert set(TRANSITIONS) == set(STATUSES) == OPEN | CLOSED


@pytest.mark.parametrize("current,new", [
    ("proposed", "agreed"), ("agreed", "in_progress"), ("in_progress", "at_risk"),
    ("at_risk", "in_progress"), ("in_progress", "achieved"), ("at_risk", "not_achieved"),
    ("agreed", "cancelled"),
])
def test_allowed_moves(current, new):
    assert may_follow(current, new)


@pytest.mark.parametrize("current,new", [
    ("proposed", "achieved"), ("proposed", "in_progress"), ("achieved", "cancelled"),
    ("carried_over", "in_progress"), ("cancelled", "achieved"), ("in_progress", "proposed"),
])
def test_refused_moves(current, new):
    assert not may_follow(current, new)


def test_status_change_is_recorded_in_history(tx):
    commitment = make_commitment()
    services.change_status(commitment, "in_progress", actor="Mette")
    events = services.history(commitment)
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("created", None, "agreed"), ("status_changed", "agreed", "in_progress")]
    assert events[-1].actor == "Mette"


def test_a_refused_move_changes_nothing(tx):
    commitment = make_commitment(status="proposed")
    with pytest.raises(Conflict):
        services.change_status(commitment, "achieved")
    assert commitment.status == "proposed"
    assert len(services.history(commitment)) == 1


def test_reopening_needs_a_reason(tx):
    commitment = make_commitment()
    services.change_status(commitment, "achieved")
    with pytest.raises(InvalidInput) as refused:
        services.change_status(commitment, "in_progress", reason="  ")
    assert "reason" in refused.value.errors
    services.change_status(commitment, "in_progress", reason="The effect did not last")
    assert commitment.status == "in_progress"
    assert services.history(commitment)[-1].reason == "The effect did not last"


def test_carried_over_is_reached_only_by_carrying_over(tx):
    commitment = make_commitment()
    with pytest.raises(Conflict):
        services.change_status(commitment, "carried_over")


def test_achieved_means_full_progress(tx):
    commitment = make_commitment()
    services.change_status(commitment, "achieved")
    assert commitment.progress == 100


def test_new_commitments_start_proposed_or_agreed(tx):
    with pytest.raises(InvalidInput) as refused:
        make_commitment(status="achieved")
    assert "status" in refused.value.errors


def test_a_title_is_required(tx):
    with pytest.raises(InvalidInput) as refused:
        make_commitment(title="   ")
    assert "title" in refused.value.errors


def test_follow_up_moves_status_progress_and_next_date(tx):
    commitment = make_commitment(follow_up_interval_days=30, agreed_on=date(2025, 9, 1))
    assert commitment.next_follow_up_on == date(2025, 10, 1)
    services.add_follow_up(commitment, occurred_on=date(2025, 10, 3), narrative="Started",
                           status_to="in_progress", progress=20)
    assert (commitment.status, commitment.progress) == ("in_progress", 20)
    # No explicit next date: one cadence interval after the follow-up.
    assert commitment.next_follow_up_on == date(2025, 11, 2)
    services.add_follow_up(commitment, occurred_on=date(2025, 11, 1), narrative="Slipping",
                           status_to="at_risk", next_follow_up_on=date(2025, 11, 15))
    assert commitment.next_follow_up_on == date(2025, 11, 15)
    assert [f.narrative for f in services.follow_ups(commitment)] == ["Started", "Slipping"]


def test_closing_follow_up_clears_the_next_date(tx):
    commitment = make_commitment(follow_up_interval_days=30)
    services.add_follow_up(commitment, occurred_on=date(2025, 10, 3), narrative="Going",
                           status_to="in_progress")
    services.add_follow_up(commitment, occurred_on=date(2025, 12, 3), narrative="Given up",
                           status_to="not_achieved")
    assert commitment.status == "not_achieved"
    assert commitment.next_follow_up_on is None


def test_a_follow_up_cannot_make_a_commitment_achieved(tx):
    commitment = make_commitment(follow_up_interval_days=30)
    with pytest.raises(InvalidInput) as refused:
        services.add_follow_up(commitment, occurred_on=date(2025, 12, 3), narrative="Done",
                               status_to="achieved")
    assert "status_to" in refused.value.errors
    assert commitment.status == "agreed"
    assert services.follow_ups(commitment) == []


def test_closing_clears_the_next_follow_up(tx):
    commitment = make_commitment(follow_up_interval_days=30)
    services.change_status(commitment, "cancelled", reason="The school merged")
    assert commitment.next_follow_up_on is None


def test_follow_up_validation_names_fields(tx):
    commitment = make_commitment()
    with pytest.raises(InvalidInput) as refused:
        services.add_follow_up(commitment, occurred_on=date(2999, 1, 1), narrative="",
                               progress=140)
    assert set(refused.value.errors) == {"occurred_on", "narrative", "progress"}
    assert services.follow_ups(commitment) == []


def test_closed_commitment_takes_no_follow_up(tx):
    commitment = make_commitment()
    services.change_status(commitment, "cancelled")
    with pytest.raises(Conflict):
        services.add_follow_up(commitment, occurred_on=date(2025, 10, 1), narrative="Too late")


def test_carry_over_creates_a_linked_successor_in_the_next_cycle(tx):
    programme = make_programme()
    school = make_school()
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    commitment = make_commitment(last, title="Reading band", follow_up_interval_days=30)
    services.add_follow_up(commitment, occurred_on=date(2025, 3, 1), narrative="Half way",
                           status_to="in_progress", progress=50)
    following = make_engagement(programme, school, period="2025/26")
    assert following.previous.id == last.id

    successor = services.carry_over(commitment, following, due_date=date(2026, 3, 31),
                                    reason="Continues")

    assert commitment.status == "carried_over"
    assert commitment.carried_over_to.id == successor.id
    assert successor.carried_over_from.id == commitment.id
    assert successor.engagement.id == following.id
    assert (successor.title, successor.status, successor.progress) == ("Reading band", "agreed", 50)
    assert successor.due_date == date(2026, 3, 31)
    # The original keeps its whole history; the successor's starts with where it came from.
    assert [e.kind for e in services.history(commitment)] == [
        "created", "status_changed", "follow_up", "carried_over"]
    assert services.history(successor)[0].changes == {"carried_over_from": commitment.id}


def test_closed_commitment_cannot_be_carried_over(tx):
    programme = make_programme()
    school = make_school()
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    following = make_engagement(programme, school, period="2025/26")
    commitment = make_commitment(last)
    services.change_status(commitment, "achieved")
    with pytest.raises(Conflict):
        services.carry_over(commitment, following)
    assert commitment.carried_over_to is None


def test_carry_over_goes_only_to_a_later_cycle_of_the_same_organisation(tx):
    programme = make_programme()
    last = make_engagement(programme, make_school(), period="2024/25", starts_on=date(2024, 8, 1))
    elsewhere = make_engagement(programme, make_school(), period="2025/26")
    commitment = make_commitment(last)
    with pytest.raises(InvalidInput):
        services.carry_over(commitment, elsewhere)
    with pytest.raises(InvalidInput):
        services.carry_over(commitment, last)
    assert commitment.status == "agreed"


def test_update_keeps_before_and_after(tx):
    commitment = make_commitment(title="Old title")
    diff = services.update_commitment(commitment, {"title": "New title",
                                                   "due_date": date(2026, 5, 1)})
    assert diff["title"] == {"before": "Old title", "after": "New title"}
    assert diff["due_date"]["after"] == "2026-05-01"
    assert services.history(commitment)[-1].changes == diff


def test_closed_commitment_cannot_be_edited(tx):
    commitment = make_commitment()
    services.change_status(commitment, "not_achieved")
    with pytest.raises(Conflict):
        services.update_commitment(commitment, {"title": "Rewritten"})
