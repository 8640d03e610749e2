"""Organisations in and out of the API."""

from __future__ import annotations

from app.common import fields
from app.common.refs import Stamps, vocabulary_field
from app.common.schemas import BaseSchema
from app.organisations.models import COUNTRIES, KINDS


class OrganisationOut(Stamps):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = vocabulary_field("kind", KINDS, required=True)
    country = fields.String(required=True)
    official_code = fields.String(allow_none=True, required=True)
    time_zone = fields.String(required=True)
    parent_id = fields.Function(lambda o: o.parent.id if o.parent else None, allow_none=True,
                                required=True)
    is_demo = fields.Boolean(required=True)


class OrganisationQuery(BaseSchema):
    kind = fields.String(validate=fields.one_of(KINDS))
    country = fields.String(validate=fields.one_of(COUNTRIES))
    parent = fields.Integer(validate=fields.between(1, 2**31 - 1),
                            metadata={"description": "Only direct children of this one."})
    within = fields.Integer(validate=fields.between(1, 2**31 - 1),
                            metadata={"description": "This organisation and all below it."})
    q = fields.String(validate=fields.length(min=1, max=100),
                      metadata={"description": "Part of the name."})


class OrganisationCreate(BaseSchema):
    name = fields.String(required=True, validate=fields.length(min=1, max=200))
    kind = fields.String(required=True, validate=fields.one_of(KINDS))
    country = fields.String(required=True, validate=fields.one_of(COUNTRIES))
    parent_id = fields.Integer(allow_none=True, load_default=None,
                               validate=fields.between(1, 2**31 - 1))
    official_code = fields.String(allow_none=True, load_default=None,
                                  validate=fields.length(min=1, max=64))
    time_zone = fields.String(allow_none=True, load_default=None,
                              validate=fields.length(min=1, max=64))


class OrganisationUpdate(BaseSchema):
    name = fields.String(validate=fields.length(min=1, max=200))
    official_code = fields.String(allow_none=True, validate=fields.length(min=1, max=64))
    time_zone = fields.String(validate=fields.length(min=1, max=64))
