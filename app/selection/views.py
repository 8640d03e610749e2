"""Web: the list of units flagged for weak results, closer follow-up and an agency's selection."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.accounts.access import can
from app.db import db
from app.errors import Conflict, InvalidInput
from app.i18n import _, localized, ngettext
from app.organisations.services import get_organisation
from app.selection import rules, services
from app.web import signed_in
from app.web.pages import record

bp = Blueprint("selection", __name__, template_folder="templates")


def _programmes() -> list:
    return [p for p in db.Programme.select().order_by(lambda p: (p.country, p.key))
            if p.weak_results]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _page(programme, errors: dict | None = None, status: int = 200, values: dict | None = None):
    flagged = rules.flag(g.principal, programme) if programme is not None else []
    owners: dict = {}
    for unit in flagged:
        if unit.owner is not None:
            owners.setdefault(unit.owner.id, unit.owner)
    return render_template(
        "selection/index.html", programmes=_programmes(), programme=programme, flagged=flagged,
        owners=list(owners.values()), errors=errors or {}, values=values or {},
        agency=programme is not None and rules.agency_selects(g.principal, programme),
        may_manage=lambda organisation: can(g.principal, "manage", organisation),
        localized=localized), status


@bp.get("/weak-results")
@signed_in
def index():
    key = request.args.get("programme")
    programmes = _programmes()
    programme = next((p for p in programmes if p.key == key), None)
    if programme is None and programmes and not key:
        # An administrator's role is held in no organisation (None), which Pony cannot match.
        own = {a.organisation_id for a in g.principal.assignments
               if a.organisation_id is not None}
        countries = {o.country for o in db.Organisation.select(lambda o: o.id in own)} \
            if own else set()
        programme = next((p for p in programmes if p.country in countries), programmes[0])
    if key and programme is None:
        return _page(None, {"programme": _("Choose a programme with a weak-results rule."),
                            "form": _("Please correct the fields marked below.")},
                     422)
    return _page(programme)


def _form_programme():
    programme = next((p for p in _programmes() if p.key == request.form.get("programme")), None)
    return programme


@bp.post("/organisations/<id:organisation_id>/closer-follow-up")
@signed_in
def closer_follow_up(organisation_id):
    school = record(get_organisation, organisation_id, "manage")
    programme = _form_programme()
    values = {key: request.form.get(key, "") for key in ("title", "due_date", "period",
                                                         "starts_on")}
    if programme is None:
        return _page(None, {"programme": _("Choose a programme with a weak-results rule."),
                            "form": _("Please correct the fields marked below.")},
                     422, values)
    try:
        engagement, _created = services.open_closer_follow_up(
            programme, school, commitments=[{"title": values["title"].strip(),
                                             "due_date": _date(values["due_date"])}],
            period=values["period"], starts_on=_date(values["starts_on"]),
            actor=g.user.name)
    except (InvalidInput, Conflict) as refused:
        errors = {name.rsplit(".", 1)[-1]: " ".join(str(m) for m in messages)
                  for name, messages in (refused.errors or {}).items()}
        errors.setdefault("form", str(refused.message))
        return _page(programme, {**errors, "school": school.id}, 422, values)
    flash(_("Closer follow-up is opened for %(school)s with a corrective commitment.",
            school=school.name))
    return redirect(url_for("engagements.detail", engagement_id=engagement.id))


@bp.post("/weak-results/selection")
@signed_in
def selection():
    programme = _form_programme()
    if programme is None:
        return _page(None, {"programme": _("Choose a programme with a weak-results rule."),
                            "form": _("Please correct the fields marked below.")},
                     422)
    ids = [int(value) for value in request.form.getlist("organisation_ids")
           if value.isdigit() and int(value) < 2**31]
    owners = [o for o in (db.Organisation.get(id=i) for i in ids) if o is not None]
    values = {"period": request.form.get("period", ""),
              "starts_on": request.form.get("starts_on", "")}
    starts_on = _date(values["starts_on"])
    errors = {}
    if starts_on is None:
        errors["starts_on"] = _("Enter a date.")
    if not values["period"].strip():
        errors["period"] = _("A period is required, e.g. 2025/26.")
    if errors:
        return _page(programme, errors, 422, values)
    try:
        started = services.select_owners(g.principal, programme, owners,
                                         period=values["period"].strip(), starts_on=starts_on)
    except (InvalidInput, Conflict) as refused:
        return _page(programme, {"selection": str(refused.message)}, 422, values)
    flash(ngettext("An engagement is started with %(num)s school owner.",
                   "Engagements are started with %(num)s school owners.", len(started)))
    return redirect(url_for("selection.index", programme=programme.key))

