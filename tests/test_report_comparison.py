"""(e) The cross-country comparison of the process, against figures worked out by hand."""

from datetime import date, datetime

from flask_babel import force_locale

from app.accounts.access import principal_for
from app.accounts.services import assign_role, create_user
from app.commitments.services import record_commitment
from app.commitments.status import CLOSED, may_follow
from app.db import db
from app.meetings.services import mark_held
from app.reports.comparison import comparison
from tests.factories import (
    labels,
    make_engagement,
    make_meeting,
    make_owner,
    make_programme,
    make_school,
)

TODAY = date(2026, 12, 1)


def on(commitment, status: str, day: date) -> None:
    """The status changed on ``day``, as its history records it (the history is append-only
    and dated by the clock, so the past is written as such)."""
    assert may_follow(commitment.status, status)
    db.CommitmentEvent(commitment=commitment, kind="status_changed",
                       occurred_at=datetime(day.year, day.month, day.day, 9, 0),
                       from_status=commitment.status, to_status=status)
    commitment.status = status
    if status in CLOSED:
        commitment.next_follow_up_on = None


def agreed_at_meeting(engagement, meeting_day: date, agreed_day: date, **fields):
    """A talk held on ``meeting_day`` whose proposal was agreed on ``agreed_day``."""
    meeting = make_meeting(engagement, starts_at=datetime(meeting_day.year, meeting_day.month,
                                                          meeting_day.day, 8, 0))
    mark_held(meeting, held_at=meeting.starts_at)
    commitment = record_commitment(engagement, meeting=meeting, status="proposed",
                                   title="Proposed at the talk",
                                   responsible_organisation=engagement.organisation, **fields)
    on(commitment, "agreed", agreed_day)
    return commitment


def commitment(engagement, due: date, *, status: str = "agreed", done: date | None = None,
               next_follow_up: date | None = None):
    made = record_commitment(engagement, title="Agreed", due_date=due,
                             responsible_organisation=engagement.organisation)
    if status != "agreed":
        on(made, status, done or TODAY)
    if next_follow_up:
        made.next_follow_up_on = next_follow_up
    return made


def test_the_comparison_matches_figures_worked_out_by_hand(app, tx):
    danish, norwegian = make_programme(country="DK"), make_programme(country="NO")
    danish.labels, norwegian.labels = labels("Danish talks"), labels("Norwegian talks")
    owner_a, owner_c = make_owner("Aby"), make_owner("Cby")
    owner_b = make_owner("Bby", country="NO")
    a1, c1, b1 = make_school(owner_a), make_school(owner_c), make_school(owner_b)

    # A1 (Danish programme, owner A): talk 2 March, agreed 16 March: 14 days.
    e_a1 = make_engagement(danish, a1)
    agreed_at_meeting(e_a1, date(2026, 3, 2), date(2026, 3, 16), due_date=date(2027, 6, 30))
    commitment(e_a1, date(2026, 6, 30), status="achieved", done=date(2026, 6, 1))  # on time
    commitment(e_a1, date(2026, 6, 30), status="achieved", done=date(2026, 7, 15))  # late
    commitment(e_a1, date(2026, 9, 30), status="in_progress",               # due, not met,
               next_follow_up=date(2026, 10, 1))                            # follow-up overdue
    commitment(e_a1, date(2027, 6, 30), next_follow_up=date(2026, 11, 1))   # not yet due,
    commitment(e_a1, date(2026, 1, 31), status="cancelled")                 # left out
    # A1: 14 days; 3 due, 1 on time; 2 overdue follow-ups.

    # C1 (Danish programme, owner C): talk 1 April, agreed 21 April: 20 days.
    e_c1 = make_engagement(danish, c1)
    agreed_at_meeting(e_c1, date(2026, 4, 1), date(2026, 4, 21), due_date=date(2027, 6, 30))
    commitment(e_c1, date(2026, 5, 31), status="achieved", done=date(2026, 5, 31))  # on time
    commitment(e_c1, date(2027, 5, 31), next_follow_up=date(2026, 12, 1))  # today: not late
    # C1: 20 days; 1 due, 1 on time; no overdue follow-up.

    # B1 (Norwegian programme, owner B): talk 2 February, agreed 4 March: 30 days.
    e_b1 = make_engagement(norwegian, b1)
    agreed_at_meeting(e_b1, date(2026, 2, 2), date(2026, 3, 4), due_date=date(2027, 6, 30))
    commitment(e_b1, date(2026, 10, 31), status="not_achieved", done=date(2026, 11, 2))
    commitment(e_b1, date(2026, 8, 31), status="achieved", done=date(2026, 8, 31))  # on time
    commitment(e_b1, date(2027, 8, 31), status="in_progress", next_follow_up=date(2026, 11, 15))
    # B1: 30 days; 2 due, 1 on time; 1 overdue follow-up.

    admin = create_user(email="compare-admin@example.test", name="Admin", password="x" * 16,
                        language="en")
    assign_role(admin, "administrator", None)
    tx.flush()
    with app.test_request_context(), force_locale("en"):
        report = comparison(principal_for(admin), today=TODAY)
        rows = [(r["Level"], r["Name"], r["Engagements"], r["Days from meeting to agreement"],
                 r["Met on time"], r["Overdue follow-ups"]) for r in report.table.rows]
    assert rows == [
        # The Danish programme: A1 and C1, the median of 14 and 20 days, 1 + 1 of 3 + 1 due
        # met on time, 2 + 0 overdue follow-ups; the Norwegian one is B1 alone.
        ("By programme", "Danish talks", 2, "17", "50%", 2),
        ("By programme", "Norwegian talks", 1, "30", "50%", 1),
        ("By school owner", owner_a.name, 1, "14", "33.3%", 2),
        ("By school owner", owner_b.name, 1, "30", "50%", 1),
        ("By school owner", owner_c.name, 1, "20", "100%", 0),
        ("By country", "Denmark", 2, "17", "50%", 2),
        ("By country", "Norway", 1, "30", "50%", 1),
    ]
