"""Pieces every report uses: commitment rows, indicator values with highlights, formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.accounts.access import can
from app.charts.data import IndicatorValues, may_see_indicator, owner_of, suppression_note
from app.commitments.status import STATUSES
from app.commitments.tracking import track_many
from app.i18n import _, localized
from app.organisations.models import COUNTRIES
from app.web.formatting import format_date, format_number, format_percent

DASH = "–"


def value_text(indicator, value: float | None, signed: bool = False) -> str:
    if value is None:
        return DASH
    if indicator.unit == "percent" and not signed:
        return format_percent(value, indicator.decimals)
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
                "raw_before": earlier, "earlier_period": periods[-2] if len(periods) > 1 else None,
                "owner_name": owner.name if owner else None,
                "country_name": str(COUNTRIES[organisation.country]),
                "value": value_text(indicator, latest),
                "change": value_text(indicator, change, signed=True),
                "owner": value_text(indicator, owner_value),
                "country": value_text(indicator, country_value),
            })
        return rows, (notes[0] if notes else None)

    @staticmethod
    def highlights(rows: list[dict], limit: int = 3) -> list[Highlight]:
        """Short sentences per indicator, the largest changes first: how the value moved since
        the last period and where it stands against the owner and the country, judged by the
        indicator's good direction (fewer absent days is better)."""
        found = []
        ordered = sorted(rows, key=lambda r: (r["raw_change"] is None,
                                              -abs(r["raw_change"] or 0)))
        for row in ordered:
            movement = _movement(row)
            sentences = [s for s in (movement, _standing(row, movement is not None)) if s]
            if sentences:
                found.append(Highlight(" ".join(sentences), row["confidential"]))
        return found[:limit]


@dataclass(frozen=True)
class Highlight:
    text: str
    confidential: bool = False  # marked where shown; never made for a reader not allowed

    def __str__(self) -> str:
        return self.text


def _compare(row, a: float, b: float) -> int:
    """1 if ``a`` is better (or higher, for a neutral indicator) than ``b``, -1 if worse,
    0 if the same as far as the indicator's decimals show."""
    difference = round(a, row["indicator"].decimals) - round(b, row["indicator"].decimals)
    if difference == 0:
        return 0
    sign = 1 if difference > 0 else -1
    return -sign if row["indicator"].direction == "lower_is_better" else sign


def _movement(row) -> str | None:
    if row["raw_change"] is None:
        return None
    indicator, neutral = row["indicator"], row["indicator"].direction == "neutral"
    words = {"indicator": row["name"], "before": value_text(indicator, row["raw_before"]),
             "value": row["value"], "earlier": row["earlier_period"], "period": row["period"]}
    verdict = _compare(row, row["raw"], row["raw_before"])
    if verdict == 0:
        return _("%(indicator)s is unchanged at %(value)s since %(earlier)s.", **words)
    if neutral:
        if verdict > 0:
            return _("%(indicator)s rose from %(before)s in %(earlier)s to %(value)s in "
                     "%(period)s.", **words)
        return _("%(indicator)s fell from %(before)s in %(earlier)s to %(value)s in "
                 "%(period)s.", **words)
    if verdict > 0:
        return _("%(indicator)s improved from %(before)s in %(earlier)s to %(value)s in "
                 "%(period)s.", **words)
    return _("%(indicator)s worsened from %(before)s in %(earlier)s to %(value)s in "
             "%(period)s.", **words)


def _against(row, other: float, name: str) -> str:
    words = {"name": name, "value": value_text(row["indicator"], other)}
    verdict = _compare(row, row["raw"], other)
    if verdict == 0:
        return _("the same as %(name)s (%(value)s)", **words)
    if row["indicator"].direction == "neutral":
        if verdict > 0:
            return _("higher than %(name)s (%(value)s)", **words)
        return _("lower than %(name)s (%(value)s)", **words)
    if verdict > 0:
        return _("better than %(name)s (%(value)s)", **words)
    return _("worse than %(name)s (%(value)s)", **words)


def _standing(row, moved: bool) -> str | None:
    if row["raw"] is None:
        return None
    phrases = [_against(row, row[raw], row[name])
               for raw, name in (("raw_owner", "owner_name"), ("raw_country", "country_name"))
               if row[raw] is not None]
    if not phrases:
        return None
    comparison = phrases[0] if len(phrases) == 1 else _(
        "%(first)s and %(second)s", first=phrases[0], second=phrases[1])
    if moved:
        return _("That is %(comparison)s.", comparison=comparison)
    return _("%(indicator)s was %(value)s in %(period)s, %(comparison)s.",
             indicator=row["name"], value=row["value"], period=row["period"],
             comparison=comparison)
