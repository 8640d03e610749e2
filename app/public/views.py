"""Pages for everyone, without signing in: a school's published minutes.

Only what was published is shown, from the frozen publication (never the live minutes), and
never a confidential meeting or a confidential commitment (they are left out when published).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from pony.orm import desc

from app.db import db
from app.i18n import localized
from app.meetings.services import latest_publication
from app.organisations.services import get_organisation
from app.programmes.models import PARTIES

bp = Blueprint("public", __name__, template_folder="templates", url_prefix="/public")


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
