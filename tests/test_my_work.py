"""My work: what waits for each person, scoped by access, in a constant number of queries."""

from datetime import date, datetime, timedelta

import pytest
from pony.orm import commit, db_session

from app.commitments import acknowledgement as ack
from app.meetings import services as meetings
from app.work.services import my_work
from tests.factories import make_meeting
from tests.parties import Parties, build_parties
from tests.sql import captured_sql

NOW = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def parties(tx):
    return build_parties()


def titles(items) -> list[str]:
    return [item.title for item in items]


def test_the_school_leader_sees_follow_ups_and_overdue_commitments_of_the_school(parties):
    due = parties.commitment(title="Reading band", due_date=date(2026, 6, 30))
    due.next_follow_up_on = date(2026, 3, 5)
    late = parties.commitment(title="Absence plan", due_date=date(2026, 2, 20))
    late.next_follow_up_on = date(2026, 2, 1)
    parties.commitment(title="Much later", due_date=date(2026, 12, 1)).next_follow_up_on = \
        date(2026, 4, 1)
    parties.commitment("school2", title="Another school's", due_date=date(2026, 1, 1))
    central = parties.commitment(title="Consultant hours", due_date=date(2026, 1, 15),
                                 responsible_organisation=parties.orgs["owner"])

    work = my_work(parties.principal("leader"), now=NOW)
    assert titles(work.follow_ups_due) == ["Absence plan", "Reading band"]
    assert [item.tracking.follow_up_overdue for item in work.follow_ups_due] == [True, False]
    assert titles(work.overdue) == ["Absence plan"]
    assert work.overdue[0].tracking.days_overdue == 10
    assert work.overdue[0].organisation == parties.orgs["school"].name

    # The school office is responsible for the central commitment, not for the school's.
    office = my_work(parties.principal("office"), now=NOW)
    assert [item.id for item in office.overdue] == [central.id]


def test_completions_wait_for_the_other_party_and_not_for_the_reporter(parties):
    commitment = parties.commitment(title="Reading band")
    ack.report_completion(parties.principal("leader"), commitment, comment="Done", now=NOW)
    moved = parties.commitment(title="Maths coach")
    ack.propose_due_date(parties.principal("leader"), moved, due_date=date(2026, 9, 30),
                         comment="Coach starts in August", now=NOW)
    central = parties.commitment(title="Consultant hours",
                                 responsible_organisation=parties.orgs["owner"])
    ack.report_completion(parties.principal("office2"), central, now=NOW)

    office = my_work(parties.principal("office"), now=NOW)
    assert [(p.commitment_title, p.kind) for p in office.to_acknowledge] == [
        ("Reading band", "completion"), ("Maths coach", "due_date_change")]
    assert office.to_acknowledge[1].proposed_due_date == date(2026, 9, 30)
    assert office.to_acknowledge[0].proposed_by == "Leader"
    # office2 reported the central one: it waits for the school, not for their colleague.
    assert [p.commitment_title for p in my_work(parties.principal("leader"),
                                                now=NOW).to_acknowledge] == ["Consultant hours"]
    assert my_work(parties.principal("office2"), now=NOW).to_acknowledge == office.to_acknowledge
    for person in ("board", "leader2", "office_b", "officer", "admin"):
        assert my_work(parties.principal(person), now=NOW).to_acknowledge == [], person


def test_the_agency_acknowledges_the_owners_reports(parties):
    commitment = parties.commitment("se", title="Åtgärdsplan antagen")
    ack.report_completion(parties.principal("se_office"), commitment, now=NOW)
    assert [p.commitment_title for p in my_work(parties.principal("officer"),
                                                now=NOW).to_acknowledge] == [
        "Åtgärdsplan antagen"]
    assert my_work(parties.principal("se_office"), now=NOW).to_acknowledge == []


def test_minutes_to_approve_and_meetings_to_prepare(parties):
    drafted = parties.meetings["school"]
    meetings.mark_held(drafted, held_at=drafted.starts_at)
    meetings.write_minutes(meetings.agenda(drafted)[1], "We talked about reading")
    soon = make_meeting(parties.engagements["school"], starts_at=NOW + timedelta(days=20))
    make_meeting(parties.engagements["school"], starts_at=NOW + timedelta(days=40))
    make_meeting(parties.engagements["school"], starts_at=NOW - timedelta(days=1))
    secret = make_meeting(parties.engagements["school"], meeting_type="leadership_talk",
                          starts_at=NOW + timedelta(days=10))

    office = my_work(parties.principal("office"), now=NOW)
    assert [m.id for m in office.minutes_to_approve] == [drafted.id]
    assert [m.id for m in office.meetings_to_prepare] == [secret.id, soon.id]
    assert office.meetings_to_prepare[1].title == "Talk"
    leader = my_work(parties.principal("leader"), now=NOW)
    assert leader.minutes_to_approve == []
    assert [m.id for m in leader.meetings_to_prepare] == [secret.id, soon.id]
    # The board prepares the talk but never sees the confidential leadership talk.
    board = my_work(parties.principal("board"), now=NOW)
    assert [m.id for m in board.meetings_to_prepare] == [soon.id]
    assert board.minutes_to_approve == [] and board.to_acknowledge == []
    assert my_work(parties.principal("office_b"), now=NOW).count == 0
    assert my_work(parties.principal("office"), now=NOW, prepare_weeks=8).meetings_to_prepare[
        -1].starts_at == NOW + timedelta(days=40)


