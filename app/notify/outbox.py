"""The e-mail outbox: other code queues a message with ``enqueue``; ``deliver`` sends it.

A message is a row before it is an e-mail, so a mail server that is down loses nothing: the
row stays queued and is tried again later, with a growing pause (``backoff``). Each message
carries a dedupe key (the same reminder for the same item, person and day has the same key), so
queueing it twice keeps one row, and a sent row is never sent again. Each message is committed
as sent right after the server accepted it, one at a time.

Several senders may run at once (two cron jobs overlapping, one per server): before a sender
talks to the mail server about a message it *claims* the row with one conditional UPDATE that
only one of them can win (``claim``), and commits the claim. A claim runs out after
``CLAIM_FOR``, so a message whose sender died mid-run goes out with a later run.

Just before sending, the message is checked again: a reminder whose item was deleted, or which
is no longer true (the commitment was closed, moved or reported achieved meanwhile), is
recorded as skipped with the reason instead of being sent.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pony.orm import commit, count, desc, select

from app.accounts.services import EMAIL
from app.common.model import utcnow
from app.db import db
from app.errors import InvalidInput
from app.i18n import LANGUAGES, _, _l
from app.notify.mailer import Mailer, MailerUnavailable, MessageRefused

log = logging.getLogger(__name__)

STATES = {
    "queued": _l("Queued"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}

#: What a queued message is about (its ``kind``), as the reader reads it.
KINDS = {
    "overdue": _l("Overdue commitment"),
    "follow_up_due": _l("Follow-up due"),
    "digest": _l("Weekly digest"),
    "password_reset": _l("Password reset"),
}

#: After this many failed attempts a message is given up (state "failed"), still visible.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
#: How long a sender's claim on a message holds: far longer than sending one message takes.
CLAIM_FOR = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failure: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_PAUSE)


def enqueue(*, kind: str, recipient: str, language: str, subject: str, body: str,
            dedupe_key: str, item=None, now: datetime | None = None):
    """Queue one e-mail; returns its row. A message with the same ``dedupe_key`` already queued
    or sent is returned instead of a second one. ``item`` (an entity) is looked up again before
    sending: if it is gone by then the message is skipped, not sent."""
    recipient = (recipient or "").strip()
    errors: dict[str, list] = {}
    if not EMAIL.match(recipient) or len(recipient) > 254:
        errors["recipient"] = [_("Enter a valid e-mail address.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose one of the languages offered.")]
    if not dedupe_key or len(dedupe_key) > 200:
        errors["dedupe_key"] = [_("A key of at most 200 characters is required.")]
    if errors:
        raise InvalidInput(_("The e-mail could not be queued."), errors)
    existing = db.OutboxMessage.get(dedupe_key=dedupe_key)
    if existing is not None:
        return existing
    now = now or utcnow()
    return db.OutboxMessage(
        dedupe_key=dedupe_key, kind=kind, recipient=recipient, language=language,
        subject=subject[:300], body=body,
        item_entity=type(item).__name__ if item is not None else None,
        item_id=item.id if item is not None else None,
        state="queued", attempts=0, next_attempt_at=now, last_error="", created_at=now,
        updated_at=now)


def _not_to_send(message, now: datetime) -> str | None:
    """Why a queued message should not go out any more (recorded as the reason), or None."""
    if not message.item_entity:
        return None
    entity = getattr(db, message.item_entity, None)
    item = entity.get(id=message.item_id) if entity is not None else None
    if item is None:
        return f"{message.item_entity} {message.item_id} no longer exists"
    # Reminders know what made them true; imported here, as reminders queue through us.
    from app.notify.reminders import no_longer_relevant

    return no_longer_relevant(message, item, now)


def sender_name() -> str:
    """This sender, as recorded on the messages it claims: host, process and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _sql_time(moment: datetime):
    # Pony keeps SQLite times as text in this form; comparisons must use the same one.
    if db.provider_name == "sqlite":
        return moment.isoformat(" ", timespec="microseconds")
    return moment


def claim(message_id: int, sender: str, now: datetime) -> bool:
    """Take one queued message for ``sender``; False when another sender holds it.

    One conditional UPDATE decides (PostgreSQL's row lock, SQLite's single writer), and it is
    committed at once, so the claim is visible to every other sender before anything is sent.
    """
    cursor = db.execute(
        'UPDATE "outbox_message" SET "claimed_by" = $sender, "claimed_until" = $until '
        'WHERE "id" = $message_id AND "state" = \'queued\' '
        'AND ("claimed_until" IS NULL OR "claimed_until" < $now)',
        {"sender": sender, "until": _sql_time(now + CLAIM_FOR), "message_id": message_id,
         "now": _sql_time(now)})
    taken = cursor.rowcount == 1
    commit()
    return taken


def _release(message, now: datetime) -> None:
    message.claimed_by, message.claimed_until, message.updated_at = None, None, now


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    given_up: list[int] = field(default_factory=list)
    #: Set when the mail server could not be reached: the rest waits for the next run.
    unavailable: str | None = None


def due_ids(now: datetime, limit: int) -> list[int]:
    """The queued messages whose time has come, oldest first (ids only: each is read again
    once claimed)."""
    return select((m.next_attempt_at, m.id) for m in db.OutboxMessage
                  if m.state == "queued" and m.next_attempt_at <= now
                  ).order_by(1, 2)[:limit]


def _failed(message, now: datetime, reason: str, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = reason[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = "failed"
        report.given_up.append(message.id)
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        report.failed.append(message.id)


def deliver(mailer: Mailer, *, now: datetime | None = None, limit: int = 500,
            progress: Callable[[object], None] | None = None,
            sender: str | None = None) -> DeliveryReport:
    """Send the queued messages whose time has come, committing each outcome as it happens.

    Must run inside a ``db_session``. Each message is claimed first (``claim``); one another
    sender holds is left to it. When the server cannot be reached the message being tried is
    rescheduled and the run stops; the others keep their place in the queue. ``progress`` is
    called with each message after its outcome is committed.
    """
    now = now or utcnow()
    sender = sender or sender_name()
    report = DeliveryReport()
    ids = [message_id for _due, message_id in due_ids(now, limit)]
    commit()  # nothing of this run is held open while the mail server answers
    try:
        for message_id in ids:
            if not claim(message_id, sender, now):
                continue  # sent, skipped or being sent by another sender meanwhile
            message = db.OutboxMessage[message_id]
            if message.next_attempt_at > now:
                _release(message, now)  # another sender tried it meanwhile; it waits
                commit()
                continue
            reason = _not_to_send(message, now)
            if reason:
                message.state, message.last_error = "skipped", reason
                report.skipped.append(message.id)
            else:
                try:
                    mailer.send(message)
                except MessageRefused as refused:
                    _failed(message, now, str(refused), report)
                except MailerUnavailable as down:
                    _failed(message, now, str(down), report)
                    report.unavailable = str(down)
                else:
                    message.state, message.sent_at = "sent", utcnow()
                    message.last_error = ""
                    report.sent.append(message.id)
            _release(message, now)
            commit()
            if progress is not None:
                progress(message)
            if report.unavailable:
                break
    finally:
        mailer.close()
    return report


def counts() -> dict[str, int]:
    """How many messages are in each state."""
    found = dict(select((m.state, count(m)) for m in db.OutboxMessage))
    return {state: found.get(state, 0) for state in STATES}


def recent(limit: int = 50, state: str | None = None):
    query = db.OutboxMessage.select()
    if state:
        query = query.filter(lambda m: m.state == state)
    return query.order_by(lambda m: desc(m.id))[:limit]
