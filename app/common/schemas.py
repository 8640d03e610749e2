"""The project's base schemas: unknown fields refused, text trimmed, messages translated."""

from __future__ import annotations

from marshmallow import RAISE, Schema, pre_load

from app.common import fields
from app.i18n import _l


class BaseSchema(Schema):
    """Input schemas: unknown fields are an error, surrounding whitespace is not data."""

    class Meta:
        unknown = RAISE
        ordered = True

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type: send a JSON object."),
    }

    @pre_load
    def strip_text(self, data, **_kwargs):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


class OutputSchema(Schema):
    """Response schemas (dump only)."""

    class Meta:
        ordered = True


class ErrorSchema(OutputSchema):
    """The one error shape every API response in error uses."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, metadata={"description": "The HTTP status phrase."})
    message = fields.String(required=True,
                            metadata={"description": "What went wrong, in the reader's language."})
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(),
                         metadata={"description": "Messages by field name."})
    current_version = fields.Integer(
        metadata={"description": "On 412: the version the resource is at now."})
    error_id = fields.String(metadata={"description": "On 500: an id to quote to support."})


class AuditEntryOut(OutputSchema):
    """One entry of the audit log, as a record's history and the administrators' log show it."""

    id = fields.Integer(required=True)
    occurred_at = fields.UtcDateTime(required=True)
    actor = fields.Function(lambda e: e.actor.name if e.actor else None, allow_none=True,
                            required=True)
    channel = fields.String(required=True)
    action = fields.String(required=True)
    entity = fields.String(allow_none=True, required=True)
    entity_id = fields.Integer(allow_none=True, required=True)
    summary = fields.String(required=True)
    changes = fields.Dict(allow_none=True, required=True, metadata={
        "description": "Each changed field: {before, after}."})
