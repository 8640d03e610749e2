"""/api/v1/outbox (administrators): the e-mail queue and each message's state."""

from __future__ import annotations

from flask import Response
from pony.orm import desc

from app.api.support import (
    ApiBlueprint,
    PageQuery,
    current_user,
    fetch,
    idempotent,
    page_of,
    require_if_match,
    signed_in,
    with_etag,
)
from app.common import fields
from app.common.refs import Stamps, page_schema, vocabulary_field
from app.common.schemas import BaseSchema, OutputSchema
from app.db import db
from app.errors import Forbidden, NotFound
from app.i18n import _
from app.notify import calendar, outbox
from app.organisations.services import get_organisation

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


# --- calendar feeds -------------------------------------------------------------------------

class FeedOut(Stamps):
    id = fields.Integer(required=True)
    organisation_id = fields.Function(
        lambda f: f.organisation.id if f.organisation else None, allow_none=True, required=True,
        metadata={"description": "Whose calendar: this organisation's, or (null) the person's"})
    prefix = fields.String(required=True)
    last_used_at = fields.UtcDateTime(allow_none=True, required=True)
    revoked_at = fields.UtcDateTime(allow_none=True, required=True)


class IssuedFeedOut(FeedOut):
    url = fields.String(required=True, metadata={
        "description": "The secret calendar address: shown this once, never again."})


@blp.get("/me/calendar-feeds")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(FeedOut))
def list_feeds(page=1, per_page=50):
    """The caller's calendar addresses (their secrets are never shown again)."""
    return page_of(sorted(current_user().calendar_feeds, key=lambda f: f.id),
                   {"page": page, "per_page": per_page})


class FeedIn(BaseSchema):
    organisation_id = fields.Integer(allow_none=True, load_default=None,
                                     validate=fields.between(1, 2**31 - 1), metadata={
                                         "description": "For this organisation's calendar "
                                                        "(and the units under it)"})


@blp.post("/me/calendar-feeds")
@idempotent(secret_fields=("url",))
@blp.arguments(FeedIn, required=False)
@blp.response(201, IssuedFeedOut)
def create_feed(data):
    """A new secret calendar address (RFC 5545) with what the caller may see: their own
    calendar, or an organisation's."""
    user = current_user()
    organisation_id = (data or {}).get("organisation_id")
    organisation = fetch(get_organisation, organisation_id) if organisation_id else None
    issued = calendar.issue_feed(user, organisation)
    feed = issued.feed
    feed.url = calendar.feed_url(issued.secret)  # for this answer only; never stored
    return with_etag(feed, 201)


@blp.delete("/me/calendar-feeds/<id:feed_id>")
@blp.response(204)
def revoke_feed(feed_id):
    """Revoke a calendar address: it stops working at once."""
    user = current_user()  # 401 before any lookup
    feed = db.CalendarFeed.get(id=feed_id)
    if feed is None or feed.user.id != user.id:
        raise NotFound(_("Nothing was found at this address."))
    require_if_match(feed)
    calendar.revoke_feed(feed)


@blp.get("/organisations/<id:organisation_id>/calendar.ics")
@blp.doc(responses={"200": {"description": "The organisation's calendar (RFC 5545)",
                            "content": {"text/calendar": {"schema": {"type": "string"}}}}})
def organisation_feed(organisation_id):
    """Meetings, due dates, follow-ups and year-wheel steps of an organisation and the units
    under it, in its time zone."""
    organisation = fetch(get_organisation, organisation_id)
    body = calendar.organisation_calendar(signed_in(), organisation)
    return Response(body, headers={"Content-Type": "text/calendar; charset=utf-8"})
