"""Web: the person's profile (calendar addresses), calendar feeds by secret address and per
organisation."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from app.db import db
from app.i18n import _
from app.notify import calendar
from app.organisations.services import get_organisation
from app.web import signed_in
from app.web.pages import record

bp = Blueprint("notify", __name__, template_folder="templates")

ICS = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Type": ICS, "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, max-age=300"})


@bp.get("/calendar/<token>.ics")
def feed(token):
    """A person's calendar by its secret address: no sign-in, the address is the key."""
    found = calendar.feed_for(token)
    body = calendar.user_calendar(found) if found is not None else None
    if body is None:
        abort(404)
    return _ics(body, "nordialog.ics")


@bp.get("/organisations/<id:organisation_id>/calendar.ics")
@signed_in
def organisation_feed(organisation_id):
    organisation = record(get_organisation, organisation_id)
    return _ics(calendar.organisation_calendar(g.principal, organisation),
                f"nordialog-{organisation.id}.ics")


@bp.get("/profile")
@signed_in
def profile():
    feeds = g.user.calendar_feeds.select(lambda f: f.revoked_at is None).order_by(
        lambda f: f.id)
    return render_template("notify/profile.html", feeds=list(feeds), new_url=None)


@bp.post("/profile/calendar-feeds")
@signed_in
def create_feed():
    """A new secret address: the person's own calendar, or an organisation's (``organisation_id``
    from the organisation's page)."""
    organisation_id = request.form.get("organisation_id", "")
    if organisation_id and not (organisation_id.isdigit() and len(organisation_id) < 10):
        abort(404)
    organisation = record(get_organisation, int(organisation_id)) if organisation_id else None
    issued = calendar.issue_feed(g.user, organisation)
    feeds = g.user.calendar_feeds.select(lambda f: f.revoked_at is None).order_by(
        lambda f: f.id)
    flash(_("Your new calendar address is below. Copy it now: it is shown only this once."))
    return render_template("notify/profile.html", feeds=list(feeds),
                           new_url=calendar.feed_url(issued.secret)), 201


@bp.post("/profile/calendar-feeds/<id:feed_id>/revoke")
@signed_in
def revoke_feed(feed_id):
    found = db.CalendarFeed.get(id=feed_id)
    if found is None or found.user.id != g.user.id:
        abort(404)
    calendar.revoke_feed(found)
    flash(_("The calendar address is revoked: calendars using it get nothing more."))
    return redirect(url_for("notify.profile"))
