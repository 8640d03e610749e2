"""Due, overdue and at risk are derived from dates, progress and proposals, never stored."""

from datetime import date, datetime, timedelta

import pytest

from app.commitments import services, tracking
from app.commitments.acknowledgement import report_completion
from app.commitments.tracking import track
from app.organisations.services import create_organisation
from app.organisations.today import as_of, local_today
from tests.factories import make_commitment, make_engagement, make_owner, make_school
from tests.parties import build_parties
from tests.sql import captured_sql

DAY = date(2026, 3, 2)


def ids(query) -> set:
    return {c.id for c in query}


def selected(db, condition) -> set:
    return ids(condition.apply(db.Commitment.select()))


def test_due_today_is_not_overdue_but_yesterday_is(tx):
    due_today = make_commitment(due_date=DAY)
    due_yesterday = make_commitment(due_date=DAY - timedelta(days=1))
    assert not track(due_today, DAY).overdue
    late = track(due_yesterday, DAY)
    assert (late.overdue, late.days_overdue) == (True, 1)
    assert [r.code for r in late.reasons] == ["overdue"]
    assert late.reasons[0].message == "Was due on Mar 1, 2026: 1 day overdue."
    assert selected(tx, tracking.overdue_filter(DAY)) == {due_yesterday.id}


@pytest.mark.parametrize("status", ["achieved", "not_achieved", "cancelled"])
def test_closed_commitments_are_never_overdue_or_at_risk(tx, status):
    commitment = make_commitment(due_date=DAY - timedelta(days=90),
                                 follow_up_interval_days=10)
    services.change_status(commitment, status, reason="Closed at the talk")
    state = track(commitment, DAY)
    assert (state.open, state.overdue, state.at_risk, state.reasons) == (False, False, False, ())
    for condition in (tracking.overdue_filter(DAY), tracking.at_risk_filter(DAY),
                      tracking.follow_up_overdue_filter(DAY)):
        assert selected(tx, condition) == set()


def test_a_carried_over_commitment_is_closed_and_its_successor_is_tracked(tx):
    school = make_school()
    last = make_engagement(organisation=school, period="2024/25", starts_on=date(2024, 8, 1))
    commitment = make_commitment(last, due_date=date(2025, 6, 30))
    following = make_engagement(last.programme, school, period="2025/26")
    successor = services.carry_over(commitment, following, due_date=date(2026, 1, 31))
    assert not track(commitment, DAY).open
    assert track(successor, DAY).overdue
    assert selected(tx, tracking.overdue_filter(DAY)) == {successor.id}


def test_follow_up_due_within_a_week_and_overdue_after_its_date(tx):
    def with_follow_up(on: date):
        commitment = make_commitment(due_date=date(2026, 12, 31), progress=60)
        commitment.next_follow_up_on = on
        return commitment

    today_ = with_follow_up(DAY)
    in_a_week = with_follow_up(DAY + timedelta(days=7))
    later = with_follow_up(DAY + timedelta(days=8))
    missed = with_follow_up(DAY - timedelta(days=3))
    none = make_commitment(due_date=date(2026, 12, 31), progress=60)

    assert [track(c, DAY).follow_up_due for c in (today_, in_a_week, later, missed, none)] == [
        True, True, False, False, False]
    late = track(missed, DAY)
    assert (late.follow_up_overdue, late.at_risk) == (True, True)
    assert [r.code for r in late.reasons] == ["follow_up_overdue"]
    assert late.reasons[0].message == "A follow-up was due on Feb 27, 2026, 3 days ago."
    # The list of follow-ups due includes the overdue ones.
    assert selected(tx, tracking.follow_up_due_filter(DAY)) == {
        today_.id, in_a_week.id, missed.id}
    assert selected(tx, tracking.follow_up_overdue_filter(DAY)) == {missed.id}
    assert selected(tx, tracking.at_risk_filter(DAY)) == {missed.id}


@pytest.mark.parametrize("days_left,progress,behind", [
    (30, 49, True), (30, 50, False), (31, 0, False),
    (14, 74, True), (14, 75, False), (15, 74, False),
    (0, 10, True),  # due today, hardly started
])
def test_behind_schedule_near_the_due_date_is_at_risk(tx, days_left, progress, behind):
    commitment = make_commitment(due_date=DAY + timedelta(days=days_left), progress=progress)
    state = track(commitment, DAY)
    assert (state.behind_schedule, state.at_risk) == (behind, behind)
    assert selected(tx, tracking.behind_schedule_filter(DAY)) == ({commitment.id} if behind
                                                                  else set())
    if behind:
        assert state.reasons[-1].code == "behind_schedule"
        assert f"only {progress} percent done" in state.reasons[-1].message


def test_marked_at_risk_by_a_follow_up_is_at_risk_whatever_the_dates(tx):
    commitment = make_commitment(due_date=date(2026, 12, 31), follow_up_interval_days=30)
    services.add_follow_up(commitment, occurred_on=date(2026, 2, 20), narrative="Staff left",
                           status_to="at_risk", progress=60)
    state = track(commitment, DAY)
    assert state.at_risk and not state.overdue and not state.behind_schedule
    assert [r.code for r in state.reasons] == ["marked_at_risk"]
    assert selected(tx, tracking.at_risk_filter(DAY)) == {commitment.id}


