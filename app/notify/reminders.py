"""Reminders and digests: what waits for each person, queued as e-mail in their language.

A reminder is about one commitment (overdue, or a follow-up due) for one person on one local
day; its dedupe key says so, so planning twice on the same day queues nothing new. A digest is
one person's whole "my work" once a week (ISO week in the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale

from app.accounts.access import principal_for
from app.commitments.status import OPEN
from app.commitments.tracking import track
from app.db import db
from app.i18n import DEFAULT_LANGUAGE, _, ngettext, normalize_language
from app.notify.outbox import enqueue
from app.organisations.today import UnknownTimeZone
from app.web.formatting import format_date
from app.work.services import my_work


def language_of(user) -> str:
    return normalize_language(user.language) or DEFAULT_LANGUAGE


def link(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


@dataclass
class PlanReport:
    queued: int = 0
    already: int = 0
    #: People whose reminders could not be planned, and why (an organisation's unknown time
    #: zone): everyone else's go out; the operator sees these.
    problems: list[str] = field(default_factory=list)


def _queue(report: PlanReport, now: datetime | None, **message) -> None:
    before = db.OutboxMessage.get(dedupe_key=message["dedupe_key"])
    if before is not None:
        report.already += 1
        return
    enqueue(now=now, **message)
    report.queued += 1


#: The kinds of reminder about a commitment, and what must still be true to send one.
COMMITMENT_REMINDERS = {
    "overdue": lambda flags: flags.overdue,
    "follow_up_due": lambda flags: flags.follow_up_due or flags.follow_up_overdue,
}


def no_longer_relevant(message, item, now: datetime | None = None) -> str | None:
    """Why a queued reminder about ``item`` is no longer true at ``now`` (the outbox skips it
    with this reason), or None. A reminder may wait in the queue for hours (the mail server was
    down): meanwhile the commitment may have been closed, moved or reported achieved."""
    still = COMMITMENT_REMINDERS.get(message.kind)
    if still is None or message.item_entity != "Commitment":
        return None
    if item.status not in OPEN:
        return f"Commitment {item.id} is closed ({item.status})"
    if not still(track(item, now)):
        return f"Commitment {item.id} is no longer {message.kind.replace('_', ' ')}"
    return None


def _reminders_for(user, work, day: date, report: PlanReport, now) -> None:
    language = language_of(user)
    with force_locale(language):
        for item in work.overdue:
            subject = _("Overdue: %(title)s", title=item.title)
            body = "\n".join([
                _("Hello %(name)s,", name=user.name), "",
                _("The commitment “%(title)s” (%(organisation)s) was due on %(date)s and is "
                  "not reported achieved.", title=item.title, organisation=item.organisation,
                  date=format_date(item.due_date)),
                "", link(f"/commitments/{item.id}"), "", _("Nordialog")])
            _queue(report, now, kind="overdue", recipient=user.email, language=language,
                   subject=subject, body=body,
                   dedupe_key=f"overdue:commitment:{item.id}:user:{user.id}:{day.isoformat()}",
                   item=db.Commitment[item.id])
        overdue_ids = {item.id for item in work.overdue}
        for item in work.follow_ups_due:
            if item.id in overdue_ids:
                continue
            subject = _("Follow-up due: %(title)s", title=item.title)
            body = "\n".join([
                _("Hello %(name)s,", name=user.name), "",
                _("A follow-up of “%(title)s” (%(organisation)s) is due on %(date)s.",
                  title=item.title, organisation=item.organisation,
                  date=format_date(item.next_follow_up_on)),
                "", link(f"/commitments/{item.id}"), "", _("Nordialog")])
            _queue(report, now, kind="follow_up_due", recipient=user.email, language=language,
                   subject=subject, body=body,
                   dedupe_key=f"follow_up:commitment:{item.id}:user:{user.id}:"
                              f"{day.isoformat()}",
                   item=db.Commitment[item.id])


def _digest_for(user, work, day: date, report: PlanReport, now) -> None:
    if not work.count:
        return
    language = language_of(user)
    year, week, _weekday = day.isocalendar()
    with force_locale(language):
        lines = [_("Hello %(name)s,", name=user.name), "",
                 _("This is what waits for you in Nordialog:"), ""]
        sections = [
            (_("Completions to acknowledge"),
             [f"- {p.commitment_title} ({p.organisation})" for p in work.to_acknowledge]),
            (_("Overdue commitments"),
             [f"- {c.title} ({c.organisation}), {format_date(c.due_date)}"
              for c in work.overdue]),
            (_("Follow-ups due"),
             [f"- {c.title} ({c.organisation}), {format_date(c.next_follow_up_on)}"
              for c in work.follow_ups_due]),
            (_("Minutes to approve"),
             [f"- {m.title} ({m.organisation})" for m in work.minutes_to_approve]),
            (_("Meetings to prepare"),
             [f"- {m.title} ({m.organisation})" for m in work.meetings_to_prepare]),
        ]
        for heading, rows in sections:
            if rows:
                lines += [heading, *rows, ""]
        lines += [link("/"), "", _("Nordialog")]
        _queue(report, now, kind="digest", recipient=user.email, language=language,
               subject=ngettext("Your week in Nordialog: %(num)s item",
                                "Your week in Nordialog: %(num)s items", work.count),
               body="\n".join(lines), dedupe_key=f"digest:user:{user.id}:{year}-W{week:02d}")


def plan(*, now: datetime | None = None, digest: bool = False) -> PlanReport:
    """Queue today's reminders (and, with ``digest``, this week's digests) for every active
    person with work waiting. Safe to repeat: nothing is queued twice for an item and day."""
    report = PlanReport()
    users = db.User.select(lambda u: u.active and u.pseudonymized_at is None).order_by(
        lambda u: u.id)
    for user in users:
        try:
            work = my_work(principal_for(user), now=now)
        except UnknownTimeZone as err:
            report.problems.append(f"{user.email}: {err.message}")
            continue
        if not work.count:
            continue
        # Copenhagen, Oslo and Stockholm share one offset all year: one local day for all.
        day = work.today.of("Europe/Copenhagen")
        _reminders_for(user, work, day, report, now)
        if digest:
            _digest_for(user, work, day, report, now)
    return report
