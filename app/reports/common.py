"""Pieces every report uses: commitment rows, indicator values with highlights, formatting."""

from __future__ import annotations

from datetime import date

from app.accounts.access import can
from app.charts.data import IndicatorValues, may_see_indicator, owner_of, suppression_note
from app.commitments.status import STATUSES
from app.commitments.tracking import track_many
from app.i18n import _, localized
from app.web.formatting import format_date, format_number, format_percent

DASH = "–"


def value_text(indicator, value: float | None, signed: bool = False) -> str:
    if value is None:
        return DASH
    if indicator.unit == "percent" and not signed:
        return format_percent(round(value, indicator.decimals))
    text = format_number(value, indicator.decimals)
    if signed and value > 0:
        text = "+" + text
    return text + (" %" if signed and indicator.unit == "percent" else "")


def commitment_rows(commitments, today: date | None = None) -> list[dict]:
    """Commitments as report rows (entered text as written), with the overdue flag."""
    commitments = list(commitments)
    tracking = track_many(commitments, today)
    rows = []
    for c in sorted(commitments, key=lambda c: (c.due_date, c.id)):
        ups = sorted(c.follow_ups, key=lambda f: (f.occurred_on, f.id))
        rows.append({
            "id": c.id, "title": c.title, "actions": c.actions,
            "responsible": c.responsible_organisation.name,
            "due": format_date(c.due_date), "due_date": c.due_date,
            "status_key": c.status, "status": str(STATUSES[c.status]),
            "confidential": c.confidential, "overdue": tracking[c.id].overdue,
            "theme": c.theme,
            "latest": ups[-1].narrative if ups else "",
            "latest_on": format_date(ups[-1].occurred_on) if ups else "",
        })
    return rows


class IndicatorPicture:
    """One organisation's programme indicators: latest value, change, owner and country."""

    def __init__(self, principal, indicators, *, public: bool = False,
                 cache: dict | None = None) -> None:
        self.principal = principal
        self.indicators = list(indicators)
        self.public = public
        self.cache = cache if cache is not None else {}

    def values(self, indicator, country: str) -> IndicatorValues:
        key = (indicator.id, country)
        if key not in self.cache:
            self.cache[key] = IndicatorValues(indicator, country)
        return self.cache[key]

    def shown(self, organisation) -> list:
        return [i for i in self.indicators
                if (not i.country or i.country == organisation.country)
                and may_see_indicator(self.principal, i, organisation, public=self.public)]

    def rows(self, organisation) -> tuple[list[dict], str | None]:
        """Rows for the organisation's table and the suppression note, if anything was."""
        rows, notes = [], []
        confidential_ok = not self.public and can(self.principal, "read_confidential",
                                                  organisation)
        owner = owner_of(organisation.parent) if organisation.parent else None
        for indicator in self.shown(organisation):
            values = self.values(indicator, organisation.country)
            periods = values.periods(organisation)
            if not periods:
                continue
            period = periods[-1]
            latest = values.own(organisation, period, with_confidential=confidential_ok)
            if values.suppressed(organisation, period):
                notes.append(suppression_note(indicator))
            earlier = (values.own(organisation, periods[-2], with_confidential=confidential_ok)
                       if len(periods) > 1 else None)
            change = latest - earlier if latest is not None and earlier is not None else None
            owner_value = values.owner_value(owner, period) if owner else None
            country_value = values.country_value(period)
            rows.append({
                "indicator": indicator, "name": localized(indicator.labels), "period": period,
                "confidential": indicator.confidential, "raw": latest, "raw_change": change,
                "raw_owner": owner_value, "raw_country": country_value,
                "value": value_text(indicator, latest),
                "change": value_text(indicator, change, signed=True),
                "owner": value_text(indicator, owner_value),
                "country": value_text(indicator, country_value),
            })
        return rows, (notes[0] if notes else None)

    @staticmethod
    def highlights(rows: list[dict], limit: int = 3) -> list[str]:
        """Short sentences: the largest changes, and where the school stands against others."""
        found = []
        changed = sorted((r for r in rows if r["raw_change"] is not None),
                         key=lambda r: -abs(r["raw_change"]))
        for r in changed[:limit]:
            comparison = ""
            if r["raw"] is not None and r["raw_country"] is not None:
                comparison = " " + (_("(country: %(value)s)", value=r["country"]))
            found.append(_("%(indicator)s: %(value)s, %(change)s since the last period",
                           indicator=r["name"], value=r["value"], change=r["change"])
                         + comparison)
        return found
