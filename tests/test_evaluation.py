"""The next talk follows up the last: its evaluation item lists last cycle's commitments, and
the open ones are carried over in one step with their history."""

from datetime import date, datetime

import pytest

from app.accounts.access import principal_for
from app.accounts.services import assign_role, create_user
from app.commitments import acknowledgement as ack
from app.commitments import services as commitments
from app.engagements import services as engagements
from app.errors import Conflict, InvalidInput
from app.meetings import services as meetings
from app.meetings.evaluation import (
    evaluation_item,
    evaluation_of_last_cycle,
    fill_evaluation,
    record_evaluation,
)
from app.organisations.today import as_of
from tests.factories import (
    make_commitment,
    make_engagement,
    make_meeting,
    make_owner,
    make_programme,
    make_school,
)


def person(role: str, organisation, name: str):
    email = f"{role}.{organisation.id}@cycle.test"
    user = create_user(email=email, name=name, password="correct horse battery")
    assign_role(user, role, organisation)
    return principal_for(user)


def test_a_danish_cycle_from_one_years_talk_into_the_next_years_agenda(tx):
    # 2024/25: Stevns holds the development talk with Hårlev Skole in April.
    stevns = make_owner("Stevns Kommune")
    school = make_school(stevns, "Hårlev Skole")
    leader = person("school_leader", school, "Mette Løvgren")
    consultant = person("school_office", stevns, "Anders Kjær")
    programme = make_programme(key="dk_test_talk")
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    talk = make_meeting(last, starts_at=datetime(2025, 4, 22, 7, 0))
    assert evaluation_of_last_cycle(talk) == []  # the first cycle has nothing to evaluate

    def agreed(title, **fields):
        return make_commitment(last, meeting=talk, title=title, agreed_on=date(2025, 4, 22),
                               follow_up_interval_days=60, **fields)

    reading = agreed("Daily reading time in grades 0-3", due_date=date(2025, 12, 19))
    absence = agreed("Early follow-up on absence", due_date=date(2025, 6, 19))
    maths = agreed("Maths coach in every team", due_date=date(2026, 6, 20))
    wellbeing = agreed("Well-being survey acted on", due_date=date(2026, 3, 31))

    # Follow-ups through the year; the reading band is reported done and acknowledged.
    commitments.add_follow_up(reading, occurred_on=date(2025, 6, 20), narrative="Started",
                              status_to="in_progress", progress=40)
    report = ack.report_completion(leader, reading, comment="All classes read daily")
    ack.acknowledge(consultant, report, comment="Seen at the school visit")
    commitments.add_follow_up(absence, occurred_on=date(2025, 10, 1),
                              narrative="Only two teams have started", status_to="at_risk",
                              progress=20)
    commitments.add_follow_up(maths, occurred_on=date(2025, 6, 1), narrative="No coach found",
                              status_to="in_progress", progress=10)
    commitments.change_status(wellbeing, "cancelled", reason="Replaced by the new survey")
    engagements.close_engagement(last, ends_on=date(2025, 7, 31))

    # 2025/26: the next cycle continues the last one; the talk is planned for April.
    current = make_engagement(programme, school, period="2025/26", starts_on=date(2025, 8, 1))
    assert current.previous.id == last.id
    next_talk = make_meeting(current, starts_at=datetime(2026, 4, 21, 7, 0))

    item = evaluation_item(next_talk)
    assert item.kind == "evaluation" and item.position == 1
    entries = evaluation_of_last_cycle(next_talk, today=as_of(date(2026, 4, 1)))
    assert [(e.commitment.title, e.status) for e in entries] == [
        ("Early follow-up on absence", "at_risk"),           # open, due first: overdue
        ("Maths coach in every team", "in_progress"),
        ("Daily reading time in grades 0-3", "achieved"),
        ("Well-being survey acted on", "cancelled"),
    ]
    # The maths coach's follow-up (60 days after June) was missed: at risk.
    assert [(e.tracking.overdue, e.tracking.at_risk) for e in entries] == [
        (True, True), (False, True), (False, False), (False, False)]
    assert all(e.line is not None and e.note == "" for e in entries)

    # One step carries the open ones into this cycle, keeping their history.
    carried = commitments.carry_over_open(last, current, due_date=date(2026, 6, 19),
                                          reason="Continued at the talk")
    # Each keeps a due date in this cycle; one that fell due last year gets the new date.
    assert [(c.title, c.due_date) for c in carried] == [
        ("Early follow-up on absence", date(2026, 6, 19)),
        ("Maths coach in every team", date(2026, 6, 20))]
    assert {c.engagement.id for c in carried} == {current.id}
    assert [e.kind for e in commitments.history(maths)] == [
        "created", "status_changed", "follow_up", "carried_over"]
    assert (maths.status, absence.status) == ("carried_over", "carried_over")

    # At the talk the minutes record each one's evaluation.
    meetings.mark_held(next_talk, held_at=datetime(2026, 4, 21, 9, 0))
    record_evaluation(next_talk, maths, "No coach could be hired; carried over with a new plan")
    record_evaluation(next_talk, reading, "Keep the reading band as daily practice")
    assert next_talk.status == "minutes_drafted"

    entries = evaluation_of_last_cycle(next_talk)
    by_title = {e.commitment.title: e for e in entries}
    assert by_title["Maths coach in every team"].successor.id == carried[1].id
    assert by_title["Maths coach in every team"].note.startswith("No coach")
    assert by_title["Daily reading time in grades 0-3"].successor is None
    assert {e.tracking.open for e in entries} == {False}  # last cycle is settled

    meetings.approve_minutes(next_talk)
    published = meetings.publish_minutes(next_talk)
    assert [(line["title"], line["status"]) for line in published.content["evaluation"]] == [
        ("Early follow-up on absence", "carried_over"),
        ("Maths coach in every team", "carried_over"),
        ("Daily reading time in grades 0-3", "achieved"),
        ("Well-being survey acted on", "cancelled"),
    ]
    assert published.content["evaluation"][2]["note"] == "Keep the reading band as daily practice"


