"""(d) An agency's interim and final report for an engagement (Skolverket's delredovisning
and slutredovisning): the agreement, the current-state analysis, the action plan, the
initiatives and their status, and the development of the indicators; the final report adds
the timeliness of the follow-up over the whole cooperation."""

from __future__ import annotations

from collections import Counter
from datetime import date

from app.accounts.access import visible_commitments, visible_meetings
from app.charts import data as charts
from app.charts.service import ChartRef
from app.checks.rules import engagement_checks, warnings
from app.commitments.status import STATUSES
from app.common.rich_text import plain_text
from app.engagements.services import transitions as phase_history
from app.i18n import _, localized
from app.meetings.services import agenda
from app.reports.common import IndicatorPicture, commitment_rows
from app.reports.render import Report, Table
from app.web.formatting import format_date, local_datetime

ANALYSIS_PHASES = ("analysis", "self_assessment", "results")
AGREEMENT_PHASES = ("agreement", "agreements")


def _programme_report_label(programme, kind: str) -> str | None:
    for entry in programme.reports or []:
        if entry.get("key") == f"{kind}_report":
            return localized(entry.get("labels"))
    return None


def development_chart(values, owner, units) -> dict | None:
    """One indicator over time: the owner, each of its units, and the country, in one chart."""
    indicator = values.indicator
    periods = sorted({p for o in (owner, *units) for p in values.by_org.get(o.id, {})}
                     )[-charts.PERIODS_SHOWN:]
    if not periods:
        return None
    series = [{"label": owner.name, "values": [values.owner_value(owner, p) for p in periods]}]
    series += [{"label": unit.name,
                "values": [values.own(unit, p, with_confidential=False) for p in periods]}
               for unit in units if values.by_org.get(unit.id)]
    series.append({"label": _("Country"), "values": [values.country_value(p) for p in periods]})
    suppressed = any(values.suppressed(u, p) for u in units for p in periods)
    return {"title": localized(indicator.labels), "periods": periods, "series": series,
            "percent": indicator.unit == "percent", "decimals": indicator.decimals,
            "note": charts.suppression_note(indicator) if suppressed else None,
            "size": (6.8, 3.4)}


def agency_report(principal, engagement, kind: str, *, today: date | None = None) -> Report:
    today = today or date.today()
    owner = engagement.organisation
    programme = engagement.programme
    history = [{"phase": localized(t.phase.labels), "on": format_date(t.occurred_on),
                "key": t.phase.key, "note": t.note} for t in phase_history(engagement)]
    agreed_on = next((h["on"] for h in history if h["key"] in AGREEMENT_PHASES), None)
    meetings = sorted(visible_meetings(principal).filter(lambda m: m.engagement == engagement),
                      key=lambda m: m.starts_at)
    analysis = []
    for meeting in meetings:
        phase = meeting.meeting_type.phase.key if meeting.meeting_type.phase else ""
        if phase in ANALYSIS_PHASES or "analysis" in meeting.meeting_type.key:
            for item in agenda(meeting):
                if item.minutes:
                    analysis.append({"meeting": localized(meeting.meeting_type.labels),
                                     "on": local_datetime(meeting.starts_at, owner, "short"),
                                     "title": item.title or localized(item.labels),
                                     "minutes": item.minutes})
    commitments = list(visible_commitments(principal).filter(
        lambda c: c.engagement == engagement))
    rows = commitment_rows(commitments, today)
    by_responsible = {}
    for row in rows:
        by_responsible.setdefault(row["responsible"], []).append(row)
    by_status = Counter(r["status_key"] for r in rows)
    units = sorted((u for u in owner.children), key=lambda u: u.name)
    indicators = [link.indicator for link in sorted(programme.indicators,
                                                    key=lambda i: i.position)]
    picture = IndicatorPicture(principal, indicators)
    development = []
    for indicator in picture.shown(owner):
        spec = development_chart(picture.values(indicator, owner.country), owner, units)
        if spec is not None:
            development.append({"name": localized(indicator.labels),
                                "svg": ChartRef("trend", spec)})
    figures = [ChartRef("stacked", charts.commitments_by_status_and_theme(commitments))
               ] if commitments else []
    if kind == "final" and commitments:
        figures.append(ChartRef("stacked", charts.follow_up_timeliness(commitments, today)))
    label = _programme_report_label(programme, kind) or (
        _("Interim report") if kind == "interim" else _("Final report"))
    columns = [_("What is agreed"), _("Actions"), _("Responsible"), _("Due"), _("Status"),
               _("Latest follow-up")]
    table = Table(columns, [dict(zip(columns, (r["title"], plain_text(r["actions"]),
                                               r["responsible"], r["due"], r["status"],
                                               plain_text(r["latest"])),
                                     strict=True)) for r in rows])
    checks = warnings(engagement_checks(engagement, report=f"{kind}_report"))
    return Report(
        template="agency.html", title=label, checks=checks, programme=programme,
        subtitle=f"{owner.name} · {localized(programme.labels)} {engagement.period}",
        filename=f"{kind}-report-{engagement.id}",
        confidential=any(r["confidential"] for r in rows) or any(
            i.confidential for i in picture.shown(owner)),
        context={"kind": kind, "history": history, "agreed_on": agreed_on,
                 "starts_on": format_date(engagement.starts_on),
                 "ends_on": format_date(engagement.ends_on) if engagement.ends_on else "",
                 "run_by": programme.run_by.name if programme.run_by else "",
                 "owner": owner.name, "analysis": analysis, "commitments": rows,
                 "by_responsible": by_responsible,
                 "by_status": [(str(STATUSES[s]), by_status[s]) for s in STATUSES
                               if by_status[s]],
                 "development": development, "figures": figures,
                 "meetings": [{"name": m.title or localized(m.meeting_type.labels),
                               "on": local_datetime(m.starts_at, owner, "short")}
                              for m in meetings]},
        table=table,
    )

