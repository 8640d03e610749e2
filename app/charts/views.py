"""Chart routes for the pages of signed-in readers (reports embed their charts themselves)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, g

from app.accounts.access import NotVisible, can, require, visible_commitments
from app.charts import data
from app.charts.render import FORMATS
from app.charts.service import draw
from app.engagements.services import get_engagement
from app.engagements.services import year_wheel as wheel_steps
from app.i18n import _
from app.indicators.services import get_indicator
from app.organisations.services import get_organisation
from app.web import signed_in

bp = Blueprint("charts", __name__, url_prefix="/charts")
FORMAT = '<any("svg", "png"):fmt>'


def _send(kind: str, spec: dict, fmt: str) -> Response:
    response = Response(draw(kind, spec, fmt), mimetype=FORMATS[fmt])
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get(f"/organisations/<id:organisation_id>/indicators/<key>.{FORMAT}")
@signed_in
def indicator_trend(organisation_id, key, fmt):
    """A unit's trend for one indicator against its owner and country."""
    organisation = require(g.principal, "read", get_organisation(organisation_id))
    indicator = get_indicator(key)
    if not data.may_see_indicator(g.principal, indicator, organisation):
        raise NotVisible(_("Nothing was found at this address."),
                         audit={"entity": "Indicator", "entity_id": indicator.id})
    spec = data.indicator_trend(organisation, indicator, with_confidential=can(
        g.principal, "read_confidential", organisation))
    return _send("trend", spec, fmt)


def _commitments(engagement):
    return list(visible_commitments(g.principal).filter(lambda c: c.engagement == engagement))


@bp.get(f"/engagements/<id:engagement_id>/commitments.{FORMAT}")
@signed_in
def commitments(engagement_id, fmt):
    engagement = require(g.principal, "read", get_engagement(engagement_id))
    return _send("stacked", data.commitments_by_status_and_theme(_commitments(engagement)), fmt)


@bp.get(f"/engagements/<id:engagement_id>/timeliness.{FORMAT}")
@signed_in
def timeliness(engagement_id, fmt):
    engagement = require(g.principal, "read", get_engagement(engagement_id))
    spec = data.follow_up_timeliness(_commitments(engagement), date.today())
    return _send("stacked", spec, fmt)


@bp.get(f"/engagements/<id:engagement_id>/year-wheel.{FORMAT}")
@signed_in
def year_wheel(engagement_id, fmt):
    engagement = require(g.principal, "read", get_engagement(engagement_id))
    return _send("year_wheel", data.year_wheel(engagement, wheel_steps(engagement),
                                               date.today()), fmt)
