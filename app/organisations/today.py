""""Today" where an organisation is: date rules run on the local date, not on UTC.

Near midnight Oslo is already on tomorrow while UTC is not. Rules that compare dates (a due
date has passed, a follow-up is due) take a ``When``:

- a ``date``: that day for everyone (a report "as of 30 June");
- a ``datetime`` (naive = UTC, as in the database) or ``None`` (now): an instant, at which
  each organisation has its own local date;
- a ``Today``: either of those, prepared once for many lists (``local_today`` reads the time
  zones in use with one small query, so query filters can compare per zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pony.orm import select

from app.db import db
from app.errors import Conflict
from app.i18n import _


class UnknownTimeZone(Conflict):
    """An organisation's time zone is not one the system knows (set outside Nordialog's own
    forms, which refuse it): said plainly to whoever needs a date there, instead of a crash."""


def zone_info(time_zone: str) -> ZoneInfo:
    """The zone named ``time_zone``; ``UnknownTimeZone`` naming the organisations that have it
    when there is no such zone."""
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        names = sorted(select(o.name for o in db.Organisation if o.time_zone == time_zone))
        raise UnknownTimeZone(_("%(organisation)s has an unknown time zone %(zone)s: correct "
                                "the organisation's time zone (e.g. Europe/Copenhagen).",
                                organisation=", ".join(names[:3]) or "?", zone=time_zone),
                              {"time_zone": [time_zone]}) from err


def instant(now: datetime | None = None) -> datetime:
    """An aware UTC instant; naive datetimes are UTC, as in the database."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def local_date(time_zone: str, now: datetime | None = None) -> date:
    """The date it is in ``time_zone`` at ``now`` (default: this moment)."""
    return instant(now).astimezone(zone_info(time_zone)).date()


@dataclass(frozen=True)
class Today:
    """A fixed date for everyone, or each organisation's local date at one instant."""

    fixed: date | None = None
    instant: datetime | None = None
    #: The time zones of the organisations, for query filters that compare per zone.
    zones: tuple[str, ...] = ()

    def of(self, time_zone: str) -> date:
        if self.fixed is not None:
            return self.fixed
        return local_date(time_zone, self.instant)

    def groups(self) -> list[tuple[date, tuple[str, ...]]]:
        """The distinct local dates, earliest first, each with the zones that have it."""
        if self.fixed is not None:
            return [(self.fixed, ())]
        by_date: dict[date, list[str]] = {}
        for zone in self.zones:
            try:
                day = self.of(zone)
            except UnknownTimeZone:
                # Lists across many organisations still work: one with an unknown zone is
                # compared on the UTC date, and the error comes where its own date is needed.
                day = self.of("UTC")
            by_date.setdefault(day, []).append(zone)
        if not by_date:
            by_date[self.of("UTC")] = []
        return [(day, tuple(sorted(by_date[day]))) for day in sorted(by_date)]

    @classmethod
    def of_when(cls, when: When) -> Today:
        if when is None or isinstance(when, datetime):
            return local_today(when)
        return when if isinstance(when, Today) else as_of(when)


When = date | datetime | Today | None


def as_of(day: date) -> Today:
    return Today(fixed=day)


# The zones in use, one index seek per zone (a "loose index scan"): a plain DISTINCT reads every
# organisation's row, which at national scale (9,000 organisations) cost 3-4 ms on every list.
# (Wrapped in a SELECT: Pony's raw select prefixes anything else with "select".)
_ZONES_IN_USE = """SELECT zone FROM (
    WITH RECURSIVE zones(zone) AS (
        SELECT MIN("time_zone") FROM "organisation"
        UNION ALL
        SELECT (SELECT MIN("time_zone") FROM "organisation" WHERE "time_zone" > zones.zone)
        FROM zones WHERE zones.zone IS NOT NULL
    )
    SELECT zone FROM zones
) AS in_use WHERE zone IS NOT NULL
"""


def local_today(now: datetime | None = None) -> Today:
    """Each organisation's local date at ``now`` (one small query for the zones in use)."""
    zones = tuple(sorted(db.select(_ZONES_IN_USE)))
    return Today(instant=instant(now), zones=zones)


def today_of(time_zone: str, when: When) -> date:
    """The local date in ``time_zone`` for ``when`` (without any query)."""
    if when is None or isinstance(when, datetime):
        return local_date(time_zone, when)
    if isinstance(when, Today):
        return when.of(time_zone)
    return when
