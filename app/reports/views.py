"""Report pages: choose a report, its subject, language and format; each report's address;
the public versions (no sign-in) of published minutes and owners' summaries."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from pony.orm import desc

from app.accounts.access import (
    require,
    visible_engagements,
    visible_meetings,
    visible_organisations,
)
from app.db import db
from app.errors import NotFound
from app.i18n import LANGUAGES, _, current_language, localized, normalize_language
from app.meetings.services import get_meeting
from app.organisations.services import get_organisation
from app.reports import agency as agency_reports
from app.reports import comparison as comparison_report
from app.reports import data_package as package
from app.reports import quality as quality_report
from app.reports.catalogue import FORMAT_LABELS, REPORTS, report_url
from app.reports.minutes import minutes_report
from app.reports.owner_summary import owner_summary as owner_summary_report
from app.reports.render import FORMATS, produce
from app.security import allow_framing_by_self
from app.web import signed_in
from app.web.formatting import format_date
from app.web.forms import Form

bp = Blueprint("reports", __name__, template_folder="templates")


def choice() -> tuple[str, str]:
    """The format and the report's language from the query (defaults: HTML, the page's)."""
    fmt = request.args.get("format", "html")
    asked = request.args.get("language")
    language = normalize_language(asked) if asked else current_language()
    return fmt, language or (asked or "")


def send(build, public: bool = False) -> Response:
    fmt, language = choice()
    output = produce(build, fmt, language)
    response = Response(output.content, mimetype=output.mimetype)
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{output.filename}"'
    # A signed-in reader's report may hold what others may not see: never kept by a proxy.
    response.headers["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response.headers["Content-Language"] = language
    if fmt == "html":
        allow_framing_by_self()  # the Reports page previews it in a frame
    return response


def _period() -> str | None:
    period = request.args.get("period", "").strip()
    return period or None


# --- the reports, for signed-in readers ----------------------------------------------------------

@bp.get("/reports/minutes/<id:meeting_id>")
@signed_in
def minutes(meeting_id):
    meeting = require(g.principal, "read", get_meeting(meeting_id))
    return send(lambda: minutes_report(meeting, public=False, principal=g.principal))


@bp.get("/meetings/<id:meeting_id>/data-package")
@signed_in
def data_package(meeting_id):
    meeting = require(g.principal, "read", get_meeting(meeting_id))
    return send(lambda: package.data_package(g.principal, meeting))


@bp.get("/reports/owner-summary/<id:organisation_id>")
@signed_in
def owner_summary(organisation_id):
    owner = _owner(organisation_id)
    return send(lambda: owner_summary_report(g.principal, owner, _period()))


@bp.get("/reports/quality/<id:organisation_id>")
@signed_in
def quality(organisation_id):
    owner = _owner(organisation_id)
    return send(lambda: quality_report.quality_report(g.principal, owner, _period()))


@bp.get('/reports/engagements/<id:engagement_id>/<any("interim", "final"):kind>')
@signed_in
def agency(engagement_id, kind):
    from app.engagements.services import get_engagement
    engagement = require(g.principal, "read", get_engagement(engagement_id))
    return send(lambda: agency_reports.agency_report(g.principal, engagement, kind))


@bp.get("/reports/comparison")
@signed_in
def comparison():
    return send(lambda: comparison_report.comparison(g.principal))


def _owner(organisation_id: int):
    owner = require(g.principal, "read", get_organisation(organisation_id))
    if owner.kind != "school_owner":
        raise NotFound(_("Nothing was found at this address."))
    return owner


# --- public versions: no sign-in, nothing confidential, small groups suppressed -------------------

@bp.get("/public/reports/minutes/<id:meeting_id>")
def public_minutes(meeting_id):
    meeting = db.Meeting.get(id=meeting_id)
    if meeting is None:
        raise NotFound(_("Nothing was found at this address."))
    return send(lambda: minutes_report(meeting, public=True), public=True)


@bp.get("/public/reports/owner-summary/<id:organisation_id>")
def public_owner_summary(organisation_id):
    owner = db.Organisation.get(id=organisation_id)
    if owner is None or owner.kind != "school_owner":
        raise NotFound(_("Nothing was found at this address."))
    return send(lambda: owner_summary_report(None, owner, _period(), public=True), public=True)


# --- choosing a report ----------------------------------------------------------------------------

def subjects(principal) -> dict[str, list[tuple[str, str]]]:
    """What each kind of report can be about, for this reader."""
    meetings = visible_meetings(principal).order_by(lambda m: desc(m.starts_at))[:100]
    owners = visible_organisations(principal).filter(lambda o: o.kind == "school_owner"
                                                     ).order_by(lambda o: o.name)[:200]
    engagements = [e for e in visible_engagements(principal).order_by(
        lambda e: desc(e.starts_on))[:200] if e.organisation.kind == "school_owner"]
    return {
        "meeting": [(f"meeting:{m.id}", f"{m.engagement.organisation.name}: "
                     f"{m.title or localized(m.meeting_type.labels)}, {format_date(m.starts_at)}")
                    for m in meetings],
        "owner": [(f"owner:{o.id}", o.name) for o in owners],
        "engagement": [(f"engagement:{e.id}", f"{e.organisation.name}: "
                        f"{localized(e.programme.labels)} {e.period}") for e in engagements],
    }


@bp.get("/reports")
@signed_in
def index():
    """Choose a report, its subject, language and format; an HTML report is previewed here."""
    options = subjects(g.principal)
    form = Form(values={"report": request.args.get("report", "owner_summary"),
                        "subject": request.args.get("subject", ""),
                        "period": request.args.get("period", ""),
                        "language": request.args.get("language", current_language()),
                        "format": request.args.get("format", "html")})
    preview = download = None
    if "report" in request.args:
        target = _chosen(form, options)
        if target and form.value("format") == "html":
            preview = target
        elif target:
            download = target
    subject_options = [(value, f"{label}") for kind in ("meeting", "owner", "engagement")
                       for value, label in options[kind]]
    return render_template(
        "reports/index.html", form=form, preview=preview, download=download,
        report_options=[(k, str(label)) for k, (label, _kind) in REPORTS.items()],
        subject_options=subject_options,
        language_options=[(code, code) for code in LANGUAGES],
        format_options=list(FORMAT_LABELS.items()),
    ), (422 if form.errors else 200)


def _chosen(form: Form, options: dict) -> str | None:
    report = form.value("report")
    if report not in REPORTS:
        form.errors["report"] = [_("Choose a report from the list.")]
    if form.value("format") not in FORMATS:
        form.errors["format"] = [_("Choose a format from the list.")]
    if form.value("language") not in LANGUAGES:
        form.errors["language"] = [_("Choose a language from the list.")]
    subject_id = None
    if report in REPORTS and REPORTS[report][1] is not None:
        kind = REPORTS[report][1]
        allowed = {value for value, _label in options[kind]}
        subject = form.value("subject")
        if subject not in allowed:
            form.errors["subject"] = [_("Choose what the report is about: this report needs "
                                        "a subject of another kind.") if subject else
                                      _("Choose what the report is about.")]
        else:
            subject_id = int(subject.split(":", 1)[1])
    if form.errors:
        form.message = _("Please correct the fields marked below.")
        return None
    return report_url(report, subject_id, language=form.value("language"),
                      format=form.value("format"), period=form.value("period"))

