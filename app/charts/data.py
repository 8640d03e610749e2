"""Chart specifications from the database: plain dicts, labels in the reader's language.

**A school against its owner and its country.** For each period the owner's value is the
owner's own observation when one was imported (the owner's official figure), otherwise the
mean of its units' published values; the country's value is the observation held on the
country's national agency when there is one (the national figure), otherwise the mean of all
units' published values in the country. A computed mean needs at least two contributing units
(one unit's mean would be that unit's value), and never uses a suppressed or an individually
confidential value.

**Suppression.** A value from a group smaller than the indicator's ``min_group_size`` is never
drawn or written in a chart or a report, for any reader: these documents travel (to
committees, to websites, by e-mail), so the rule is applied where they are made. A confidential
indicator is charted only for readers who may read confidential data of the school, never in
public output.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import mean

from babel import dates
from pony.orm import flush, select

from app.accounts.access import can
from app.commitments.status import OPEN
from app.commitments.status import STATUSES as COMMITMENT_STATUSES
from app.db import db
from app.i18n import _, current_language, localized
from app.indicators.models import UNITS
from app.organisations.models import COUNTRIES, UNIT_KINDS

MIN_CONTRIBUTORS = 2
PERIODS_SHOWN = 5


def is_suppressed(group_size: int | None, indicator) -> bool:
    return group_size is not None and group_size < indicator.min_group_size


def may_see_indicator(principal, indicator, organisation, *, public: bool = False) -> bool:
    """Confidential indicators: only for readers allowed confidential data there; never public."""
    if not indicator.confidential:
        return True
    return not public and can(principal, "read_confidential", organisation)


def owner_of(organisation):
    """The school owner above (or at) an organisation, if any."""
    found = organisation
    while found is not None and found.kind != "school_owner":
        found = found.parent
    return found


class IndicatorValues:
    """All values of one indicator in one country, read in one query, for comparisons."""

    def __init__(self, indicator, country: str) -> None:
        self.indicator = indicator
        self.country = country
        flush()  # values recorded in this request are part of the picture
        rows = select((o.organisation.id, o.organisation.kind, o.organisation.path, o.period,
                       o.value, o.group_size, o.confidential)
                      for o in db.Observation
                      if o.indicator == indicator and o.organisation.country == country)[:]
        self.by_org: dict[int, dict[str, tuple]] = defaultdict(dict)
        self.units: dict[str, list[tuple[str, float]]] = defaultdict(list)  # period -> path, v
        self.national: dict[str, float] = {}
        for org_id, kind, path, period, value, group_size, confidential in rows:
            usable = not confidential and not is_suppressed(group_size, indicator)
            self.by_org[org_id][period] = (value, group_size, confidential)
            if kind in UNIT_KINDS and usable:
                self.units[period].append((path, value))
            elif kind == "national_agency" and usable:
                self.national[period] = value

    def own(self, organisation, period: str, *, with_confidential: bool) -> float | None:
        """An organisation's own value, unless suppressed (or confidential for this reader)."""
        found = self.by_org.get(organisation.id, {}).get(period)
        if found is None:
            return None
        value, group_size, confidential = found
        if is_suppressed(group_size, self.indicator) or (confidential and not with_confidential):
            return None
        return value

    def suppressed(self, organisation, period: str) -> bool:
        found = self.by_org.get(organisation.id, {}).get(period)
        return found is not None and is_suppressed(found[1], self.indicator)

    def owner_value(self, owner, period: str) -> float | None:
        if owner is None:
            return None
        found = self.own(owner, period, with_confidential=False)
        if found is not None:
            return found
        values = [v for path, v in self.units.get(period, ()) if path.startswith(owner.path)]
        return mean(values) if len(values) >= MIN_CONTRIBUTORS else None

    def country_value(self, period: str) -> float | None:
        if period in self.national:
            return self.national[period]
        values = [v for _path, v in self.units.get(period, ())]
        return mean(values) if len(values) >= MIN_CONTRIBUTORS else None

    def periods(self, organisation) -> list[str]:
        own = set(self.by_org.get(organisation.id, {}))
        return sorted(own)[-PERIODS_SHOWN:]


def suppression_note(indicator) -> str:
    return _("Values from groups smaller than %(size)s are not shown.",
             size=indicator.min_group_size)


