"""Engagements in and out of the API."""

from __future__ import annotations

from datetime import date

from app.common import fields
from app.common.refs import Ref, Stamps, label_field, vocabulary_field
from app.common.schemas import BaseSchema, OutputSchema
from app.engagements.models import STATUSES
from app.engagements.services import step_responsible
from app.i18n import localized
from app.organisations.models import COUNTRIES

#: Dates Nordialog accepts: a wider range is a typing mistake, not a plan.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
ID = {"validate": fields.between(1, 2**31 - 1)}


def a_date(**kwargs) -> fields.Date:
    return fields.Date(validate=fields.between(EARLIEST, LATEST), **kwargs)


class PhaseRef(OutputSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name = label_field(required=True)


class EngagementOut(Stamps):
    id = fields.Integer(required=True)
    programme = fields.Nested(Ref, required=True)
    organisation = fields.Nested(Ref, required=True)
    period = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    status_label = vocabulary_field("status", STATUSES, required=True)
    current_phase = fields.Nested(PhaseRef, allow_none=True, required=True)
    previous_id = fields.Function(lambda e: e.previous.id if e.previous else None,
                                  allow_none=True, required=True)


class EngagementDetailOut(EngagementOut):
    # The reverse side of a one-to-one link costs a query per record, so lists leave it out.
    following_id = fields.Function(lambda e: e.following.id if e.following else None,
                                   allow_none=True, required=True)


class EngagementQuery(BaseSchema):
    programme = fields.Integer(**ID)
    organisation = fields.Integer(**ID)
    within = fields.Integer(**ID, metadata={"description": "This organisation and all below."})
    status = fields.String(validate=fields.one_of(STATUSES))
    country = fields.String(validate=fields.one_of(COUNTRIES))
    period = fields.String(validate=fields.length(min=1, max=32),
                           metadata={"description": "E.g. a school year, 2025/26."})
    phase = fields.String(validate=fields.length(min=1, max=64))


class EngagementCreate(BaseSchema):
    programme_id = fields.Integer(required=True, **ID)
    organisation_id = fields.Integer(required=True, **ID)
    period = fields.String(required=True, validate=fields.length(min=1, max=32))
    starts_on = a_date(required=True)
    ends_on = a_date(allow_none=True, load_default=None)


class EngagementUpdate(BaseSchema):
    ends_on = a_date(allow_none=True)


class TransitionIn(BaseSchema):
    phase = fields.String(required=True, validate=fields.length(min=1, max=64))
    occurred_on = a_date(required=True)
    note = fields.String(load_default="", validate=fields.length(max=2000))


class TransitionOut(OutputSchema):
    id = fields.Integer(required=True)
    phase = fields.Nested(PhaseRef, required=True)
    occurred_on = fields.Date(required=True)
    note = fields.String(required=True)
    created_at = fields.UtcDateTime(required=True)


class CloseIn(BaseSchema):
    status = fields.String(required=True, validate=fields.one_of(("completed", "withdrawn")))
    ends_on = a_date(allow_none=True, load_default=None)


class YearWheelStepOut(Stamps):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    month = fields.Integer(required=True)
    title = fields.Function(lambda s: s.title or localized(s.labels or {}), required=True)
    notes = fields.String(required=True)
    responsible = fields.Function(step_responsible, required=True)
    done = fields.Boolean(required=True)
    done_on = fields.Date(allow_none=True, required=True)


class YearWheelStepUpdate(BaseSchema):
    done = fields.Boolean()
    done_on = a_date(allow_none=True)
    month = fields.Integer(validate=fields.between(1, 12))
    title = fields.String(validate=fields.length(min=1, max=200))
    responsible = fields.String(validate=fields.length(max=200))
    notes = fields.String(validate=fields.length(max=2000))


class YearWheelStepIn(BaseSchema):
    month = fields.Integer(required=True, validate=fields.between(1, 12))
    title = fields.String(required=True, validate=fields.length(min=1, max=200))
    responsible = fields.String(load_default="", validate=fields.length(max=200))
    notes = fields.String(load_default="", validate=fields.length(max=2000))


class CarryOverOpenIn(BaseSchema):
    due_date = a_date(allow_none=True, load_default=None)
    reason = fields.String(load_default="", validate=fields.length(max=5000))
