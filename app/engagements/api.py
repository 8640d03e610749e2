"""/api/v1/engagements: cycles, their phases and year wheel."""

from __future__ import annotations

from flask import g
from pony.orm import flush

from app.accounts.access import can, may_start_engagement, visible_engagements
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    fetch,
    idempotent,
    page_of,
    require_if_match,
    signed_in,
    with_etag,
)
from app.commitments import services as commitments
from app.commitments.schemas import CommitmentOut
from app.common.refs import page_schema
from app.db import db
from app.engagements import schemas, services
from app.errors import Forbidden, InvalidInput, NotFound
from app.i18n import _
from app.organisations.services import get_organisation
from app.programmes.services import get_programme

blp = ApiBlueprint("Engagements", __name__, url_prefix="/api/v1",
                   description="An organisation's cycle in a programme, its phases and year wheel.")


class EngagementListQuery(schemas.EngagementQuery, PageQuery):
    pass


@blp.get("/engagements")
@blp.arguments(EngagementListQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.EngagementOut))
def list_engagements(page=1, per_page=50, **filters):
    query = visible_engagements(signed_in())
    if filters.get("programme"):
        programme = filters["programme"]
        query = query.filter(lambda e: e.programme.id == programme)
    if filters.get("organisation"):
        organisation = filters["organisation"]
        query = query.filter(lambda e: e.organisation.id == organisation)
    if filters.get("within"):
        prefix = fetch(get_organisation, filters["within"]).path
        query = query.filter(lambda e: e.organisation.path.startswith(prefix))
    if filters.get("status"):
        status = filters["status"]
        query = query.filter(lambda e: e.status == status)
    if filters.get("country"):
        country = filters["country"]
        query = query.filter(lambda e: e.organisation.country == country)
    if filters.get("period"):
        period = filters["period"]
        query = query.filter(lambda e: e.period == period)
    if filters.get("phase"):
        phase = filters["phase"]
        query = query.filter(lambda e: e.current_phase.key == phase)
    query = query.order_by(lambda e: (e.starts_on, e.id)).prefetch(
        db.Engagement.programme, db.Engagement.organisation, db.Engagement.current_phase,
        db.Engagement.previous)
    return page_of(query, {"page": page, "per_page": per_page})


@blp.get("/engagements/<id:engagement_id>")
@blp.response(200, schemas.EngagementDetailOut)
def get_engagement(engagement_id):
    signed_in()
    return with_etag(fetch(services.get_engagement, engagement_id))


@blp.post("/engagements")
@idempotent
@blp.arguments(schemas.EngagementCreate)
@blp.response(201, schemas.EngagementDetailOut)
def start_engagement(data):
    """Start an organisation's cycle: its first phase and year wheel come from the programme."""
    caller = signed_in()
    programme = get_programme(data.pop("programme_id"))
    organisation = get_organisation(data.pop("organisation_id"))
    if not may_start_engagement(caller, programme, organisation):
        if can(caller, "read", organisation):
            raise Forbidden(_("You do not have access to this."))
        raise NotFound(_("Nothing was found at this address."))
    engagement = services.start_engagement(programme, organisation, **data)
    return with_etag(engagement, 201, location="/api/v1/engagements/{id}")


@blp.patch("/engagements/<id:engagement_id>")
@blp.arguments(schemas.EngagementUpdate)
@blp.response(200, schemas.EngagementDetailOut)
def update_engagement(changes, engagement_id):
    engagement = fetch(services.get_engagement, engagement_id, "manage")
    require_if_match(engagement)
    if "ends_on" in changes:
        if changes["ends_on"] is not None and changes["ends_on"] < engagement.starts_on:
            raise InvalidInput(_("The engagement could not be saved."),
                               {"ends_on": [_("The end date is before the start date.")]})
        engagement.ends_on = changes["ends_on"]
    return with_etag(engagement)


@blp.get("/engagements/<id:engagement_id>/transitions")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.TransitionOut))
def list_transitions(engagement_id, page=1, per_page=50):
    signed_in()
    return page_of(services.transitions(fetch(services.get_engagement, engagement_id)),
                   {"page": page, "per_page": per_page})


@blp.post("/engagements/<id:engagement_id>/transitions")
@blp.arguments(schemas.TransitionIn)
@blp.response(201, schemas.TransitionOut)
def record_transition(data, engagement_id):
    """Move the engagement into another phase on a date (back needs a note)."""
    engagement = fetch(services.get_engagement, engagement_id, "manage")
    require_if_match(engagement, required=False)
    return with_etag(services.transition_to(engagement, data["phase"],
                                            occurred_on=data["occurred_on"], note=data["note"]),
                     201)


@blp.post("/engagements/<id:engagement_id>/close")
@blp.arguments(schemas.CloseIn)
@blp.response(200, schemas.EngagementDetailOut)
def close_engagement(data, engagement_id):
    engagement = fetch(services.get_engagement, engagement_id, "manage")
    require_if_match(engagement, required=False)
    services.close_engagement(engagement, status=data["status"], ends_on=data["ends_on"])
    return with_etag(engagement)


@blp.get("/engagements/<id:engagement_id>/year-wheel")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.YearWheelStepOut))
def year_wheel(engagement_id, page=1, per_page=50):
    signed_in()
    return page_of(services.year_wheel(fetch(services.get_engagement, engagement_id)),
                   {"page": page, "per_page": per_page})


def _step(step_id: int):
    step = db.YearWheelStep.get(id=step_id)
    if step is None:
        raise NotFound(_("Nothing was found at this address."))
    return step


@blp.patch("/year-wheel-steps/<id:step_id>")
@blp.arguments(schemas.YearWheelStepUpdate)
@blp.response(200, schemas.YearWheelStepOut)
def update_year_wheel_step(changes, step_id):
    """Tick a step off (with its date), or name who is responsible."""
    step = fetch(_step, step_id, "manage")
    require_if_match(step)
    if "done" in changes:
        services.mark_step(step, done=changes.pop("done"), on=changes.pop("done_on", None))
    changes.pop("done_on", None)
    if changes:
        services.update_step(step, changes)
    return with_etag(step)


@blp.post("/engagements/<id:engagement_id>/year-wheel")
@idempotent
@blp.arguments(schemas.YearWheelStepIn)
@blp.response(201, schemas.YearWheelStepOut)
def add_year_wheel_step(data, engagement_id):
    """A step of the office's own in the engagement's year wheel."""
    engagement = fetch(services.get_engagement, engagement_id, "manage")
    return with_etag(services.add_step(engagement, **data), 201)


@blp.delete("/year-wheel-steps/<id:step_id>")
@blp.response(204)
def remove_year_wheel_step(step_id):
    step = fetch(_step, step_id, "manage")
    require_if_match(step)
    services.remove_step(step)


@blp.post("/engagements/<id:engagement_id>/carry-over-open")
@blp.arguments(schemas.CarryOverOpenIn)
@blp.response(201, CommitmentOut(many=True))
def carry_over_open_commitments(data, engagement_id):
    """Carry every open commitment of the previous cycle into this one, in one step."""
    engagement = fetch(services.get_engagement, engagement_id, "manage")
    if engagement.previous is None:
        raise InvalidInput(_("This engagement does not continue an earlier cycle."),
                           {"engagement": [_("No previous cycle.")]})
    fetch(services.get_engagement, engagement.previous.id, "manage")
    carried = commitments.carry_over_open(engagement.previous, engagement,
                                          due_date=data["due_date"], reason=data["reason"],
                                          actor=g.user.name)
    flush()
    return carried, 201
