"""The audit trail: every create, update, delete, status change, approval and publication,
recorded from the entities' own hooks so no code path can forget it; plus sign-ins, failed
sign-ins, refused access and token events recorded by the code that sees them.

Who did it comes from the context of the request or command (``audit_context``). Secrets and
personal data (``_audit_redact_``) and the values of confidential records
(``_audit_confidential_()``) are recorded as changed, never by value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pony.orm import Json

from app.common.model import utcnow
from app.i18n import _l

REDACTED = "[redacted]"
CONFIDENTIAL = "[confidential]"

#: Fields that are bookkeeping, not content, and never worth an entry of their own.
_BOOKKEEPING = frozenset({"created_at", "updated_at", "version"})
#: Fields whose values stay visible even on a confidential record: they reveal no content.
_STRUCTURAL = frozenset({"status", "confidential", "minutes_revision", "progress"})

#: A status reached by a change, and the name the log gives that change.
_STATUS_ACTIONS = {"minutes_approved": "approve", "published": "publish"}


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None = None
    channel: str = "system"
    address: str | None = None


SYSTEM = AuditContext()
_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current_context() -> AuditContext:
    return _context.get() or SYSTEM


@contextmanager
def audit_context(user_id: int | None, channel: str, address: str | None = None
                  ) -> Iterator[AuditContext]:
    """Attribute every change made inside the block to this user and channel."""
    context = AuditContext(user_id, channel, address)
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


def set_context(user_id: int | None, channel: str, address: str | None = None):
    """For request hooks, which cannot wrap the request in a ``with``; returns a reset token."""
    return _context.set(AuditContext(user_id, channel, address))


def reset_context(token) -> None:
    _context.reset(token)


def record(database, action: str, *, entity: str | None = None, entity_id: int | None = None,
           summary: str = "", changes: dict | None = None):
    """Write one audit entry attributed to the current context."""
    context = current_context()
    actor = database.User.get(id=context.user_id) if context.user_id else None
    return database.AuditEntry(
        occurred_at=utcnow(), actor=actor, channel=context.channel, action=action,
        entity=entity, entity_id=entity_id, summary=summary[:500], changes=changes,
        address=context.address,
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "_pkval_"):
        return value._pkval_
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _values(obj, source: dict, stored: bool = False) -> dict:
    """Column values of ``obj`` from Pony's value dict ``source`` (current or, ``stored``, as
    loaded)."""
    values = {}
    for attr in obj._attrs_:
        if attr.is_collection or attr.name in _BOOKKEEPING or attr.name == "id":
            continue
        if attr in source:
            value = source[attr]
            if stored and attr.py_type is Json and isinstance(value, str):
                # Pony keeps a JSON column as loaded in its text form: compared with the value
                # as text, an unchanged dict would read as changed (and the log hold both forms).
                value = _parsed_json(value)
            values[attr.name] = value
    return values


def _parsed_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # a driver that parses JSON itself gave a plain string value


def _masked(obj, name: str, value: Any) -> Any:
    if name in getattr(obj, "_audit_redact_", ()):
        return REDACTED
    confidential = getattr(obj, "_audit_confidential_", None)
    if confidential is not None and name not in _STRUCTURAL and confidential():
        # References (ids) reveal nothing about the content; text and numbers might.
        return value if hasattr(value, "_pkval_") or value is None else CONFIDENTIAL
    return value


def _entry(obj, action: str, changes: dict, summary: str = ""):
    return record(obj._database_, action, entity=type(obj).__name__,
                  entity_id=obj._pkval_, summary=summary, changes=changes or None)


def on_insert(obj) -> None:
    values = _values(obj, obj._vals_)
    _entry(obj, "create", {name: {"before": None, "after": _plain(_masked(obj, name, value))}
                           for name, value in values.items()})


def on_update(obj) -> None:
    before = _values(obj, obj._dbvals_, stored=True)
    after = _values(obj, obj._vals_)
    changed = {name for name in after if before.get(name) != after[name]}
    changed -= set(getattr(obj, "_audit_ignore_", ()))
    if not changed:
        return
    diff = {name: {"before": _plain(_masked(obj, name, before.get(name))),
                   "after": _plain(_masked(obj, name, after[name]))} for name in sorted(changed)}
    action, summary = "update", ""
    if "status" in changed:
        action = _STATUS_ACTIONS.get(after["status"], "status_change")
        summary = f"{before.get('status')} -> {after['status']}"
    _entry(obj, action, diff, summary)


def on_delete(obj) -> None:
    values = _values(obj, obj._vals_)
    _entry(obj, "delete", {name: {"before": _plain(_masked(obj, name, value)), "after": None}
                           for name, value in values.items()})


#: How a history names what happened, in the reader's language.
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("removed"),
    "status_change": _l("status changed"),
    "approve": _l("approved"),
    "publish": _l("published"),
}

#: How a history names the parts of a record.
ENTITY_LABELS = {
    "Meeting": _l("Meeting"),
    "AgendaItem": _l("Agenda item"),
    "Participant": _l("Participant"),
    "MeetingTheme": _l("Theme"),
    "Attachment": _l("Attachment"),
    "BoardComment": _l("Board comment"),
    "MinutesPublication": _l("Published minutes"),
}

#: What a record's history leaves out: refusals say nothing about the record's content.
_NOT_HISTORY = ("access_refused",)


def entries_for(database, records: dict[str, list[int]]) -> list:
    """The audit entries of these records (entity name -> ids), oldest first: a history."""
    found = []
    for entity, ids in records.items():
        if ids:
            found.extend(_entries_of(database, entity, ids))
    return sorted(found, key=lambda e: (e.occurred_at, e.id))


def _entries_of(database, entity: str, ids: list[int]):
    return database.AuditEntry.select(lambda e: e.entity == entity and e.entity_id in ids
                                      and e.action not in _NOT_HISTORY)