@pytest.fixture
def two_cycles(tx):
    programme = make_programme()
    school = make_school()
    last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
    current = make_engagement(programme, school, period="2025/26", starts_on=date(2025, 8, 1))
    return last, current


def test_filling_again_keeps_notes_and_adds_what_is_new(two_cycles):
    last, current = two_cycles
    first = make_commitment(last, title="First", due_date=date(2025, 5, 1))
    meeting = make_meeting(current)
    meetings.mark_held(meeting, held_at=meeting.starts_at)
    record_evaluation(meeting, first, "Met")
    later = make_commitment(last, title="Added after planning", due_date=date(2025, 6, 1))
    lines = fill_evaluation(meeting)
    assert [(line.commitment.id, line.note, line.position) for line in lines] == [
        (first.id, "Met", 1), (later.id, "", 2)]
    assert fill_evaluation(meeting) == lines


def test_meetings_without_an_evaluation_item_or_an_earlier_cycle_get_none(two_cycles):
    last, current = two_cycles
    make_commitment(last)
    secret = make_meeting(current, meeting_type="leadership_talk")
    assert evaluation_item(secret) is None
    assert fill_evaluation(secret) == []
    assert evaluation_item(make_meeting(last)).evaluation_lines.count() == 0


def test_the_evaluation_is_written_like_minutes_for_last_cycles_commitments_only(two_cycles):
    last, current = two_cycles
    old = make_commitment(last)
    meeting = make_meeting(current)
    with pytest.raises(Conflict):
        record_evaluation(meeting, old, "Before the meeting is held")
    meetings.mark_held(meeting, held_at=meeting.starts_at)
    with pytest.raises(InvalidInput) as refused:
        record_evaluation(meeting, make_commitment(current), "This year's")
    assert "commitment" in refused.value.errors
    record_evaluation(meeting, old, "  Met  ")
    assert evaluation_of_last_cycle(meeting)[0].note == "Met"


def test_confidential_commitments_stay_out_of_the_boards_view_and_the_publication(two_cycles):
    last, current = two_cycles
    make_commitment(last, title="Reading")
    make_commitment(last, title="Leadership", confidential=True)
    meeting = make_meeting(current)
    board = person("board_member", current.organisation, "Board")
    leader = person("school_leader", current.organisation, "Leader")
    assert [e.commitment.title for e in evaluation_of_last_cycle(meeting, principal=board)] == [
        "Reading"]
    assert len(evaluation_of_last_cycle(meeting, principal=leader)) == 2
    meetings.mark_held(meeting, held_at=meeting.starts_at)
    meetings.write_minutes(meetings.agenda(meeting)[0], "Both discussed")
    meetings.approve_minutes(meeting)
    assert [line["title"] for line in meetings.publish_minutes(meeting).content["evaluation"]] \
        == ["Reading"]


