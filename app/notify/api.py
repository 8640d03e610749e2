"""/api/v1/outbox (administrators): the e-mail queue and each message's state."""

from __future__ import annotations

from pony.orm import desc

from app.api.support import ApiBlueprint, PageQuery, page_of, signed_in
from app.common import fields
from app.common.refs import vocabulary_field
from app.common.schemas import OutputSchema
from app.db import db
from app.errors import Forbidden
from app.i18n import _
from app.notify import outbox

blp = ApiBlueprint("Notifications", __name__, url_prefix="/api/v1",
                   description="The e-mail outbox and calendar feeds.")


class OutboxMessageOut(OutputSchema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    recipient = fields.String(required=True)
    language = fields.String(required=True)
    subject = fields.String(required=True)
    state = fields.String(required=True)
    state_label = vocabulary_field("state", outbox.STATES, required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.UtcDateTime(required=True)
    last_error = fields.String(required=True)
    sent_at = fields.UtcDateTime(allow_none=True, required=True)
    item_entity = fields.String(allow_none=True, required=True)
    item_id = fields.Integer(allow_none=True, required=True)
    created_at = fields.UtcDateTime(required=True)


class OutboxPage(OutputSchema):
    items = fields.List(fields.Nested(OutboxMessageOut), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class OutboxQuery(PageQuery):
    state = fields.String(validate=fields.one_of(tuple(outbox.STATES)))


@blp.get("/outbox")
@blp.arguments(OutboxQuery, location="query", as_kwargs=True)
@blp.response(200, OutboxPage)
def list_outbox(page=1, per_page=50, state=None):
    """The e-mail outbox, newest first, with counts per state (administrators)."""
    if not signed_in().is_admin():
        raise Forbidden(_("Only administrators see the e-mail outbox."),
                        audit={"entity": "OutboxMessage"})
    query = db.OutboxMessage.select()
    if state:
        query = query.filter(lambda m: m.state == state)
    body, headers = page_of(query.order_by(lambda m: desc(m.id)),
                            {"page": page, "per_page": per_page})
    body["counts"] = outbox.counts()
    return body, headers
