"""Calendar feeds (RFC 5545): meetings, commitment due dates, follow-ups due and year-wheel
steps, for a person or for an organisation's subtree, each also behind a secret, revocable
address (a calendar program cannot sign in). An organisation's address belongs to a person and
shows what that person may see at each read.

Times are written in the organisation's own time zone (with its VTIMEZONE), dates as all-day
entries. A confidential meeting or commitment appears only as such, without its title: a feed
is often synced into other calendars. Entry texts are in the reader's language.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from icalendar import Calendar, Event

from app.accounts.access import (
    Principal,
    can,
    principal_for,
    require,
    visible_commitments,
    visible_engagements,
    visible_meetings,
)
from app.commitments.status import OPEN
from app.common.model import utcnow
from app.db import db
from app.engagements.services import step_responsible
from app.i18n import _, current_language, localized
from app.notify.reminders import language_of, link
from app.organisations.today import zone_info

FEED_PREFIX = "ndcal_"
#: How far back and ahead a feed reaches.
PAST = timedelta(days=365)
AHEAD = timedelta(days=2 * 365)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedFeed:
    feed: object
    secret: str


def issue_feed(user, organisation=None) -> IssuedFeed:
    """A new secret calendar address for ``user`` (for ``organisation``'s calendar if given,
    which the user must be able to read); only the token's hash is kept."""
    if organisation is not None:
        require(principal_for(user), "read", organisation)
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = db.CalendarFeed(user=user, organisation=organisation, token_hash=_hash(secret),
                           prefix=secret[:12])
    return IssuedFeed(feed, secret)


def feed_url(secret: str) -> str:
    return link(f"/calendar/{secret}.ics")


def revoke_feed(feed) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()


def feed_for(secret: str):
    """The live feed with this secret (its user still active), or None."""
    if not secret or not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    feed = db.CalendarFeed.get(token_hash=_hash(secret))
    if feed is None or feed.revoked_at is not None or not feed.user.active:
        return None
    return feed


def _zone(organisation) -> ZoneInfo:
    return zone_info(organisation.time_zone)


def _event(uid: str, summary: str, description: str = "", url: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@nordialog")
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    # The words we write are in the reader's language; a calendar shows that to its reader
    # (and its screen reader) through LANGUAGE (RFC 5545 3.2.10).
    language = {"LANGUAGE": current_language()}
    event.add("summary", summary, parameters=language)
    if description:
        event.add("description", description, parameters=language)
    if url:
        event.add("url", url)
    return event


def _all_day(event: Event, first: date, days: int = 1) -> Event:
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(days=days))
    event.add("transp", "TRANSPARENT")
    return event


def _meeting_events(meetings) -> list[Event]:
    events = []
    for meeting in meetings:
        organisation = meeting.engagement.organisation
        zone = _zone(organisation)
        kind = localized(meeting.meeting_type.labels)
        if meeting.confidential:
            summary, description = _("Confidential meeting"), ""
        else:
            summary = f"{meeting.title or kind}: {organisation.name}"
            description = kind
        event = _event(f"meeting-{meeting.id}", summary, description,
                       link(f"/meetings/{meeting.id}"))
        start = meeting.starts_at.replace(tzinfo=UTC).astimezone(zone)
        end = (meeting.ends_at.replace(tzinfo=UTC).astimezone(zone) if meeting.ends_at
               else start + timedelta(hours=1))
        event.add("dtstart", start)
        event.add("dtend", end)
        if meeting.place and not meeting.confidential:
            event.add("location", meeting.place)
        if meeting.status == "cancelled":
            event.add("status", "CANCELLED")
        events.append(event)
    return events


def _commitment_events(commitments, first: date, last: date) -> list[Event]:
    events = []
    for c in commitments:
        _zone(c.responsible_organisation)
        title = _("Confidential commitment") if c.confidential else c.title
        where = c.engagement.organisation.name
        if first <= c.due_date <= last:
            events.append(_all_day(_event(
                f"commitment-{c.id}-due",
                _("Due: %(title)s (%(organisation)s)", title=title, organisation=where),
                _("Responsible: %(responsible)s", responsible=c.responsible_organisation.name),
                link(f"/commitments/{c.id}")), c.due_date))
        if c.next_follow_up_on and first <= c.next_follow_up_on <= last:
            events.append(_all_day(_event(
                f"commitment-{c.id}-follow-up",
                _("Follow-up due: %(title)s (%(organisation)s)", title=title,
                  organisation=where), "", link(f"/commitments/{c.id}")), c.next_follow_up_on))
    return events


