"""(e) The process itself compared across programmes, owners and countries.

- **Days from meeting to agreement**: per engagement, from its first meeting to the first
  agreement: the day it entered an agreement phase, a proposed commitment's change to agreed,
  or the meeting's own day for a commitment agreed at the meeting. The median is shown.
- **Met on time**: of the commitments that are due or closed (cancelled and carried-over ones
  left out), the share achieved on or before their due date.
- **Overdue follow-ups**: open commitments whose next follow-up date has passed.

Only engagements the reader may see are counted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import median

from pony.orm import select

from app.accounts.access import visible_commitments, visible_engagements
from app.charts.data import owner_of
from app.charts.service import ChartRef
from app.commitments.tracking import track_many
from app.db import db
from app.engagements.services import transitions as phase_history
from app.i18n import _, localized
from app.organisations.models import COUNTRIES
from app.reports.agency import AGREEMENT_PHASES
from app.reports.render import Report, Table
from app.web.formatting import format_number, format_percent

SKIPPED = ("cancelled", "carried_over")


def _status_days(ids: list[int]) -> dict[int, dict[str, date]]:
    """The first day each commitment became agreed and achieved (from its history)."""
    found: dict[int, dict[str, date]] = defaultdict(dict)
    events = select((e.commitment.id, e.kind, e.to_status, e.occurred_at)
                    for e in db.CommitmentEvent if e.commitment.id in ids
                    and (e.to_status in ("agreed", "achieved")
                         or e.kind == "completion_acknowledged"))[:]
    for commitment_id, kind, status, at in sorted(events, key=lambda e: e[3]):
        key = "achieved" if kind == "completion_acknowledged" else status
        found[commitment_id].setdefault(key, at.date())
        if kind == "created":
            found[commitment_id]["created_as"] = status
    return found


def measure(principal, today: date | None = None) -> list[dict]:
    """One row of measures per engagement the reader may see."""
    today = today or date.today()
    engagements = list(visible_engagements(principal))
    known = {e.id for e in engagements}
    commitments = [c for c in visible_commitments(principal) if c.engagement.id in known]
    tracking = track_many(commitments, today)
    days = _status_days([c.id for c in commitments] or [0])
    per_engagement = defaultdict(list)
    for c in commitments:
        per_engagement[c.engagement.id].append(c)
    rows = []
    for engagement in engagements:
        mine = per_engagement[engagement.id]
        held = sorted((m for m in engagement.meetings if m.held_at is not None),
                      key=lambda m: m.starts_at)
        agreement_days = [t.occurred_on for t in phase_history(engagement)
                          if t.phase.key in AGREEMENT_PHASES]
        for c in mine:
            if c.meeting is None:
                continue
            history = days.get(c.id, {})
            if history.get("created_as") == "agreed":
                agreement_days.append(c.meeting.starts_at.date())
            elif "agreed" in history:
                agreement_days.append(history["agreed"])
        to_agreement = None
        if held and agreement_days:
            first = held[0].starts_at.date()
            after = [d for d in agreement_days if d >= first]
            to_agreement = (min(after) - first).days if after else None
        due = [c for c in mine if c.status not in SKIPPED
               and (c.due_date < today or c.status in ("achieved", "not_achieved"))]
        on_time = [c for c in due if c.status == "achieved"
                   and days.get(c.id, {}).get("achieved", today) <= c.due_date]
        owner = owner_of(engagement.organisation) or engagement.organisation
        rows.append({
            "programme": localized(engagement.programme.labels),
            "owner": owner.name, "country": str(COUNTRIES[engagement.organisation.country]),
            "days": to_agreement, "due": len(due), "on_time": len(on_time),
            "overdue_follow_ups": sum(1 for c in mine if tracking[c.id].follow_up_overdue),
        })
    return rows


def _grouped(rows: list[dict], by: str) -> list[dict]:
    groups = defaultdict(list)
    for row in rows:
        groups[row[by]].append(row)
    result = []
    for name in sorted(groups):
        items = groups[name]
        days = [r["days"] for r in items if r["days"] is not None]
        due = sum(r["due"] for r in items)
        on_time = sum(r["on_time"] for r in items)
        result.append({
            "name": name, "engagements": len(items),
            "days": median(days) if days else None,
            "share": on_time / due * 100 if due else None,
            "overdue": sum(r["overdue_follow_ups"] for r in items),
        })
    return result


def comparison(principal, *, today: date | None = None) -> Report:
    rows = measure(principal, today)
    levels = [(_("By programme"), _grouped(rows, "programme")),
              (_("By school owner"), _grouped(rows, "owner")),
              (_("By country"), _grouped(rows, "country"))]
    for _title, groups in levels:
        for group in groups:
            group["days_text"] = format_number(group["days"], 0) if group["days"] is not None \
                else "–"
            group["share_text"] = (format_percent(group["share"], 1)
                                   if group["share"] is not None else "–")
    countries = levels[2][1]
    chart = None
    if any(g["share"] is not None for g in countries):
        chart = ChartRef("hbars", {
            "title": _("Share of agreements met on time"),
            "categories": [g["name"] for g in countries],
            "values": [g["share"] for g in countries], "percent": True, "decimals": 0,
            "references": []})
    level_label, name_label = _("Level"), _("Name")
    columns = [level_label, name_label, _("Engagements"), _("Days from meeting to agreement"),
               _("Met on time"), _("Overdue follow-ups")]
    table_rows = [dict(zip(columns, (title, g["name"], g["engagements"], g["days_text"],
                                     g["share_text"], g["overdue"]), strict=True))
                  for title, groups in levels for g in groups]
    return Report(
        template="comparison.html", title=_("The dialogue process compared"),
        subtitle=_("Programmes, school owners and countries you can see"),
        filename="process-comparison",
        context={"levels": levels, "chart": chart, "columns": columns},
        table=Table(columns, table_rows),
    )
