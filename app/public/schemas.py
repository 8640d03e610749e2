"""The public index's search, checked like any other input."""

from __future__ import annotations

from app.common import fields
from app.common.schemas import BaseSchema
from app.organisations.models import COUNTRIES


class PublicSearch(BaseSchema):
    name = fields.String(validate=fields.length(min=1, max=200))
    country = fields.String(validate=fields.one_of(COUNTRIES))
