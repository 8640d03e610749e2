"""/api/v1/meetings/{id}/checks and /api/v1/engagements/{id}/checks: the programme's checks,
evaluated now, with what is missing in the reader's language."""

from __future__ import annotations

from app.api.support import ApiBlueprint, fetch
from app.checks.rules import engagement_checks, meeting_checks
from app.common import fields
from app.common.schemas import BaseSchema, OutputSchema
from app.engagements.services import get_engagement
from app.meetings.services import get_meeting

blp = ApiBlueprint("Checks", __name__, url_prefix="/api/v1",
                   description="Per-country checks before minutes are approved, a report is "
                               "signed off or a phase begins (warnings, not refusals).")


class CheckOut(OutputSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    applies_to = fields.String(required=True)
    passed = fields.Boolean(required=True)
    missing = fields.List(fields.String(), required=True)
    report = fields.String(allow_none=True, required=True)
    phase = fields.String(allow_none=True, required=True)


class ChecksOut(OutputSchema):
    passed = fields.Boolean(required=True)
    warnings = fields.Integer(required=True, metadata={"description": "Checks not passed."})
    checks = fields.List(fields.Nested(CheckOut), required=True)


class EngagementChecksQuery(BaseSchema):
    report = fields.String(validate=fields.length(min=1, max=64))
    phase = fields.String(validate=fields.length(min=1, max=64))


def _summary(results) -> dict:
    failed = sum(1 for r in results if not r.passed)
    return {"passed": not failed, "warnings": failed, "checks": results}


@blp.get("/meetings/<id:meeting_id>/checks")
@blp.response(200, ChecksOut)
def meeting_checks_view(meeting_id):
    """The checks this meeting's minutes should pass before they are approved."""
    return _summary(meeting_checks(fetch(get_meeting, meeting_id)))


@blp.get("/engagements/<id:engagement_id>/checks")
@blp.arguments(EngagementChecksQuery, location="query", as_kwargs=True)
@blp.response(200, ChecksOut)
def engagement_checks_view(engagement_id, report=None, phase=None):
    """The report and phase checks of an engagement (one report's or phase's if asked)."""
    engagement = fetch(get_engagement, engagement_id)
    return _summary(engagement_checks(engagement, report=report, phase=phase))
