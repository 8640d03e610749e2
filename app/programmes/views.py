"""Programme pages: each practice's phases, agenda and minutes templates and year wheel."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.db import db
from app.organisations.models import COUNTRIES
from app.programmes.models import AGENDA_ITEM_KINDS, CADENCES, MINUTES_SECTION_KINDS, PARTIES
from app.programmes.services import agenda_template, get_programme, ordered_phases
from app.web import signed_in

bp = Blueprint("programmes", __name__, template_folder="templates")


@bp.get("/programmes")
@signed_in
def index():
    programmes = db.Programme.select().order_by(lambda p: (p.country, p.key))
    return render_template("programmes/index.html", programmes=list(programmes),
                           countries=COUNTRIES, cadences=CADENCES)


@bp.get("/programmes/<id:programme_id>")
@signed_in
def detail(programme_id):
    programme = get_programme(programme_id)
    meeting_types = sorted(programme.meeting_types, key=lambda m: m.position)
    return render_template(
        "programmes/detail.html", programme=programme, phases=ordered_phases(programme),
        meeting_types=[(kind, agenda_template(kind)) for kind in meeting_types],
        sections=sorted(programme.minutes_sections, key=lambda s: s.position),
        wheel=sorted(programme.year_wheel, key=lambda s: s.position),
        required=sorted(programme.required_themes, key=lambda r: r.position),
        indicators=[link.indicator for link in sorted(programme.indicators,
                                                      key=lambda link: link.position)],
        countries=COUNTRIES, cadences=CADENCES, parties=PARTIES, item_kinds=AGENDA_ITEM_KINDS,
        section_kinds=MINUTES_SECTION_KINDS)
