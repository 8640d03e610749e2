"""An owner's cycle: the units' engagements of one period, and what a reader may see of them.

The public (``principal`` None) sees only what was published: commitments recorded in
published, non-confidential minutes, and themes of those meetings.
"""

from __future__ import annotations

from pony.orm import desc

from app.accounts.access import visible_commitments, visible_engagements, visible_meetings
from app.db import db
from app.errors import InvalidInput
from app.i18n import _
from app.organisations.models import UNIT_KINDS


def cycle_engagements(principal, owner, period: str | None, programme_key: str | None = None):
    """The units' engagements under ``owner`` in ``period`` (default: the latest period)."""
    prefix = owner.path
    kinds = UNIT_KINDS
    query = (db.Engagement.select() if principal is None else visible_engagements(principal))
    query = query.filter(lambda e: e.organisation.path.startswith(prefix)
                         and e.organisation.kind in kinds)
    if programme_key:
        query = query.filter(lambda e: e.programme.key == programme_key)
    if period is None:
        latest = query.order_by(lambda e: desc(e.starts_on)).first()
        period = latest.period if latest else ""
    elif len(period) > 32:
        raise InvalidInput(_("The report could not be made."), {"period": [_("Not allowed.")]})
    found = list(query.filter(lambda e: e.period == period)
                 .order_by(lambda e: e.organisation.name).prefetch(db.Organisation))
    return period, found


def the_programme(engagements):
    """The one programme the engagements run in, or None when they run in several (or none):
    a report names a programme's own word for a commitment only when it is one programme's."""
    programmes = {e.programme for e in engagements}
    return programmes.pop() if len(programmes) == 1 else None


def cycle_commitments(principal, engagements) -> list:
    ids = [e.id for e in engagements] or [0]
    if principal is None:
        return list(db.Commitment.select(
            lambda c: c.engagement.id in ids and not c.confidential and c.meeting is not None
            and not c.meeting.confidential and c.meeting.published_at is not None))
    return list(visible_commitments(principal).filter(lambda c: c.engagement.id in ids))


def cycle_meetings(principal, engagements) -> list:
    ids = [e.id for e in engagements] or [0]
    if principal is None:
        return list(db.Meeting.select(lambda m: m.engagement.id in ids and not m.confidential
                                      and m.published_at is not None))
    return list(visible_meetings(principal).filter(lambda m: m.engagement.id in ids))
