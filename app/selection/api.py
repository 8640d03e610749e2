"""/api/v1/weak-results: units flagged by the programme's rule; closer follow-up for a school;
an agency's selection of owners."""

from __future__ import annotations

from pony.orm import flush

from app.accounts.access import visible_organisations
from app.api.support import ApiBlueprint, PageQuery, fetch, idempotent, page_of, signed_in
from app.common import fields
from app.common.model import by_key
from app.common.refs import Ref, page_schema
from app.common.schemas import BaseSchema, OutputSchema
from app.db import db
from app.engagements.schemas import a_date
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.meetings.api import utc
from app.organisations.services import get_organisation
from app.programmes.services import get_programme
from app.selection import rules, services

blp = ApiBlueprint("Selection", __name__, url_prefix="/api/v1",
                   description="Weak results over time: flagged schools, closer follow-up and "
                               "an agency's selection.")


class PeriodValueOut(OutputSchema):
    period = fields.String(required=True)
    value = fields.Float(allow_none=True, required=True)
    reference = fields.Float(allow_none=True, required=True)


class HitOut(OutputSchema):
    indicator = fields.String(required=True, attribute="indicator_key")
    indicator_label = fields.String(required=True, attribute="indicator")
    compare_to = fields.String(required=True)
    reason = fields.String(required=True)
    periods = fields.List(fields.Nested(PeriodValueOut), required=True)


class FlaggedOut(OutputSchema):
    organisation = fields.Nested(Ref, required=True)
    owner = fields.Nested(Ref, allow_none=True, required=True)
    hits = fields.List(fields.Nested(HitOut), required=True)


class WeakResultsQuery(PageQuery):
    programme = fields.String(required=True, validate=fields.length(min=1, max=64))
    within = fields.Integer(validate=fields.between(1, 2**31 - 1))


def programme_with_rule(key: str):
    programme = by_key(db.Programme, key)
    if programme is None or not programme.weak_results:
        raise InvalidInput(_("Choose a programme with a weak-results rule."), {
            "programme": [_("No programme %(programme)s with a weak-results rule.",
                            programme=key)]})
    return programme


@blp.get("/weak-results")
@blp.arguments(WeakResultsQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(FlaggedOut))
def list_weak_results(programme, within=None, page=1, per_page=50):
    """Units whose results are worse than the rule's reference for N periods in a row."""
    principal = signed_in()
    found = programme_with_rule(programme)
    scope = None
    if within is not None:
        scope = visible_organisations(principal).filter(lambda o: o.id == within).first()
        if scope is None:
            raise NotFound(_("Nothing was found at this address."))
    return page_of(rules.flag(principal, found, within=scope),
                   {"page": page, "per_page": per_page})


class CorrectiveIn(BaseSchema):
    title = fields.String(required=True, validate=fields.length(min=1, max=300))
    due_date = a_date(required=True)
    actions = fields.String(load_default="", validate=fields.length(max=20000))
    follow_up_interval_days = fields.Integer(load_default=None,
                                             validate=fields.between(1, 366))


class CloserFollowUpIn(BaseSchema):
    programme = fields.String(required=True, validate=fields.length(min=1, max=64))
    commitments = fields.List(fields.Nested(CorrectiveIn), required=True,
                              validate=fields.length(min=1, max=20))
    period = fields.String(load_default="", validate=fields.length(max=32))
    starts_on = a_date(load_default=None)
    meeting_starts_at = fields.AwareDateTime(load_default=None)


class StartedOut(OutputSchema):
    engagement_ids = fields.List(fields.Integer(), required=True)
    commitment_ids = fields.List(fields.Integer(), required=True)


@blp.post("/organisations/<id:organisation_id>/closer-follow-up")
@idempotent
@blp.arguments(CloserFollowUpIn)
@blp.response(201, StartedOut)
def open_closer_follow_up(data, organisation_id):
    """Closer follow-up of a school: corrective, binding commitments (and a meeting)."""
    school = fetch(get_organisation, organisation_id, "manage")
    programme = by_key(db.Programme, data["programme"])
    if programme is None:
        raise InvalidInput(_("Closer follow-up could not be opened."), {
            "programme": [_("No programme %(programme)s.", programme=data["programme"])]})
    engagement, created = services.open_closer_follow_up(
        programme, school, commitments=data["commitments"], period=data["period"],
        starts_on=data["starts_on"], meeting_starts_at=utc(data["meeting_starts_at"]),
        actor=signed_in_name())
    flush()
    return {"engagement_ids": [engagement.id], "commitment_ids": [c.id for c in created]}, 201


def signed_in_name() -> str:
    from app.api.support import current_user

    return current_user().name


class SelectionIn(BaseSchema):
    organisation_ids = fields.List(fields.Integer(validate=fields.between(1, 2**31 - 1)),
                                   required=True, validate=fields.length(min=1, max=100))
    period = fields.String(required=True, validate=fields.length(min=1, max=32))
    starts_on = a_date(required=True)


@blp.post("/programmes/<id:programme_id>/selection")
@idempotent
@blp.arguments(SelectionIn)
@blp.response(201, StartedOut)
def select_owners(data, programme_id):
    """An agency's selection: start the programme with each owner (all or none)."""
    principal = signed_in()
    programme = get_programme(programme_id)
    owners = []
    for owner_id in dict.fromkeys(data["organisation_ids"]):
        owner = db.Organisation.get(id=owner_id)
        if owner is None:
            raise InvalidInput(_("The selection could not be saved."), {
                "organisation_ids": [_("No organisation %(id)s.", id=owner_id)]})
        owners.append(owner)
    started = services.select_owners(principal, programme, owners, period=data["period"],
                                     starts_on=data["starts_on"])
    flush()
    return {"engagement_ids": [e.id for e in started], "commitment_ids": []}, 201