def test_confidential_commitments_reach_only_those_who_may_read_them(parties):
    secret = parties.commitment(title="Leadership development", confidential=True,
                                due_date=date(2026, 2, 1))
    assert titles(my_work(parties.principal("leader"), now=NOW).overdue) == [
        "Leadership development"]
    ack.report_completion(parties.principal("leader"), secret, now=NOW)
    assert [p.commitment_title for p in my_work(parties.principal("office"),
                                                now=NOW).to_acknowledge] == [
        "Leadership development"]
    assert my_work(parties.principal("board"), now=NOW).count == 0


def test_an_administrator_holds_no_work_of_their_own(parties):
    parties.commitment(due_date=date(2026, 1, 1))
    parties.commitment(responsible_organisation=parties.orgs["owner"], due_date=date(2026, 1, 1))
    assert my_work(parties.principal("admin"), now=NOW).count == 0


def _fill(parties, numbers: range) -> None:
    """Of everything, one per number: a late commitment with a missed follow-up, a completion
    reported by the school, a central commitment due for follow-up, a planned meeting and
    drafted minutes; alternating between two schools."""
    for number in numbers:
        where = "school2" if number % 2 else "school"
        leader = parties.principal("leader2" if number % 2 else "leader")
        late = parties.commitment(where, title=f"Late {number}", due_date=date(2026, 2, 1))
        late.next_follow_up_on = date(2026, 2, 15)
        reported = parties.commitment(where, title=f"Done {number}")
        ack.report_completion(leader, reported, comment="Done", now=NOW)
        central = parties.commitment(where, title=f"Central {number}", due_date=date(2026, 2, 1),
                                     responsible_organisation=parties.orgs["owner"])
        central.next_follow_up_on = date(2026, 3, 4)
        make_meeting(parties.engagements[where], starts_at=NOW + timedelta(days=3))
        drafted = make_meeting(parties.engagements[where], starts_at=NOW - timedelta(days=3))
        meetings.mark_held(drafted, held_at=drafted.starts_at)
        meetings.write_minutes(meetings.agenda(drafted)[0], f"Minutes {number}")


def _measure(app, ids: dict, person: str) -> tuple[int, int]:
    """The queries my_work takes, and how many things it shows, in a fresh session."""
    with db_session:
        principal = Parties.load(app.extensions["nordialog.db"], ids).principal(person)
        with captured_sql() as statements:
            work = my_work(principal, now=NOW)
            # Everything the lists show is loaded: reading it takes no more queries.
            shown = [(i.title, i.organisation, i.responsible, i.tracking.reasons)
                     for i in work.follow_ups_due + work.overdue]
            shown += [(p.commitment_title, p.organisation, p.proposed_by)
                      for p in work.to_acknowledge]
            shown += [(m.title, m.organisation)
                      for m in work.minutes_to_approve + work.meetings_to_prepare]
    return len(statements), len(shown)


@pytest.mark.parametrize("person", ["office", "leader", "board"])
def test_my_work_takes_the_same_number_of_queries_for_1_or_20_of_everything(app, person):
    with app.app_context():
        with db_session:
            parties = build_parties()
            _fill(parties, range(1))
            commit()
            ids = parties.ids()
        queries_for_one, shown_for_one = _measure(app, ids, person)
        with db_session:
            _fill(Parties.load(app.extensions["nordialog.db"], ids), range(1, 20))
            commit()
        queries_for_twenty, shown_for_twenty = _measure(app, ids, person)
    assert shown_for_twenty > shown_for_one > 0
    assert queries_for_twenty == queries_for_one


def test_the_dashboard_shows_meeting_times_in_the_schools_time_zone(app, world):
    """"My work" lists the meetings to prepare at the time the school keeps, not in UTC."""
    from zoneinfo import ZoneInfo

    from babel import dates

    from tests.sessions import sign_in

    starts = datetime.combine(date.today() + timedelta(days=10), datetime.min.time()).replace(
        hour=7)  # 07:00 UTC
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        engagement = db.Engagement[world.e_a1]
        engagement.organisation.time_zone = "Europe/Oslo"
        make_meeting(engagement, starts_at=starts)
        commit()
    client = app.test_client()
    sign_in(client, world.office_a)
    page = client.get("/?lang=da").text
    zone = ZoneInfo("Europe/Oslo")
    local = starts.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    assert local.hour != 7
    assert dates.format_datetime(local, format="medium", tzinfo=zone, locale="da") in page
    utc = ZoneInfo("UTC")
    assert dates.format_datetime(starts.replace(tzinfo=utc), format="medium", tzinfo=utc,
                                 locale="da") not in page
