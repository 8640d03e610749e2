"""/api/v1/reports: every report as HTML, PDF, CSV or XLSX, in the language asked for."""

from __future__ import annotations

from flask import Response

from app.api.support import ApiBlueprint, fetch, signed_in
from app.common import fields
from app.common.schemas import BaseSchema
from app.engagements.services import get_engagement
from app.errors import NotFound
from app.i18n import _, current_language
from app.meetings.services import get_meeting
from app.organisations.services import get_organisation
from app.reports import agency, comparison, data_package, quality
from app.reports.minutes import minutes_report
from app.reports.owner_summary import owner_summary
from app.reports.render import FORMATS, produce

blp = ApiBlueprint("Reports", __name__, url_prefix="/api/v1",
                   description="Reports as documents: HTML, PDF, CSV or XLSX, in da, nb, sv or "
                               "en whatever language their content was written in.")

REPORT_RESPONSE = {"200": {"description": "The report", "content": {
    mime.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
    for mime in FORMATS.values()}}}


class ReportQuery(BaseSchema):
    format = fields.String(load_default="html", validate=fields.one_of(FORMATS))
    language = fields.Language(metadata={"description": "The report's language: da, nb (also "
                                                        "no, nn), sv or en (default: the "
                                                        "response language)."})


class CycleReportQuery(ReportQuery):
    period = fields.String(validate=fields.length(min=1, max=32),
                           metadata={"description": "The cycle's period, e.g. 2025/26 "
                                                    "(default: the latest)."})


def _send(build, format: str, language: str | None) -> Response:  # noqa: A002
    language = language or current_language()
    output = produce(build, format, language)
    disposition = "inline" if format in ("html", "pdf") else "attachment"
    return Response(output.content, mimetype=output.mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{output.filename}"',
        "Content-Language": language})


def _owner(organisation_id: int):
    owner = fetch(get_organisation, organisation_id)
    if owner.kind != "school_owner":
        raise NotFound(_("Only a school owner has this report."))
    return owner


@blp.get("/reports/minutes/<id:meeting_id>")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def minutes_document(meeting_id, format="html", language=None):  # noqa: A002
    """A meeting's minutes in its programme's minutes template."""
    principal = signed_in()
    meeting = fetch(get_meeting, meeting_id)
    return _send(lambda: minutes_report(meeting, public=False, principal=principal), format,
                 language)


@blp.get("/reports/data-package/<id:meeting_id>")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def data_package_document(meeting_id, format="html", language=None):  # noqa: A002
    """The data package for a meeting: the programme's indicators for the unit."""
    principal = signed_in()
    meeting = fetch(get_meeting, meeting_id)
    return _send(lambda: data_package.data_package(principal, meeting), format, language)


@blp.get("/reports/owner-summary/<id:organisation_id>")
@blp.arguments(CycleReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def owner_summary_document(organisation_id, format="html", language=None,  # noqa: A002
                           period=None):
    """An owner's summary across the talks of a cycle, for the political committee."""
    principal = signed_in()
    owner = _owner(organisation_id)
    return _send(lambda: owner_summary(principal, owner, period), format, language)


@blp.get("/reports/quality/<id:organisation_id>")
@blp.arguments(CycleReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def quality_report_document(organisation_id, format="html", language=None,  # noqa: A002
                            period=None):
    """The annual quality report (national tests, grades, learning environment, dropout)."""
    principal = signed_in()
    owner = _owner(organisation_id)
    return _send(lambda: quality.quality_report(principal, owner, period), format, language)


@blp.get("/reports/interim/<id:engagement_id>")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def interim_report_document(engagement_id, format="html", language=None):  # noqa: A002
    """An agency's interim report for an engagement."""
    principal = signed_in()
    engagement = fetch(get_engagement, engagement_id)
    return _send(lambda: agency.agency_report(principal, engagement, "interim"), format,
                 language)


@blp.get("/reports/final/<id:engagement_id>")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def final_report_document(engagement_id, format="html", language=None):  # noqa: A002
    """An agency's final report for an engagement."""
    principal = signed_in()
    engagement = fetch(get_engagement, engagement_id)
    return _send(lambda: agency.agency_report(principal, engagement, "final"), format,
                 language)


@blp.get("/reports/comparison")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses=REPORT_RESPONSE)
def comparison_document(format="html", language=None):  # noqa: A002
    """The dialogue process compared by programme, owner and country."""
    principal = signed_in()
    return _send(lambda: comparison.comparison(principal), format, language)
