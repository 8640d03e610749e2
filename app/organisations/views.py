"""Organisation pages: the tree the reader may see, and one organisation's page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template
from pony.orm import desc, select

from app.accounts.access import (
    visible_commitments,
    visible_engagements,
    visible_meetings,
    visible_organisations,
)
from app.commitments.status import OPEN, STATUSES
from app.commitments.tracking import track_many
from app.db import db
from app.engagements.models import STATUSES as ENGAGEMENT_STATUSES
from app.i18n import localized
from app.organisations.models import COUNTRIES, KINDS, UNIT_KINDS
from app.organisations.services import ancestors, get_organisation
from app.web import signed_in
from app.web.pages import allowed, record

bp = Blueprint("organisations", __name__, template_folder="templates")


@bp.get("/organisations")
@signed_in
def tree():
    """Every organisation the reader may see, as a tree (roots are those without a visible
    parent)."""
    organisations = list(visible_organisations(g.principal).order_by(lambda o: (o.path,)))
    visible = {o.id for o in organisations}
    children: dict = {}
    roots = []
    for organisation in sorted(organisations, key=lambda o: o.name):
        parent = organisation.parent
        if parent is not None and parent.id in visible:
            children.setdefault(parent.id, []).append(organisation)
        else:
            roots.append(organisation)
    return render_template("organisations/tree.html", roots=roots, children=children,
                           kinds=KINDS, countries=COUNTRIES)


@bp.get("/organisations/<id:organisation_id>")
@signed_in
def detail(organisation_id):
    """An organisation's page: its cycles, meetings, open commitments and units."""
    organisation = record(get_organisation, organisation_id)
    prefix = organisation.path
    principal = g.principal
    engagements = visible_engagements(principal).filter(
        lambda e: e.organisation.path.startswith(prefix)).order_by(
        lambda e: (desc(e.starts_on), e.id))[:50]
    meetings = visible_meetings(principal).filter(
        lambda m: m.engagement.organisation.path.startswith(prefix)).order_by(
        lambda m: desc(m.starts_at))[:20]
    open_ = tuple(OPEN)
    commitments = visible_commitments(principal).filter(
        lambda c: c.engagement.organisation.path.startswith(prefix)
        and c.status in open_).order_by(lambda c: c.due_date)[:50]
    units = sorted((child for child in organisation.children if allowed("read", child)),
                   key=lambda child: child.name)
    return render_template(
        "organisations/detail.html", organisation=organisation, path=ancestors(organisation),
        engagements=engagements, meetings=meetings, commitments=commitments, units=units,
        flags=track_many(commitments),
        kinds=KINDS, statuses=STATUSES, engagement_statuses=ENGAGEMENT_STATUSES,
        today=date.today(), may_manage=allowed("manage", organisation),
        indicator_keys=_charted_indicators(principal, organisation, engagements))


def _charted_indicators(principal, organisation, engagements) -> list[tuple[str, str]]:
    """The unit's programme indicators with values, as (key, name), that the reader may see."""
    from app.charts.data import may_see_indicator

    if organisation.kind not in UNIT_KINDS:
        return []
    shown, seen = [], set()
    with_values = set(select(o.indicator.key for o in db.Observation
                             if o.organisation == organisation))
    for engagement in engagements:
        if engagement.organisation != organisation:
            continue
        for link in sorted(engagement.programme.indicators, key=lambda i: i.position):
            indicator = link.indicator
            if indicator.key in seen or indicator.key not in with_values:
                continue
            seen.add(indicator.key)
            if may_see_indicator(principal, indicator, organisation):
                shown.append((indicator.key, localized(indicator.labels)))
    return shown[:8]
