"""Commitments and follow-ups in and out of the API (and of bulk files)."""

from __future__ import annotations

from app.commitments.models import SCOPES
from app.commitments.status import STATUSES
from app.common import fields
from app.common.refs import Ref, Stamps, vocabulary_field
from app.common.schemas import BaseSchema, OutputSchema
from app.engagements.schemas import ID, a_date
from app.organisations.models import COUNTRIES
from app.themes.services import theme_name

SORTS = ("due_date", "-due_date", "title", "status", "created_at", "-created_at", "updated_at",
         "-updated_at")


class ThemeRef(OutputSchema):
    id = fields.Integer(required=True)
    key = fields.String(allow_none=True, required=True)
    name = fields.Function(theme_name, required=True)


def _tracking(commitment):
    """Where the commitment stands today: computed for a whole page at once by the list view
    (``g.tracking``), or for this one record."""
    from flask import g

    from app.commitments.tracking import track

    known = g.get("tracking", {}).get(commitment.id)
    return known or track(commitment)


class TrackingOut(OutputSchema):
    overdue = fields.Boolean(required=True)
    follow_up_due = fields.Boolean(required=True)
    follow_up_overdue = fields.Boolean(required=True)
    at_risk = fields.Boolean(required=True)
    awaiting_acknowledgement = fields.Boolean(required=True)
    reasons = fields.Function(lambda t: [str(r.message) for r in t.reasons], required=True,
                              metadata={"type": "array", "items": {"type": "string"}})


# One instance each, reused for every item of a list (a schema is costly to build).
_REF = Ref()
_TRACKING = TrackingOut()


class CommitmentOut(Stamps):
    id = fields.Integer(required=True)
    engagement_id = fields.Function(lambda c: c.engagement.id, required=True)
    meeting_id = fields.Function(lambda c: c.meeting.id if c.meeting else None,
                                 allow_none=True, required=True)
    organisation = fields.Function(lambda c: _REF.dump(c.engagement.organisation),
                                   required=True, metadata={"type": "object"})
    title = fields.String(required=True)
    background = fields.String(required=True)
    actions = fields.String(required=True)
    theme = fields.Nested(ThemeRef, allow_none=True, required=True)
    responsible_organisation = fields.Nested(Ref, required=True)
    responsible_person = fields.String(required=True)
    binding = fields.Boolean(required=True)
    corrective = fields.Boolean(required=True)
    scope = fields.String(required=True)
    success_criterion = fields.String(required=True)
    target_indicator = fields.Function(
        lambda c: c.target_indicator.key if c.target_indicator else None, allow_none=True,
        required=True)
    target_value = fields.Float(allow_none=True, required=True)
    due_date = fields.Date(required=True)
    follow_up_interval_days = fields.Integer(allow_none=True, required=True)
    next_follow_up_on = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    status_label = vocabulary_field("status", STATUSES, required=True)
    progress = fields.Integer(required=True)
    confidential = fields.Boolean(required=True)
    carried_over_from_id = fields.Function(
        lambda c: c.carried_over_from.id if c.carried_over_from else None, allow_none=True,
        required=True)
    tracking = fields.Function(lambda c: _TRACKING.dump(_tracking(c)), required=True,
                               metadata={"type": "object", "description":
                                         "Overdue, due for follow-up, at risk: derived today."})


class CommitmentDetailOut(CommitmentOut):
    # The reverse side of a one-to-one link costs a query per record, so lists leave it out.
    carried_over_to_id = fields.Function(
        lambda c: c.carried_over_to.id if c.carried_over_to else None, allow_none=True,
        required=True)


class CommitmentQuery(BaseSchema):
    status = fields.List(fields.String(validate=fields.one_of(STATUSES)),
                         metadata={"description": "One or more statuses (repeat the parameter)."})
    theme = fields.String(validate=fields.length(min=1, max=64),
                          metadata={"description": "A theme key from the vocabulary."})
    organisation = fields.Integer(**ID, metadata={"description": "The engagement's organisation."})
    within = fields.Integer(**ID, metadata={"description": "That organisation and all below it."})
    responsible = fields.Integer(**ID, metadata={"description": "The responsible organisation."})
    programme = fields.Integer(**ID)
    engagement = fields.Integer(**ID)
    meeting = fields.Integer(**ID)
    country = fields.String(validate=fields.one_of(COUNTRIES))
    period = fields.String(validate=fields.length(min=1, max=32),
                           metadata={"description": "The engagement's period, e.g. 2025/26."})
    due_before = a_date()
    due_after = a_date()
    overdue = fields.Boolean(metadata={"description": "Open and past the due date (in the "
                                                      "responsible organisation's time zone)."})
    at_risk = fields.Boolean(metadata={"description": "At risk today (see the tracking rules)."})
    follow_up_due = fields.Boolean(metadata={"description": "A follow-up is due within a week "
                                                            "or overdue."})
    awaiting_acknowledgement = fields.Boolean(
        metadata={"description": "Reported achieved, waiting for the other party."})
    confidential = fields.Boolean()
    sort = fields.String(load_default="due_date", validate=fields.one_of(SORTS))


