"""/api/v1/me (the caller, their tokens) and /api/v1/audit (administrators)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, time, timedelta

from flask import Response
from pony.orm import desc

from app.accounts import services
from app.accounts.cli import AUDIT_COLUMNS, audit_rows
from app.accounts.roles import ROLES
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    current_user,
    idempotent,
    page_of,
    require_if_match,
    signed_in,
    with_etag,
)
from app.common import fields
from app.common.model import utcnow
from app.common.refs import Ref, Stamps, page_schema, vocabulary_field
from app.common.schemas import AuditEntryOut, BaseSchema, OutputSchema
from app.db import db
from app.engagements.schemas import a_date
from app.errors import Forbidden, NotFound
from app.i18n import _

blp = ApiBlueprint("Accounts", __name__, url_prefix="/api/v1",
                   description="The signed-in user, their API tokens, and the audit log.")


class RoleOut(OutputSchema):
    role = fields.String(required=True)
    role_label = vocabulary_field("role", ROLES, required=True)
    organisation = fields.Nested(Ref, allow_none=True, required=True)


class MeOut(Stamps):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    language = fields.String(allow_none=True, required=True)
    roles = fields.List(fields.Nested(RoleOut), required=True)


class MeUpdate(BaseSchema):
    name = fields.String(validate=fields.length(min=1, max=200))
    language = fields.Language(allow_none=True)


@blp.get("/me")
@blp.response(200, MeOut)
def me():
    """Who the token belongs to, and their roles."""
    return with_etag(current_user())


@blp.patch("/me")
@blp.arguments(MeUpdate)
@blp.response(200, MeOut)
def update_me(changes):
    user = current_user()
    require_if_match(user)
    if "language" in changes:
        services.set_language(user, changes["language"])
    if "name" in changes:
        user.name = changes["name"]
    return with_etag(user)


class TokenOut(Stamps):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    expires_at = fields.UtcDateTime(allow_none=True, required=True)
    last_used_at = fields.UtcDateTime(allow_none=True, required=True)
    revoked_at = fields.UtcDateTime(allow_none=True, required=True)


class IssuedTokenOut(TokenOut):
    token = fields.String(required=True, metadata={
        "description": "The token itself: shown this once, never again."})


class TokenIn(BaseSchema):
    name = fields.String(required=True, validate=fields.length(min=1, max=100))
    expires_in_days = fields.Integer(allow_none=True, load_default=None,
                                     validate=fields.between(1, 3650))


@blp.get("/me/tokens")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(TokenOut))
def list_tokens(page=1, per_page=50):
    return page_of(sorted(current_user().tokens, key=lambda t: t.id),
                   {"page": page, "per_page": per_page})


@blp.post("/me/tokens")
@idempotent(secret_fields=("token",))
@blp.arguments(TokenIn)
@blp.response(201, IssuedTokenOut)
def issue_token(data):
    """A new personal token with the caller's rights; its secret is in this answer only."""
    expires = (utcnow() + timedelta(days=data["expires_in_days"])
               if data["expires_in_days"] else None)
    issued = services.issue_token(current_user(), data["name"], expires_at=expires)
    token = issued.token
    token.token = issued.secret  # for this answer only; never stored
    return with_etag(token, 201)


def _own_token(token_id: int):
    token = db.ApiToken.get(id=token_id)
    if token is None or token.user.id != current_user().id:
        raise NotFound(_("Nothing was found at this address."))
    return token


@blp.delete("/me/tokens/<id:token_id>")
@blp.response(204)
def revoke_token(token_id):
    """Revoke a token: it stops working at once."""
    token = _own_token(token_id)
    require_if_match(token)
    services.revoke_token(token)


class AuditOut(AuditEntryOut):
    """The administrators' log: who by account id, and from which address."""

    actor = fields.Function(lambda e: e.actor.id if e.actor else None, allow_none=True,
                            required=True)
    address = fields.String(allow_none=True, required=True)


class AuditQuery(PageQuery):
    entity = fields.String(validate=fields.length(min=1, max=64))
    entity_id = fields.Integer(validate=fields.between(1, 2**63 - 1))
    actor = fields.Integer(validate=fields.between(1, 2**31 - 1))
    action = fields.String(validate=fields.length(min=1, max=32))
    since = a_date()
    until = a_date()


def _administrator():
    if not signed_in().is_admin():
        raise Forbidden(_("Only administrators read the audit log."),
                        audit={"entity": "AuditEntry"})


@blp.get("/audit")
@blp.arguments(AuditQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(AuditOut))
def list_audit(page=1, per_page=50, entity=None, entity_id=None, actor=None, action=None,
               since=None, until=None):
    """The audit log, newest first (administrators)."""
    _administrator()
    query = db.AuditEntry.select()
    if entity:
        query = query.filter(lambda e: e.entity == entity)
    if entity_id:
        query = query.filter(lambda e: e.entity_id == entity_id)
    if actor:
        query = query.filter(lambda e: e.actor.id == actor)
    if action:
        query = query.filter(lambda e: e.action == action)
    if since:
        start = datetime.combine(since, time())
        query = query.filter(lambda e: e.occurred_at >= start)
    if until:
        end = datetime.combine(until, time()) + timedelta(days=1)
        query = query.filter(lambda e: e.occurred_at < end)
    return page_of(query.order_by(lambda e: desc(e.id)), {"page": page, "per_page": per_page})


class AuditExportQuery(BaseSchema):
    format = fields.String(load_default="jsonl", validate=fields.one_of(("jsonl", "csv")))
    since = a_date()


@blp.get("/audit/export")
@blp.arguments(AuditExportQuery, location="query", as_kwargs=True)
@blp.doc(responses={"200": {"description": "The audit log, oldest first",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                        "text/csv": {"schema": {"type": "string"}}}}})
def export_audit(format="jsonl", since=None):  # noqa: A002 - the query parameter's name
    """The whole audit log (or since a day) as JSON lines or CSV (administrators)."""
    _administrator()
    rows = list(audit_rows(since))
    if format == "jsonl":
        body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return Response(body, mimetype="application/x-ndjson")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AUDIT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "changes": json.dumps(row["changes"], ensure_ascii=False)})
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})



class PseudonymizedOut(OutputSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    pseudonymized_at = fields.UtcDateTime(required=True)
    replaced = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "Copies of the name replaced, by kind."})


@blp.post("/users/<id:user_id>/pseudonymize")
@blp.response(200, PseudonymizedOut)
def pseudonymize_user(user_id):
    """Replace a deactivated user's personal data by a pseudonym (administrators).

    The audit log keeps its entries: they refer to the user by id. Refused with 409 while the
    account is active or when it has already been done.
    """
    if not signed_in().is_admin():
        raise Forbidden(_("Only administrators may pseudonymize accounts."),
                        audit={"entity": "User", "entity_id": user_id})
    from app.accounts.privacy import pseudonymize_user as pseudonymize

    user = services.get_user(user_id)
    replaced = pseudonymize(user)
    return {"id": user.id, "name": user.name, "pseudonymized_at": user.pseudonymized_at,
            "replaced": replaced}
