"""The weak-results rule (seed: ``[[weak_results]]``) over indicator data.

A unit is flagged by a rule when its latest ``periods`` periods with figures follow each other
without a gap (2022/23, 2023/24, 2024/25: a year without figures breaks the row) and in each of
them its value is worse (by the indicator's direction of good) than the reference: a fixed
threshold, its owner's value for the same period, or its country's (held on the national
agency). A missing reference for one of those periods means not flagged: the rule never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from pony.orm import select

from app.accounts.access import Principal, can, visible_organisations
from app.db import db
from app.i18n import _, localized
from app.indicators.services import next_period
from app.organisations.models import UNIT_KINDS

COMPARISONS = ("threshold", "owner", "country")


@dataclass(frozen=True)
class PeriodValue:
    period: str
    value: float | None  # None when the reader may not see a confidential value
    reference: float | None


@dataclass
class RuleHit:
    indicator_key: str
    indicator: str
    compare_to: str
    periods: list[PeriodValue]

    @property
    def reason(self) -> str:
        names = {"threshold": _("the threshold"), "owner": _("the school owner"),
                 "country": _("the country")}
        return _("%(indicator)s worse than %(reference)s for %(count)s periods in a row",
                 indicator=self.indicator, reference=names[self.compare_to],
                 count=len(self.periods))


@dataclass
class FlaggedUnit:
    organisation: object
    owner: object | None
    hits: list[RuleHit] = field(default_factory=list)


def _worse(direction: str, value: float, reference: float) -> bool:
    if direction == "higher_is_better":
        return value < reference
    if direction == "lower_is_better":
        return value > reference
    return False


def _in_a_row(periods: list[str]) -> bool:
    """Each period directly follows the one before (oldest first)."""
    return all(next_period(before) == after for before, after in pairwise(periods))


def agency_selects(principal: Principal, programme) -> bool:
    """An agency running the programme selects from the whole country (the inspectorate's
    data), beyond the organisations it otherwise reaches."""
    run_by = programme.run_by
    return run_by is not None and run_by.id in principal.agency_ids("manage")


def candidate_units(principal: Principal, programme, within=None):
    if agency_selects(principal, programme) or principal.has("read", "everything"):
        query = db.Organisation.select(lambda o: o.country == programme.country)
    else:
        query = visible_organisations(principal).filter(lambda o: o.country == programme.country)
    kinds = UNIT_KINDS
    query = query.filter(lambda o: o.kind in kinds)
    if within is not None:
        prefix = within.path
        query = query.filter(lambda o: o.path.startswith(prefix))
    return query


def _series(indicator, organisation_ids) -> dict:
    """{organisation id: {period: (value, confidential)}} for one indicator, one query."""
    found: dict = {}
    if not organisation_ids:
        return found
    rows = select((o.organisation.id, o.period, o.value, o.confidential)
                  for o in db.Observation
                  if o.indicator == indicator and o.organisation.id in organisation_ids)
    for organisation_id, period, value, confidential in rows:
        found.setdefault(organisation_id, {})[period] = (value, confidential)
    return found


def flag(principal: Principal, programme, *, within=None) -> list[FlaggedUnit]:
    """The units the reader may consider that the programme's rules flag, weakest first."""
    rules = programme.weak_results or []
    units = list(candidate_units(principal, programme, within).prefetch(
        db.Organisation.parent))
    if not rules or not units:
        return []
    unit_ids = tuple(u.id for u in units)
    owner_ids = tuple({u.parent.id for u in units if u.parent is not None})
    agency = db.Organisation.select(lambda o: o.kind == "national_agency"
                                    and o.country == programme.country).first()
    flagged: dict[int, FlaggedUnit] = {}
    for rule in rules:
        indicator = db.Indicator.get(key=rule["indicator"])
        if indicator is None or indicator.direction == "neutral":
            continue
        values = _series(indicator, unit_ids)
        owners = _series(indicator, owner_ids) if rule["compare_to"] == "owner" else {}
        country = (_series(indicator, (agency.id,)).get(agency.id, {})
                   if rule["compare_to"] == "country" and agency is not None else {})
        for unit in units:
            series = values.get(unit.id, {})
            latest = sorted(series, reverse=True)[:rule["periods"]]
            if len(latest) < rule["periods"] or not _in_a_row(sorted(latest)):
                continue
            periods = []
            for period in sorted(latest):
                value, confidential = series[period]
                if rule["compare_to"] == "threshold":
                    reference = rule["threshold"]
                elif rule["compare_to"] == "owner":
                    own = owners.get(unit.parent.id if unit.parent else 0, {}).get(period)
                    reference = own[0] if own else None
                else:
                    reference = country.get(period, (None,))[0]
                if reference is None or not _worse(indicator.direction, value, reference):
                    break
                hidden = (confidential or indicator.confidential) and not can(
                    principal, "read_confidential", unit)
                periods.append(PeriodValue(period, None if hidden else value,
                                           None if hidden else reference))
            else:
                entry = flagged.setdefault(unit.id, FlaggedUnit(unit, unit.parent))
                entry.hits.append(RuleHit(indicator.key, localized(indicator.labels),
                                          rule["compare_to"], periods))
    return sorted(flagged.values(),
                  key=lambda f: (-len(f.hits), f.owner.name if f.owner else "",
                                 f.organisation.name))