_EDITABLE = dict(
    background=fields.String(validate=fields.length(max=20_000)),
    actions=fields.String(validate=fields.length(max=20_000)),
    theme_id=fields.Integer(allow_none=True, **ID),
    responsible_organisation_id=fields.Integer(**ID),
    responsible_person=fields.String(validate=fields.length(max=200)),
    binding=fields.Boolean(),
    corrective=fields.Boolean(),
    scope=fields.String(validate=fields.one_of(SCOPES)),
    success_criterion=fields.String(validate=fields.length(max=20_000)),
    target_indicator=fields.String(allow_none=True, validate=fields.length(min=1, max=64)),
    target_value=fields.Float(allow_none=True, allow_nan=False),
    follow_up_interval_days=fields.Integer(allow_none=True, validate=fields.between(1, 730)),
    confidential=fields.Boolean(),
)


class CommitmentCreate(BaseSchema):
    engagement_id = fields.Integer(required=True, **ID)
    meeting_id = fields.Integer(allow_none=True, load_default=None, **ID)
    title = fields.String(required=True, validate=fields.length(min=1, max=300))
    due_date = a_date(required=True)
    status = fields.String(load_default="agreed", validate=fields.one_of(("proposed", "agreed")))
    locals().update({name: field for name, field in _EDITABLE.items()})


class CommitmentUpdate(BaseSchema):
    title = fields.String(validate=fields.length(min=1, max=300))
    due_date = a_date()
    locals().update({name: field for name, field in _EDITABLE.items()})


class StatusChangeIn(BaseSchema):
    status = fields.String(required=True, validate=fields.one_of(STATUSES))
    reason = fields.String(load_default="", validate=fields.length(max=5000))


class CarryOverIn(BaseSchema):
    engagement_id = fields.Integer(required=True, **ID)
    due_date = a_date(allow_none=True, load_default=None)
    reason = fields.String(load_default="", validate=fields.length(max=5000))


class EventOut(OutputSchema):
    id = fields.Integer(required=True)
    occurred_at = fields.UtcDateTime(required=True)
    kind = fields.String(required=True)
    from_status = fields.String(allow_none=True, required=True)
    to_status = fields.String(allow_none=True, required=True)
    reason = fields.String(required=True)
    changes = fields.Dict(allow_none=True, required=True)
    actor = fields.String(required=True)


class FollowUpOut(Stamps):
    id = fields.Integer(required=True)
    commitment_id = fields.Function(lambda f: f.commitment.id, required=True)
    occurred_on = fields.Date(required=True)
    author = fields.String(required=True)
    status_to = fields.String(allow_none=True, required=True)
    progress = fields.Integer(allow_none=True, required=True)
    narrative = fields.String(required=True)
    evidence = fields.Dict(allow_none=True, required=True)
    next_follow_up_on = fields.Date(allow_none=True, required=True)


class FollowUpIn(BaseSchema):
    occurred_on = a_date(required=True)
    narrative = fields.String(required=True, validate=fields.length(min=1, max=20_000))
    status_to = fields.String(allow_none=True, load_default=None,
                              validate=fields.one_of(STATUSES))
    progress = fields.Integer(allow_none=True, load_default=None, validate=fields.between(0, 100))
    next_follow_up_on = a_date(allow_none=True, load_default=None)
    evidence = fields.Dict(allow_none=True, load_default=None)


class FollowUpQuery(BaseSchema):
    commitment = fields.Integer(**ID)
    within = fields.Integer(**ID)
    since = a_date()
    until = a_date()


class ProposalOut(Stamps):
    id = fields.Integer(required=True)
    commitment_id = fields.Function(lambda p: p.commitment.id, required=True)
    kind = fields.String(required=True,
                         metadata={"description": "completion or due_date_change"})
    state = fields.String(required=True,
                          metadata={"description": "pending, acknowledged, returned, withdrawn"})
    proposed_by = fields.Function(lambda p: p.proposed_by.name if p.proposed_by else None,
                                  allow_none=True, required=True)
    proposed_at = fields.UtcDateTime(required=True)
    proposed_due_date = fields.Date(allow_none=True, required=True)
    comment = fields.String(required=True)
    decided_by = fields.Function(lambda p: p.decided_by.name if p.decided_by else None,
                                 allow_none=True, required=True)
    decided_at = fields.UtcDateTime(allow_none=True, required=True)
    decision_comment = fields.String(required=True)


class CompletionIn(BaseSchema):
    comment = fields.String(load_default="", validate=fields.length(max=5000))


class DueDateProposalIn(BaseSchema):
    due_date = a_date(required=True)
    comment = fields.String(required=True, validate=fields.length(min=1, max=5000))


class DecisionIn(BaseSchema):
    comment = fields.String(load_default="", validate=fields.length(max=5000))


class ReturnIn(BaseSchema):
    comment = fields.String(required=True, validate=fields.length(min=1, max=5000))


class ProposalQuery(BaseSchema):
    state = fields.String(validate=fields.one_of(("pending", "acknowledged", "returned",
                                                  "withdrawn")))
    kind = fields.String(validate=fields.one_of(("completion", "due_date_change")))


class ExportQuery(CommitmentQuery):
    format = fields.String(load_default="csv", validate=fields.one_of(("csv", "xlsx")))


class ImportFile(BaseSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportResult(OutputSchema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
