"""/api/v1/me/work: everything waiting for the caller."""

from __future__ import annotations

from app.api.support import ApiBlueprint, principal, signed_in
from app.commitments.schemas import TrackingOut
from app.common import fields
from app.common.schemas import OutputSchema
from app.work.services import my_work

blp = ApiBlueprint("Work", __name__, url_prefix="/api/v1",
                   description="What waits for the caller, across everything they may see.")


class WorkCommitmentOut(OutputSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    responsible = fields.String(required=True)
    due_date = fields.Date(required=True)
    next_follow_up_on = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    progress = fields.Integer(required=True)
    confidential = fields.Boolean(required=True)
    tracking = fields.Nested(TrackingOut, required=True)


class WorkProposalOut(OutputSchema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    commitment_id = fields.Integer(required=True)
    commitment_title = fields.String(required=True)
    organisation = fields.String(required=True)
    proposed_by = fields.String(allow_none=True, required=True)
    proposed_at = fields.UtcDateTime(required=True)
    comment = fields.String(required=True)
    due_date = fields.Date(required=True)
    proposed_due_date = fields.Date(allow_none=True, required=True)


class WorkMeetingOut(OutputSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    starts_at = fields.UtcDateTime(required=True)
    time_zone = fields.String(required=True, metadata={
        "description": "The organisation's time zone (IANA), in which the meeting is held."})
    place = fields.String(required=True)
    status = fields.String(required=True)
    confidential = fields.Boolean(required=True)


class WorkOut(OutputSchema):
    follow_ups_due = fields.List(fields.Nested(WorkCommitmentOut), required=True)
    overdue = fields.List(fields.Nested(WorkCommitmentOut), required=True)
    to_acknowledge = fields.List(fields.Nested(WorkProposalOut), required=True)
    minutes_to_approve = fields.List(fields.Nested(WorkMeetingOut), required=True)
    meetings_to_prepare = fields.List(fields.Nested(WorkMeetingOut), required=True)


@blp.get("/me/work")
@blp.response(200, WorkOut)
def my_work_now():
    """Follow-ups due, overdue commitments, proposals to acknowledge, minutes to approve and
    meetings to prepare."""
    signed_in()
    return my_work(principal())
