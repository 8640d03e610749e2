"""Bulk files of commitments and follow-ups: export in the columns the import accepts.

An import validates every row first (shape, references, access, the domain rules) and then
writes all rows or none, answering with the errors per row. A row with an ``id`` updates that
record, and only if its ``version`` is still current (someone else's later change is never
overwritten); a row without one creates a record. Importing an unchanged export changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import ValidationError

from app.accounts.access import Principal, can
from app.commitments import acknowledgement, services
from app.commitments.models import SCOPES
from app.commitments.status import STATUSES
from app.common import fields
from app.common.model import by_key
from app.common.schemas import BaseSchema
from app.db import db
from app.errors import DomainError, InvalidInput
from app.i18n import _
from app.indicators.personal_data import identity_number_in, kind_name

COMMITMENT_COLUMNS = [
    "id", "version", "engagement_id", "meeting_id", "title", "background", "actions", "theme",
    "responsible_organisation_id", "responsible_person", "binding", "corrective", "scope",
    "success_criterion", "due_date", "follow_up_interval_days", "status", "progress",
    "confidential",
]

FOLLOW_UP_COLUMNS = [
    "id", "commitment_id", "occurred_on", "author", "status_to", "progress", "narrative",
    "next_follow_up_on",
]


def commitment_row(c) -> dict:
    return {
        "id": c.id, "version": c.version, "engagement_id": c.engagement.id,
        "meeting_id": c.meeting.id if c.meeting else None, "title": c.title,
        "background": c.background, "actions": c.actions,
        "theme": c.theme.key if c.theme else None,
        "responsible_organisation_id": c.responsible_organisation.id,
        "responsible_person": c.responsible_person, "binding": c.binding,
        "corrective": c.corrective, "scope": c.scope, "success_criterion": c.success_criterion,
        "due_date": c.due_date, "follow_up_interval_days": c.follow_up_interval_days,
        "status": c.status, "progress": c.progress, "confidential": c.confidential,
    }


def follow_up_row(f) -> dict:
    return {
        "id": f.id, "commitment_id": f.commitment.id, "occurred_on": f.occurred_on,
        "author": f.author, "status_to": f.status_to, "progress": f.progress,
        "narrative": f.narrative, "next_follow_up_on": f.next_follow_up_on,
    }


def _optional(field_type, **kwargs):
    return field_type(allow_none=True, load_default=None, **kwargs)


class CommitmentRow(BaseSchema):
    id = _optional(fields.Integer, validate=fields.between(1, 2**31 - 1))
    version = _optional(fields.Integer, validate=fields.between(1, 2**31 - 1))
    engagement_id = fields.Integer(required=True, validate=fields.between(1, 2**31 - 1))
    meeting_id = _optional(fields.Integer, validate=fields.between(1, 2**31 - 1))
    title = fields.String(required=True, validate=fields.length(min=1, max=300))
    background = fields.String(load_default="", validate=fields.length(max=20_000))
    actions = fields.String(load_default="", validate=fields.length(max=20_000))
    theme = _optional(fields.String, validate=fields.length(max=64))
    responsible_organisation_id = fields.Integer(required=True,
                                                 validate=fields.between(1, 2**31 - 1))
    responsible_person = fields.String(load_default="", validate=fields.length(max=200))
    binding = fields.Boolean(load_default=True)
    corrective = fields.Boolean(load_default=False)
    scope = fields.String(load_default="local", validate=fields.one_of(SCOPES))
    success_criterion = fields.String(load_default="", validate=fields.length(max=20_000))
    due_date = fields.Date(required=True)
    follow_up_interval_days = _optional(fields.Integer, validate=fields.between(1, 730))
    status = fields.String(load_default="agreed", validate=fields.one_of(STATUSES))
    progress = fields.Integer(load_default=0, validate=fields.between(0, 100))
    confidential = fields.Boolean(load_default=False)


class FollowUpRow(BaseSchema):
    id = _optional(fields.Integer, validate=fields.between(1, 2**31 - 1))
    commitment_id = fields.Integer(required=True, validate=fields.between(1, 2**31 - 1))
    occurred_on = fields.Date(required=True)
    author = fields.String(load_default="", validate=fields.length(max=200))
    status_to = _optional(fields.String, validate=fields.one_of(STATUSES))
    progress = _optional(fields.Integer, validate=fields.between(0, 100))
    narrative = fields.String(required=True, validate=fields.length(min=1, max=20_000))
    next_follow_up_on = _optional(fields.Date)


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[int, dict] = field(default_factory=dict)


def _cells(raw: dict) -> dict:
    """Blank cells are absent values, so defaults and "optional" apply."""
    return {key: value for key, value in raw.items() if key and value != ""}


def _identity_numbers(raw: dict) -> dict:
    """The cells that hold a personal identity number, as errors that do not repeat it.

    Commitments and follow-ups are about schools, not pupils: a number like this (a pupil's,
    a teacher's) must not be stored, so its row is refused with the rest of the file.
    """
    found = {}
    for column, value in raw.items():
        kind = identity_number_in(str(value)) if value not in (None, "") else None
        if kind:
            found[column or "_row"] = [_(
                "Holds what looks like a personal identity number (%(kind)s), which must not "
                "be stored. Remove it and import again.", kind=kind_name(kind))]
    return found


def _parse(rows, schema: BaseSchema, columns: list[str], outcome: ImportOutcome) -> list:
    parsed = []
    for number, raw in rows:
        personal = _identity_numbers(raw)
        if personal:
            outcome.errors[number] = personal
            continue
        unknown = sorted(set(raw) - set(columns))
        if unknown:
            outcome.errors[number] = {name: [_("Unknown column.")] for name in unknown}
            continue
        try:
            parsed.append((number, schema.load(_cells(raw))))
        except ValidationError as err:
            outcome.errors[number] = err.messages
    return parsed


def _fail(outcome: ImportOutcome):
    raise InvalidInput(_("Nothing was imported: correct the rows listed and try again."),
                       {"rows": {str(number): errors
                                 for number, errors in sorted(outcome.errors.items())}})


def import_commitments(principal: Principal, rows) -> ImportOutcome:
    """Check every row, then create or update them all (the caller's transaction)."""
    outcome = ImportOutcome()
    parsed = _parse(rows, CommitmentRow(), COMMITMENT_COLUMNS, outcome)
    plans = []
    for number, row in parsed:
        try:
            plans.append((number, _plan_commitment(principal, row)))
        except DomainError as err:
            outcome.errors[number] = err.errors or {"_row": [str(err.message)]}
    if outcome.errors:
        _fail(outcome)
    for number, (existing, values, status) in plans:
        try:
            if existing is None:
                created = services.record_commitment(status=status if status in ("proposed",
                                                                                  "agreed")
                                                     else "agreed", **values)
                if status not in ("proposed", "agreed"):
                    services.change_status(created, status, reason=_("Imported."))
                outcome.created += 1
            else:
                changes = {k: v for k, v in values.items()
                           if k not in ("engagement", "meeting", "progress")
                           and getattr(existing, k) != v}
                diff = services.update_commitment(existing, changes) if changes else {}
                if status != existing.status:
                    services.change_status(existing, status, reason=_("Imported."))
                    diff["status"] = status
                if values["progress"] != existing.progress:
                    existing.progress = values["progress"]
                    diff["progress"] = values["progress"]
                outcome.updated += bool(diff)
                outcome.unchanged += not diff
        except DomainError as err:
            outcome.errors[number] = err.errors or {"_row": [str(err.message)]}
            _fail(outcome)
    return outcome


def _plan_commitment(principal: Principal, row: dict):
    """Resolve a row's references and check access; returns (existing, values, status)."""
    errors: dict[str, list] = {}
    engagement = db.Engagement.get(id=row["engagement_id"])
    if engagement is None or not can(principal, "manage", engagement):
        errors["engagement_id"] = [_("No engagement you may change has this id.")]
    meeting = db.Meeting.get(id=row["meeting_id"]) if row["meeting_id"] else None
    if row["meeting_id"] and (meeting is None or engagement is None
                              or meeting.engagement.id != engagement.id):
        errors["meeting_id"] = [_("No meeting of this engagement has this id.")]
    theme = by_key(db.Theme, row["theme"])
    if row["theme"] and theme is None:
        errors["theme"] = [_("No theme with this key.")]
    responsible = db.Organisation.get(id=row["responsible_organisation_id"])
    if responsible is None or not can(principal, "read", responsible):
        errors["responsible_organisation_id"] = [_("No organisation you may see has this id.")]
    existing = None
    if row["id"] is not None:
        existing = db.Commitment.get(id=row["id"])
        if existing is None or not can(principal, "manage", existing):
            errors["id"] = [_("No commitment you may change has this id.")]
        elif row["version"] != existing.version:
            errors["version"] = [_("Changed by someone else since it was exported (now "
                                   "version %(version)s).", version=existing.version)]
    if "id" not in errors:
        # The same rule as the forms and the API: a completion or a new due date never
        # counts before the other party has acknowledged it.
        for name, messages in acknowledgement.direct_change_errors(
                principal, existing, status=row["status"], due_date=row["due_date"]).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise InvalidInput(_("The row could not be imported."), errors)
    values = {
        "engagement": engagement, "meeting": meeting, "title": row["title"],
        "background": row["background"], "actions": row["actions"], "theme": theme,
        "responsible_organisation": responsible,
        "responsible_person": row["responsible_person"], "binding": row["binding"],
        "corrective": row["corrective"], "scope": row["scope"],
        "success_criterion": row["success_criterion"], "due_date": row["due_date"],
        "follow_up_interval_days": row["follow_up_interval_days"],
        "confidential": row["confidential"], "progress": row["progress"],
    }
    if existing is None:
        values.pop("progress")
    return existing, values, row["status"]


def import_follow_ups(principal: Principal, rows) -> ImportOutcome:
    """Add the follow-ups not yet recorded (rows with a known id are left as they are)."""
    outcome = ImportOutcome()
    parsed = _parse(rows, FollowUpRow(), FOLLOW_UP_COLUMNS, outcome)
    plans = []
    for number, row in parsed:
        commitment = db.Commitment.get(id=row["commitment_id"])
        if commitment is None or not can(principal, "follow_up", commitment):
            outcome.errors[number] = {
                "commitment_id": [_("No commitment you may follow up has this id.")]}
            continue
        if row["id"] is not None:
            known = db.FollowUp.get(id=row["id"])
            if known is None or known.commitment.id != commitment.id:
                outcome.errors[number] = {"id": [_("No follow-up of this commitment has this "
                                                   "id; leave it empty for a new one.")]}
            else:
                outcome.unchanged += 1
            continue
        plans.append((number, commitment, row))
    if outcome.errors:
        _fail(outcome)
    for number, commitment, row in plans:
        try:
            services.add_follow_up(commitment, occurred_on=row["occurred_on"],
                                   narrative=row["narrative"], author=row["author"],
                                   status_to=row["status_to"], progress=row["progress"],
                                   next_follow_up_on=row["next_follow_up_on"])
            outcome.created += 1
        except DomainError as err:
            outcome.errors[number] = err.errors or {"_row": [str(err.message)]}
            _fail(outcome)
    return outcome

