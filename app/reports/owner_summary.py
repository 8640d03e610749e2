"""(b) An owner's summary across all talks of a cycle, for the political committee.

Themes taken up, commitments by status and theme, the overdue ones, highlights per school and
charts. The public version (``principal`` None) is built only from published minutes and
non-confidential indicators, with small groups suppressed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from app.charts import data as charts
from app.charts.service import ChartRef
from app.commitments.status import STATUSES
from app.i18n import _, localized
from app.reports.common import IndicatorPicture, commitment_rows
from app.reports.cycle import cycle_commitments, cycle_engagements, cycle_meetings, the_programme
from app.reports.render import Report, Table
from app.themes.services import theme_name
from app.web.formatting import format_date, local_datetime


def programme_indicators(engagements) -> list:
    seen, ordered = set(), []
    for engagement in engagements:
        for link in sorted(engagement.programme.indicators, key=lambda i: i.position):
            if link.indicator.id not in seen:
                seen.add(link.indicator.id)
                ordered.append(link.indicator)
    return ordered


def comparison_chart(picture: IndicatorPicture, indicator, owner, units) -> dict | None:
    """Each unit's latest value of an indicator, the owner's and the country's beside."""
    values = picture.values(indicator, owner.country)
    periods = sorted({p for u in units for p in values.by_org.get(u.id, {})})
    if not periods:
        return None
    period = periods[-1]
    suppressed = any(values.suppressed(u, period) for u in units)
    title = f"{localized(indicator.labels)} ({period})"
    if indicator.confidential:
        title += " – " + _("Confidential")
    return {"title": title,
            "categories": [u.name for u in units],
            "values": [values.own(u, period, with_confidential=not picture.public)
                       for u in units],
            "references": [{"label": owner.name, "value": values.owner_value(owner, period)},
                           {"label": _("Country"), "value": values.country_value(period)}],
            "percent": indicator.unit == "percent", "decimals": indicator.decimals,
            "note": charts.suppression_note(indicator) if suppressed else None}


def owner_summary(principal, owner, period: str | None = None, *, public: bool = False,
                  today: date | None = None) -> Report:
    today = today or date.today()
    reader = None if public else principal
    period, engagements = cycle_engagements(reader, owner, period)
    units = [e.organisation for e in engagements]
    commitments = cycle_commitments(reader, engagements)
    meetings = cycle_meetings(reader, engagements)
    rows = commitment_rows(commitments, today)

    themes = Counter()
    for meeting in meetings:
        for chosen in meeting.themes:
            themes[theme_name(chosen.theme)] += 1
    by_status = Counter(r["status_key"] for r in rows)
    overdue = [r for r in rows if r["overdue"]]

    picture = IndicatorPicture(principal, programme_indicators(engagements), public=public)
    held = defaultdict(list)
    for meeting in meetings:
        if meeting.held_at is not None:
            held[meeting.engagement.organisation.id].append(meeting)
    unit_of = {c.id: c.engagement.organisation.id for c in commitments}
    per_unit = defaultdict(list)
    for r in rows:
        per_unit[unit_of[r["id"]]].append(r)
    schools = []
    for unit in units:
        indicator_rows, _note = picture.rows(unit)
        talks = sorted(held[unit.id], key=lambda m: m.starts_at)
        mine = per_unit[unit.id]
        schools.append({
            "name": unit.name,
            "talk": local_datetime(talks[-1].starts_at, unit, "short") if talks else "",
            "commitments": len(mine),
            "achieved": sum(1 for r in mine if r["status_key"] == "achieved"),
            "overdue": sum(1 for r in mine if r["overdue"]),
            "highlights": IndicatorPicture.highlights(indicator_rows),
        })

    charts_shown = []
    if rows:
        charts_shown.append(ChartRef("stacked",
                                       charts.commitments_by_status_and_theme(commitments)))
        charts_shown.append(ChartRef("stacked",
                                       charts.follow_up_timeliness(commitments, today)))
    for indicator in picture.shown(owner):
        spec = comparison_chart(picture, indicator, owner, units)
        if spec:
            charts_shown.append(ChartRef("hbars", spec))

    columns = [_("School"), _("Talk"), _("Agreements"), _("Achieved"), _("Overdue"),
               _("Highlights")]
    table = Table(columns, [dict(zip(columns, (s["name"], s["talk"], s["commitments"],
                                               s["achieved"], s["overdue"],
                                               "; ".join(map(str, s["highlights"]))), strict=True))
                            for s in schools])
    return Report(
        template="owner_summary.html",
        title=_("Summary of the talks %(period)s", period=period),
        subtitle=owner.name, filename=f"owner-summary-{owner.id}", public=public,
        confidential=not public and (any(r["confidential"] for r in rows) or any(
            i.confidential for i in picture.shown(owner))),
        context={"period": period, "schools": schools, "themes": themes.most_common(),
                 "by_status": [(str(STATUSES[s]), by_status[s]) for s in STATUSES
                               if by_status[s]],
                 "overdue": overdue, "charts": charts_shown, "total": len(rows),
                 "talks": sum(len(v) for v in held.values()),
                 "today": format_date(today)},
        table=table, programme=the_programme(engagements),
    )
