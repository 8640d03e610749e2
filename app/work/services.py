"""My work: what waits for one person, as plain data.

For a principal, five lists, each one query (plus a fixed number of prefetches) whatever the
number of commitments, meetings or schools, and each scoped by ``access.py``:

- follow-ups due (within ``follow_up_within_days``, and overdue) on open commitments their
  organisation is responsible for;
- overdue commitments their organisation is responsible for;
- completions and new due dates waiting for *their* acknowledgement: they speak for the other
  party of the agreement (``acknowledgement.py``) and did not propose it themselves;
- minutes waiting for approval in engagements they manage;
- planned meetings within ``prepare_weeks`` weeks that they may see.

Work comes from roles held in organisations: an administrator's role, held in none, oversees
everything and so brings no work of its own (their other roles still do). A board member has no
follow-up or acknowledgement rights, so only meetings reach them; confidential items only reach
those who may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.accounts.access import (
    NOTHING,
    Principal,
    visible_commitments,
    visible_meetings,
    visible_proposals,
)
from app.commitments.acknowledgement import may_acknowledge
from app.commitments.status import OPEN
from app.commitments.tracking import (
    FOLLOW_UP_SOON_DAYS,
    Tracking,
    evaluate,
    follow_up_due_filter,
    overdue_filter,
)
from app.db import db
from app.i18n import localized
from app.organisations.today import Today, local_today


@dataclass(frozen=True)
class CommitmentItem:
    id: int
    title: str
    #: The organisation whose engagement it belongs to (the school, or the owner).
    organisation: str
    responsible: str
    due_date: date
    next_follow_up_on: date | None
    status: str
    progress: int
    confidential: bool
    tracking: Tracking


@dataclass(frozen=True)
class ProposalItem:
    id: int
    kind: str
    commitment_id: int
    commitment_title: str
    organisation: str
    proposed_by: str
    proposed_at: datetime
    comment: str
    due_date: date
    proposed_due_date: date | None


@dataclass(frozen=True)
class MeetingItem:
    id: int
    title: str
    organisation: str
    starts_at: datetime  # naive UTC; shown in the organisation's time zone
    time_zone: str
    place: str
    status: str
    confidential: bool


@dataclass(frozen=True)
class MyWork:
    today: Today
    follow_ups_due: list[CommitmentItem]
    overdue: list[CommitmentItem]
    to_acknowledge: list[ProposalItem]
    minutes_to_approve: list[MeetingItem]
    meetings_to_prepare: list[MeetingItem]

    @property
    def count(self) -> int:
        return sum(len(part) for part in (self.follow_ups_due, self.overdue, self.to_acknowledge,
                                          self.minutes_to_approve, self.meetings_to_prepare))


def _held_in_organisations(principal: Principal) -> Principal:
    return Principal(principal.user_id,
                     tuple(a for a in principal.assignments if a.organisation_id is not None))


def _responsible_ids(principal: Principal) -> tuple[int, ...]:
    ids = {a.organisation_id for a in principal.has("follow_up")}
    return tuple(sorted(ids)) or NOTHING


def _commitment_items(query, today: Today) -> list[CommitmentItem]:
    query = query.prefetch(db.Commitment.engagement, db.Engagement.organisation,
                           db.Commitment.responsible_organisation)
    items = []
    for c in query:
        # The filters leave out commitments waiting for acknowledgement.
        tracking = evaluate(c, today.of(c.responsible_organisation.time_zone),
                            awaiting_acknowledgement=False)
        items.append(CommitmentItem(
            id=c.id, title=c.title, organisation=c.engagement.organisation.name,
            responsible=c.responsible_organisation.name, due_date=c.due_date,
            next_follow_up_on=c.next_follow_up_on, status=c.status, progress=c.progress,
            confidential=c.confidential, tracking=tracking))
    return items


def _responsible_commitments(principal: Principal):
    ids = _responsible_ids(principal)
    return visible_commitments(principal, "follow_up").filter(
        lambda c: c.responsible_organisation.id in ids)


def follow_ups_due(principal: Principal, today: Today,
                   within_days: int = FOLLOW_UP_SOON_DAYS) -> list[CommitmentItem]:
    query = follow_up_due_filter(today, within_days).apply(_responsible_commitments(principal))
    return _commitment_items(query.order_by(lambda c: (c.next_follow_up_on, c.id)), today)


def overdue(principal: Principal, today: Today) -> list[CommitmentItem]:
    query = overdue_filter(today).apply(_responsible_commitments(principal))
    return _commitment_items(query.order_by(lambda c: (c.due_date, c.id)), today)


def to_acknowledge(principal: Principal) -> list[ProposalItem]:
    open_statuses = tuple(sorted(OPEN))
    user_id = principal.user_id or 0
    query = visible_proposals(principal, "acknowledge").filter(
        lambda p: p.state == "pending" and p.commitment.status in open_statuses
        and (p.proposed_by is None or p.proposed_by.id != user_id))
    query = query.order_by(lambda p: (p.proposed_at, p.id)).prefetch(
        db.CommitmentProposal.commitment, db.CommitmentProposal.proposed_by,
        db.Commitment.engagement, db.Engagement.organisation, db.Engagement.programme,
        db.Commitment.responsible_organisation)
    return [
        ProposalItem(
            id=p.id, kind=p.kind, commitment_id=p.commitment.id,
            commitment_title=p.commitment.title,
            organisation=p.commitment.engagement.organisation.name,
            proposed_by=p.proposed_by.name if p.proposed_by else "",
            proposed_at=p.proposed_at, comment=p.comment, due_date=p.commitment.due_date,
            proposed_due_date=p.proposed_due_date)
        for p in query if may_acknowledge(principal, p.commitment)
    ]


def _meeting_items(query) -> list[MeetingItem]:
    query = query.order_by(lambda m: (m.starts_at, m.id)).prefetch(
        db.Meeting.engagement, db.Engagement.organisation, db.Meeting.meeting_type)
    return [MeetingItem(id=m.id, title=m.title or localized(m.meeting_type.labels),
                        organisation=m.engagement.organisation.name, starts_at=m.starts_at,
                        time_zone=m.engagement.organisation.time_zone, place=m.place,
                        status=m.status, confidential=m.confidential)
            for m in query]


def minutes_to_approve(principal: Principal) -> list[MeetingItem]:
    return _meeting_items(visible_meetings(principal, "manage").filter(
        lambda m: m.status == "minutes_drafted"))


def meetings_to_prepare(principal: Principal, since: datetime, weeks: int) -> list[MeetingItem]:
    until = since + timedelta(weeks=weeks)
    return _meeting_items(visible_meetings(principal).filter(
        lambda m: m.status == "planned" and m.starts_at >= since and m.starts_at < until))


def my_work(principal: Principal, *, now: datetime | None = None,
            follow_up_within_days: int = FOLLOW_UP_SOON_DAYS,
            prepare_weeks: int = 4) -> MyWork:
    """Everything waiting for ``principal`` (see the module's rules)."""
    today = local_today(now)
    acting = _held_in_organisations(principal)
    since = today.instant.replace(tzinfo=None)  # naive UTC, as the database keeps it
    return MyWork(
        today=today,
        follow_ups_due=follow_ups_due(acting, today, follow_up_within_days),
        overdue=overdue(acting, today),
        to_acknowledge=to_acknowledge(acting),
        minutes_to_approve=minutes_to_approve(acting),
        meetings_to_prepare=meetings_to_prepare(acting, since, prepare_weeks),
    )
