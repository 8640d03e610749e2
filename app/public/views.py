"""Pages for everyone, without signing in: an index of the organisations with published minutes,
and an organisation's published minutes.

Only what was published is shown, from the frozen publication (never the live minutes), and
never a confidential meeting or a confidential commitment (they are left out when published).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from pony.orm import desc

from app.db import db
from app.i18n import localized
from app.meetings.services import latest_publication
from app.organisations.models import COUNTRIES
from app.organisations.services import get_organisation
from app.programmes.models import PARTIES
from app.public.schemas import PublicSearch
from app.public.services import published_organisations
from app.web.forms import Form, load
from app.web.pages import page

bp = Blueprint("public", __name__, template_folder="templates", url_prefix="/public")


@bp.get("/")
def index():
    """Where a visitor finds a school or school owner: those with published minutes, searchable
    by name and country. A search that is not valid shows its message beside the field."""
    raw = {key: request.args[key] for key in ("name", "country") if request.args.get(key)}
    form = Form(values=raw)
    search = load(PublicSearch(), raw, form) or {}
    listed = page(published_organisations(**search), per_page=50)
    return render_template("public/index.html", page=listed, form=form, countries=COUNTRIES,
                           searched=bool(search)), 422 if form.errors else 200


@bp.get("/organisations/<id:organisation_id>")
def organisation(organisation_id):
    """An organisation's published minutes, newest first."""
    found = get_organisation(organisation_id)
    prefix = found.path
    meetings = db.Meeting.select(
        lambda m: m.engagement.organisation.path.startswith(prefix) and not m.confidential
        and m.published_at is not None).order_by(lambda m: desc(m.starts_at))[:200]
    return render_template("public/organisation.html", organisation=found, meetings=meetings)


@bp.get("/minutes/<id:meeting_id>")
@bp.get("/minutes/<id:meeting_id>/<id:revision>")
def minutes(meeting_id, revision=None):
    meeting = db.Meeting.get(id=meeting_id)
    if meeting is None or meeting.confidential:
        abort(404)
    if revision is None:
        publication = latest_publication(meeting)
    else:
        publication = db.MinutesPublication.get(meeting=meeting, revision=revision)
    if publication is None:
        abort(404)
    revisions = sorted(p.revision for p in meeting.publications)
    return render_template("public/minutes.html", meeting=meeting, publication=publication,
                           content=publication.content, revisions=revisions,
                           parties=PARTIES, localized=localized)
