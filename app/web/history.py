"""A record's history as people read it: each changed field by its name in the reader's
language, and its values the way the page shows them elsewhere (statuses, roles and yes/no by
their labels, moments in the organisation's time zone, a reference by the name of what it
points to). The log itself keeps field keys and raw values, for the API and the audit export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app

from app.accounts.audit import CONFIDENTIAL, REDACTED
from app.commitments.models import SCOPES
from app.commitments.status import STATUSES as COMMITMENT_STATUSES
from app.db import EXTENSION_KEY
from app.i18n import LANGUAGES, _, _l, localized
from app.meetings.lifecycle import STATUSES as MEETING_STATUSES
from app.meetings.models import ATTENDANCE, PARTICIPANT_ROLES
from app.programmes.models import AGENDA_ITEM_KINDS, PARTIES
from app.web.formatting import format_date, format_number, local_datetime

#: Every field a meeting's or a commitment's history can name (tests/test_history_text.py
#: checks that none is missing).
FIELD_LABELS = {
    "actions": _l("Actions"),
    "approved_at": _l("Approved"),
    "attendance": _l("Attendance"),
    "author": _l("Author"),
    "background": _l("Background"),
    "binding": _l("Binding"),
    "body": _l("Comment"),
    "carried_over_from": _l("Carried over from"),
    "carried_over_to": _l("Carried over to"),
    "confidential": _l("Confidential"),
    "content": _l("Content"),
    "content_type": _l("File type"),
    "corrective": _l("Corrective"),
    "due_date": _l("Due date"),
    "duration_minutes": _l("Time allotted"),
    "email": _l("Email"),
    "ends_at": _l("Ends"),
    "engagement": _l("Engagement"),
    "filename": _l("File name"),
    "follow_up_interval_days": _l("Follow up every (days)"),
    "held_at": _l("Held"),
    "invited": _l("Invited"),
    "kind": _l("Kind"),
    "labels": _l("Title"),
    "meeting": _l("Meeting"),
    "meeting_type": _l("Meeting type"),
    "minutes": _l("Minutes"),
    "minutes_revision": _l("Minutes revision"),
    "name": _l("Name"),
    "next_follow_up_on": _l("Next follow-up"),
    "organisation": _l("Organisation"),
    "party": _l("Party"),
    "place": _l("Place"),
    "position": _l("Position"),
    "progress": _l("Progress"),
    "published_at": _l("Published"),
    "responsible_organisation": _l("Responsible organisation"),
    "responsible_person": _l("Responsible person"),
    "revision": _l("Revision"),
    "role": _l("Role"),
    "scope": _l("Scope"),
    "sha256": _l("Checksum"),
    "size_bytes": _l("Size (bytes)"),
    "starts_at": _l("Starts"),
    "status": _l("Status"),
    "success_criterion": _l("How we will know it is met"),
    "target_indicator": _l("Target indicator"),
    "target_value": _l("Target value"),
    "template_item": _l("Agenda template item"),
    "theme": _l("Theme"),
    "title": _l("Title"),
}

#: Coded values by their labels; a status depends on whose status it is.
_VALUE_LABELS = {
    "attendance": ATTENDANCE, "role": PARTICIPANT_ROLES, "party": PARTIES, "scope": SCOPES,
    "kind": AGENDA_ITEM_KINDS,
}
_STATUS_LABELS = {"Commitment": COMMITMENT_STATUSES, "Meeting": MEETING_STATUSES}
_MASKED = {REDACTED: _l("(hidden)"), CONFIDENTIAL: _l("(confidential)")}
_NOTHING = "–"


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


def change_lines(entity: str, changes: dict | None, organisation=None) -> list[ChangeLine]:
    """The changed fields of one history entry of ``entity`` (an entity name), sorted by the
    reader's name for them."""
    database = current_app.extensions[EXTENSION_KEY]
    kind = getattr(database, entity, None)
    lines = []
    for name, change in (changes or {}).items():
        attr = kind._adict_.get(name) if kind is not None else None
        lines.append(ChangeLine(
            str(FIELD_LABELS.get(name, name)),
            _shown(entity, name, attr, (change or {}).get("before"), organisation),
            _shown(entity, name, attr, (change or {}).get("after"), organisation)))
    return sorted(lines, key=lambda line: line.label.casefold())


def _shown(entity: str, name: str, attr, value: Any, organisation) -> str:
    if value is None or value == "":
        return _NOTHING
    if isinstance(value, str) and value in _MASKED:
        return str(_MASKED[value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = _STATUS_LABELS.get(entity, {}) if name == "status" else _VALUE_LABELS.get(name, {})
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, dict):
        # Text held in every language (seeded titles) in the reader's; other structures
        # (a publication's frozen content) are too large for a line and shown elsewhere.
        return localized(value) if set(value) <= set(LANGUAGES) else "…"
    py_type = getattr(attr, "py_type", None)
    if py_type is not None and hasattr(py_type, "_pk_attrs_"):
        return _referenced(py_type, value)
    if py_type is datetime and isinstance(value, str):
        return local_datetime(datetime.fromisoformat(value), organisation)
    if py_type is date and isinstance(value, str):
        return format_date(value)
    if isinstance(value, (int, float, Decimal)):
        return format_number(value)
    return str(value)


def _referenced(kind, key) -> str:
    """A reference by the name of the record it points to, or by its number if it is gone."""
    record = kind.get(id=key) if isinstance(key, int) else None
    if record is None:
        return f"#{key}"
    for attribute in ("labels", "name", "title"):
        text = getattr(record, attribute, None)
        if text:
            return localized(text) if isinstance(text, dict) else str(text)
    return f"#{key}"


def init_history(app: Flask) -> None:
    app.add_template_global(change_lines)