def indicator_trend(school, indicator, *, values: IndicatorValues | None = None,
                    with_confidential: bool = False) -> dict:
    """A school's values over the last periods, with its owner's and its country's."""
    values = values or IndicatorValues(indicator, school.country)
    owner = owner_of(school.parent) if school.parent else None
    periods = values.periods(school)
    series = [{"label": school.name,
               "values": [values.own(school, p, with_confidential=with_confidential)
                          for p in periods]}]
    if owner is not None:
        series.append({"label": owner.name, "values": [values.owner_value(owner, p)
                                                       for p in periods]})
    series.append({"label": str(COUNTRIES[school.country]),
                   "values": [values.country_value(p) for p in periods]})
    note = (suppression_note(indicator) if any(values.suppressed(school, p) for p in periods)
            else None)
    return {"title": localized(indicator.labels), "periods": periods, "series": series,
            "ylabel": str(UNITS.get(indicator.unit, "")), "percent": indicator.unit == "percent",
            "decimals": indicator.decimals, "note": note}


def commitments_by_status_and_theme(commitments) -> dict:
    """Counts of commitments per theme (categories) and status (stacks)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    themes: dict[str, str] = {}
    for commitment in commitments:
        theme = commitment.theme
        key = theme.key if theme and theme.key else (f"free-{theme.id}" if theme else "")
        themes[key] = (localized(theme.labels) if theme and theme.labels
                       else (theme.title if theme else str(_("No theme"))))
        counts[(key, commitment.status)] += 1
    order = sorted(themes, key=lambda k: (k == "", themes[k].lower()))
    statuses = [s for s in COMMITMENT_STATUSES if any(counts[(t, s)] for t in order)]
    return {"title": _("Commitments by theme and status"),
            "categories": [themes[k] for k in order],
            "stacks": [{"key": s, "label": str(COMMITMENT_STATUSES[s]),
                        "values": [counts[(t, s)] for t in order]} for s in statuses],
            "ylabel": _("Commitments"), "size": (7.2, 3.4)}


def commitments_by_status(counts: dict[str, int]) -> dict:
    """One bar per status, from counts already made in SQL (dashboards over many schools)."""
    statuses = [s for s in COMMITMENT_STATUSES if counts.get(s)]
    return {"title": _("Commitments by status"),
            "categories": [str(COMMITMENT_STATUSES[s]) for s in statuses],
            "stacks": [{"key": s, "label": str(COMMITMENT_STATUSES[s]),
                        "values": [counts[s] if other == s else 0 for other in statuses]}
                       for s in statuses],
            "ylabel": _("Commitments"), "size": (7.2, 3.0)}


def month_label(day: date, language: str | None = None) -> str:
    return dates.format_skeleton("yMMM", day, locale=language or current_language())


def follow_up_timeliness(commitments, today: date, months: int = 12) -> dict:
    """Per month a follow-up was expected: made on time, made late, or still missing (overdue).

    A follow-up is expected on the commitment's ``next_follow_up_on`` as each earlier follow-up
    set it; the first one on the date the commitment was given when it was recorded.
    """
    buckets: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: {"on_time": 0, "late": 0, "overdue": 0})
    for commitment in commitments:
        ups = sorted(commitment.follow_ups, key=lambda f: (f.occurred_on, f.id))
        for before, after in zip(ups, ups[1:], strict=False):
            expected = before.next_follow_up_on
            if expected is None:
                continue
            bucket = buckets[(expected.year, expected.month)]
            bucket["on_time" if after.occurred_on <= expected else "late"] += 1
        expected = commitment.next_follow_up_on
        if commitment.status in OPEN and expected is not None and expected < today:
            buckets[(expected.year, expected.month)]["overdue"] += 1
    keys = sorted(buckets)[-months:]
    labels = {"on_time": _("On time"), "late": _("Late"), "overdue": _("Missing (overdue)")}
    return {"title": _("Follow-up timeliness"),
            "categories": [month_label(date(y, m, 1)) for y, m in keys],
            "stacks": [{"key": k, "label": str(label),
                        "values": [buckets[key][k] for key in keys]}
                       for k, label in labels.items()],
            "ylabel": _("Follow-ups"), "size": (7.2, 3.2)}


def year_wheel(engagement, steps, today: date) -> dict:
    language = current_language()
    months = dates.get_month_names("abbreviated", context="stand-alone", locale=language)
    wide = dates.get_month_names("wide", context="stand-alone", locale=language)
    return {"title": _("Year wheel"), "months": [months[m] for m in range(1, 13)],
            "current_month": today.month, "size": (7.6, 4.2), "legend": True,
            "steps": [{"month": s.month, "month_name": wide[s.month],
                       "label": s.title or localized(s.labels), "done": s.done}
                      for s in steps]}