def test_carrying_over_checks_everything_before_writing_anything(two_cycles):
    last, current = two_cycles
    early = make_commitment(last, title="Due last spring", due_date=date(2025, 5, 1))
    ongoing = make_commitment(last, title="Due this winter", due_date=date(2025, 12, 1))
    done = make_commitment(last, title="Done")
    commitments.change_status(done, "achieved")
    with pytest.raises(InvalidInput) as refused:
        commitments.carry_over_open(last, current)  # the next cycle has no end date to use
    assert "due_date" in refused.value.errors
    with pytest.raises(InvalidInput):
        commitments.carry_over_open(last, current, due_date=date(2025, 7, 1))
    with pytest.raises(InvalidInput):
        commitments.carry_over_open(current, last, due_date=date(2026, 6, 1))
    assert (early.status, ongoing.status) == ("agreed", "agreed")
    assert current.commitments.count() == 0

    current.ends_on = date(2026, 7, 31)
    carried = commitments.carry_over_open(last, current)
    assert [(c.title, c.due_date) for c in carried] == [
        ("Due last spring", date(2026, 7, 31)), ("Due this winter", date(2025, 12, 1))]
    assert done.status == "achieved"
    assert commitments.carry_over_open(last, current) == []


def test_carrying_over_needs_an_active_later_cycle(two_cycles):
    last, current = two_cycles
    make_commitment(last)
    engagements.close_engagement(current)
    with pytest.raises(Conflict):
        commitments.carry_over_open(last, current, due_date=date(2026, 6, 1))


def test_an_evaluation_line_is_as_confidential_as_its_commitment(two_cycles):
    from app.accounts.access import can

    last, current = two_cycles
    make_commitment(last, title="Reading")
    make_commitment(last, title="Leadership", confidential=True)
    meeting = make_meeting(current)
    board = person("board_member", current.organisation, "Board")
    lines = {line.commitment.title: line for line in evaluation_item(meeting).evaluation_lines}
    assert can(board, "read", lines["Reading"])
    assert not can(board, "read", lines["Leadership"])


def test_on_the_web_a_commitment_is_carried_over_with_the_due_date_the_user_sets(app):
    import re

    from pony.orm import commit, db_session

    from tests.sessions import sign_in

    with app.app_context(), db_session:
        programme, owner = make_programme(), make_owner("Kommune")
        school = make_school(owner)
        last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
        current = make_engagement(programme, school, period="2025/26",
                                  starts_on=date(2025, 8, 1))
        maths = make_commitment(last, title="Maths coach", due_date=date(2025, 6, 30))
        done = make_commitment(last, title="Reading band", due_date=date(2025, 6, 30))
        commitments.change_status(done, "cancelled", reason="Replaced")
        office = create_user(email="office@carry.test", name="Office", password="x" * 12)
        assign_role(office, "school_office", owner)
        commit()
        ids = {"maths": maths.id, "done": done.id, "current": current.id, "office": office.id}
    client = app.test_client()
    sign_in(client, ids["office"])
    page = client.get(f"/commitments/{ids['maths']}")
    assert 'name="due_date"' in page.text and f'value="{ids["current"]}"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def carry(commitment_id, **fields):
        return client.post(f"/commitments/{commitment_id}/carry-over", data={
            "csrf_token": token, "engagement_id": str(ids["current"]), **fields})

    # Bad input is explained on the form, and nothing is carried over.
    for fields, message in (({}, "give a new due date"),
                            ({"due_date": "2025-07-31"}, "Must be in the next cycle")):
        refused = carry(ids["maths"], **fields)
        assert refused.status_code == 422 and message in refused.text
    closed = carry(ids["done"], due_date="2026-03-31")
    assert closed.status_code == 422 and "Only an open commitment can be carried over" in (
        closed.text)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        assert db.Commitment.select(lambda c: c.engagement.id == ids["current"]).count() == 0
        assert db.Commitment[ids["maths"]].status == "agreed"

    carried = carry(ids["maths"], due_date="2026-03-31", reason="New plan with the team")
    assert carried.status_code == 302
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        successor = db.Commitment.get(engagement=db.Engagement[ids["current"]])
        assert carried.headers["Location"].endswith(f"/commitments/{successor.id}")
        assert (successor.title, successor.due_date, successor.carried_over_from.id) == (
            "Maths coach", date(2026, 3, 31), ids["maths"])
        assert db.Commitment[ids["maths"]].status == "carried_over"