def test_a_reported_completion_stops_the_clock_until_it_is_returned(tx):
    parties = build_parties()
    commitment = parties.commitment(due_date=DAY - timedelta(days=5), follow_up_interval_days=30)
    proposal = report_completion(parties.principal("leader"), commitment, comment="Done")
    state = track(commitment, DAY)
    assert (state.awaiting_acknowledgement, state.overdue, state.at_risk) == (True, False, False)
    assert [r.code for r in state.reasons] == ["awaiting_acknowledgement"]
    assert selected(tx, tracking.overdue_filter(DAY)) == set()
    assert selected(tx, tracking.awaiting_acknowledgement_filter()) == {commitment.id}

    from app.commitments.acknowledgement import return_proposal

    return_proposal(parties.principal("office"), proposal, comment="Show the timetables")
    assert track(commitment, DAY).overdue
    assert selected(tx, tracking.overdue_filter(DAY)) == {commitment.id}
    assert selected(tx, tracking.awaiting_acknowledgement_filter()) == set()


# --- time zones ---------------------------------------------------------------------------------

@pytest.fixture
def schools_in_three_zones(tx):
    owner = make_owner(country="NO")
    zones = {"oslo": "Europe/Oslo", "utc": "UTC", "nuuk": "America/Nuuk"}
    made = {}
    for name, zone in zones.items():
        school = create_organisation(name=f"Skole {name}", kind="school", country="NO",
                                     parent=owner, time_zone=zone)
        made[name] = make_commitment(make_engagement(organisation=school),
                                     due_date=date(2026, 6, 30))
    return made


@pytest.mark.parametrize("now,overdue", [
    # 22:30 UTC: already 1 July in Oslo, still 30 June in UTC and Nuuk.
    (datetime(2026, 6, 30, 22, 30), {"oslo"}),
    (datetime(2026, 6, 30, 21, 59), set()),
    # 00:30 UTC on 1 July: 1 July in Oslo and UTC, still 30 June in Nuuk (UTC-1 in summer).
    (datetime(2026, 7, 1, 0, 30), {"oslo", "utc"}),
    (datetime(2026, 7, 1, 3, 0), {"oslo", "utc", "nuuk"}),
])
def test_overdue_uses_the_responsible_organisations_local_date(tx, schools_in_three_zones,
                                                               now, overdue):
    made = schools_in_three_zones
    today = local_today(now)
    assert {name for name, c in made.items() if track(c, today).overdue} == overdue
    expected = {made[name].id for name in overdue}
    assert selected(tx, tracking.overdue_filter(today)) == expected


def test_a_fixed_date_applies_to_every_zone(tx, schools_in_three_zones):
    made = schools_in_three_zones
    assert selected(tx, tracking.overdue_filter(as_of(date(2026, 7, 1)))) == {
        c.id for c in made.values()}
    assert selected(tx, tracking.overdue_filter(date(2026, 6, 30))) == set()


# --- the filters and the value object agree -----------------------------------------------------

def test_every_filter_selects_exactly_the_commitments_the_value_object_flags(tx):
    parties = build_parties()
    made = []
    for offset in (-40, -1, 0, 5, 13, 20, 29, 45, 200):
        for progress in (0, 60, 90):
            for follow_up in (None, -2, 0, 6, 9):
                commitment = parties.commitment(due_date=DAY + timedelta(days=offset),
                                                progress=progress)
                if follow_up is not None:
                    commitment.next_follow_up_on = DAY + timedelta(days=follow_up)
                made.append(commitment)
    services.change_status(made[3], "at_risk")
    services.change_status(made[4], "cancelled")
    report_completion(parties.principal("leader"), made[5], comment="Done")
    report_completion(parties.principal("leader"), made[6], comment="Done")
    services.change_status(made[6], "at_risk")
    states = tracking.track_many(made, DAY)

    for condition, flag in [
        (tracking.overdue_filter(DAY), "overdue"),
        (tracking.at_risk_filter(DAY), "at_risk"),
        (tracking.behind_schedule_filter(DAY), "behind_schedule"),
        (tracking.follow_up_overdue_filter(DAY), "follow_up_overdue"),
        (tracking.awaiting_acknowledgement_filter(), "awaiting_acknowledgement"),
    ]:
        assert selected(tx, condition) == {i for i, s in states.items() if getattr(s, flag)}, flag
    assert selected(tx, tracking.follow_up_due_filter(DAY)) == {
        i for i, s in states.items() if s.follow_up_due or s.follow_up_overdue}


def test_an_overdue_list_across_many_schools_is_one_query(tx):
    owner = make_owner()
    for _number in range(30):
        make_commitment(make_engagement(organisation=make_school(owner)),
                        due_date=DAY - timedelta(days=3))
    today = local_today(datetime(2026, 3, 2, 12, 0))
    with captured_sql() as statements:
        found = tracking.overdue_filter(today).apply(tx.Commitment.select())[:]
    assert len(found) == 30
    assert len(statements) == 1 and "NOT EXISTS" in statements[0]


@pytest.mark.parametrize("language,message", [
    ("da", "Fristen var 1. mar. 2026: 2 dage over fristen."),
    ("nb", "Fristen var 1. mars 2026: 2 dager over fristen."),
    ("sv", "Skulle vara klart 1 mars 2026: 2 dagar försenat."),
])
def test_reasons_are_in_the_readers_language(app, language, message):
    from pony.orm import db_session

    with app.test_request_context(f"/?lang={language}"), db_session:
        late = make_commitment(due_date=date(2026, 3, 1))
        assert track(late, date(2026, 3, 3)).reasons[0].message == message