def step_month(engagement, month: int) -> date:
    """The first day of ``month`` within the engagement's cycle (which may start mid-year)."""
    start = engagement.starts_on
    year = start.year if month >= start.month else start.year + 1
    return date(year, month, 1)


def _year_wheel_events(engagements) -> list[Event]:
    events = []
    for engagement in engagements:
        _zone(engagement.organisation)
        for step in engagement.year_wheel:
            first = step_month(engagement, step.month)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            title = step.title or localized(step.labels)
            summary = f"{title} ({engagement.organisation.name})"
            if step.done:
                summary = _("Done: %(step)s", step=summary)
            events.append(_all_day(_event(
                f"year-wheel-step-{step.id}", summary,
                _("Responsible: %(responsible)s", responsible=step_responsible(step))
                if step_responsible(step) else "", link(f"/engagements/{engagement.id}")),
                first, (following - first).days))
    return events


def build_calendar(principal: Principal, *, within=None, name: str, now: datetime | None = None
                   ) -> bytes:
    """The feed of what ``principal`` may see (under organisation ``within`` if given)."""
    now = now or utcnow()
    since, until = now - PAST, now + AHEAD
    first, last = since.date(), until.date()
    meetings = visible_meetings(principal).filter(
        lambda m: m.starts_at >= since and m.starts_at <= until)
    commitments = visible_commitments(principal).filter(
        lambda c: c.status in tuple(sorted(OPEN)))
    engagements = visible_engagements(principal).filter(lambda e: e.status == "active")
    if within is not None:
        prefix = within.path
        meetings = meetings.filter(lambda m: m.engagement.organisation.path.startswith(prefix))
        commitments = commitments.filter(
            lambda c: c.engagement.organisation.path.startswith(prefix))
        engagements = engagements.filter(lambda e: e.organisation.path.startswith(prefix))
    calendar = Calendar()
    calendar.add("prodid", "-//Nordialog//Nordialog calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if within is not None:
        calendar.add("x-wr-timezone", _zone(within).key)
    meetings = meetings.order_by(lambda m: (m.starts_at, m.id)).prefetch(
        db.Meeting.engagement, db.Engagement.organisation, db.Meeting.meeting_type)
    commitments = commitments.order_by(lambda c: (c.due_date, c.id)).prefetch(
        db.Commitment.engagement, db.Engagement.organisation,
        db.Commitment.responsible_organisation)
    engagements = engagements.order_by(lambda e: e.id).prefetch(
        db.Engagement.organisation, db.Engagement.year_wheel)
    for event in (_meeting_events(meetings) + _commitment_events(commitments, first, last)
                  + _year_wheel_events(engagements)):
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def user_calendar(feed, now: datetime | None = None) -> bytes | None:
    """What a secret address shows, in its person's language: their own calendar, or the
    organisation's as far as they may see it now (None once they may not read it any more)."""
    user = feed.user
    principal = principal_for(user)
    organisation = feed.organisation
    if organisation is not None and not can(principal, "read", organisation):
        return None
    with force_locale(language_of(user)):
        if organisation is not None:
            body = organisation_calendar(principal, organisation, now=now)
        else:
            body = build_calendar(principal, name=_("Nordialog: %(name)s", name=user.name),
                                  now=now)
    if feed.last_used_at is None or utcnow() - feed.last_used_at > timedelta(hours=1):
        feed.last_used_at = utcnow()
    return body


def organisation_calendar(principal: Principal, organisation, now: datetime | None = None
                          ) -> bytes:
    """An organisation's feed (its subtree), for someone who may read it."""
    return build_calendar(principal, within=organisation,
                          name=_("Nordialog: %(name)s", name=organisation.name), now=now)
