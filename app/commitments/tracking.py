"""Due, overdue and at risk: derived from dates, progress and proposals, never stored.

The rules, for an *open* commitment (proposed, agreed, in progress or at risk), where "today"
is the responsible organisation's local date (Europe/Oslo, Europe/Stockholm, ...):

- **Overdue**: the due date has passed. Due today is not overdue yet.
- **Follow-up overdue**: the next follow-up date has passed. **Follow-up due**: it is today or
  within the next ``FOLLOW_UP_SOON_DAYS`` days.
- **Behind schedule**: not overdue, but due within 30 days with less than 50 percent progress,
  or within 14 days with less than 75 percent (``BEHIND_SCHEDULE``).
- **At risk**: marked at risk (a follow-up reporting "at risk" marks it so), or a follow-up is
  overdue, or it is behind schedule. An overdue commitment has already slipped: it is overdue,
  and at risk only for one of those reasons.
- **Waiting for acknowledgement**: the responsible party has reported it achieved and the other
  party has not decided yet. The clock stops while the other party decides: it is then neither
  overdue, nor due for follow-up, nor at risk by derivation (an explicit at-risk status stays).
  If the report is returned, the clock runs again.
- A closed commitment (achieved, not achieved, cancelled, carried over) is none of these.

The same rules exist twice, once per commitment (``track``, a small value object with reasons
a person understands) and once as query filters (``overdue_filter(today)``, ...) that Pony
translates to SQL, so a list across thousands of schools is one query. Tests hold the two
together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from babel import dates
from flask_babel import get_locale
from pony.orm import exists, flush, select

from app.commitments.status import OPEN
from app.db import db
from app.i18n import _, ngettext
from app.organisations.today import Today, When, as_of, today_of

FOLLOW_UP_SOON_DAYS = 7
#: (days left at most, progress below): a commitment this close to its due date with this
#: little done is at risk.
BEHIND_SCHEDULE = ((14, 75), (30, 50))

# --- one commitment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a flag is up, in words: ``code`` for programs, ``message`` for people."""

    code: str
    message: str


@dataclass(frozen=True)
class Tracking:
    """Where a commitment stands on ``today`` (the responsible organisation's local date)."""

    today: date
    open: bool
    overdue: bool = False
    days_overdue: int = 0
    follow_up_due: bool = False
    follow_up_overdue: bool = False
    behind_schedule: bool = False
    at_risk: bool = False
    awaiting_acknowledgement: bool = False
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def _behind(progress: int, days_left: int) -> bool:
    return any(days_left <= days and progress < below for days, below in BEHIND_SCHEDULE)


def _day(value: date) -> str:
    return _medium_date(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _medium_date(value: date, locale: str) -> str:
    # A list of 50 commitments names the same few dozen dates again and again; Babel's
    # formatting is the costly part of the reasons. (A plain date has no time zone to apply.)
    return dates.format_date(value, "medium", locale=locale)


def evaluate(commitment, today: date, *, awaiting_acknowledgement: bool) -> Tracking:
    """The rules of this module applied to one commitment on a given local date."""
    if commitment.status not in OPEN:
        return Tracking(today=today, open=False)
    reasons: list[Reason] = []
    marked = commitment.status == "at_risk"
    if marked:
        reasons.append(Reason("marked_at_risk", _("Marked at risk.")))
    if awaiting_acknowledgement:
        reasons.append(Reason("awaiting_acknowledgement",
                              _("Reported achieved; waiting for the other party to "
                                "acknowledge it.")))
        return Tracking(today=today, open=True, at_risk=marked, awaiting_acknowledgement=True,
                        reasons=tuple(reasons))

    due, follow_up = commitment.due_date, commitment.next_follow_up_on
    days_overdue = max(0, (today - due).days)
    follow_up_overdue = follow_up is not None and follow_up < today
    follow_up_due = (follow_up is not None and not follow_up_overdue
                     and (follow_up - today).days <= FOLLOW_UP_SOON_DAYS)
    behind = not days_overdue and _behind(commitment.progress, (due - today).days)
    if days_overdue:
        reasons.append(Reason("overdue", ngettext(
            "Was due on %(date)s: %(num)s day overdue.",
            "Was due on %(date)s: %(num)s days overdue.", days_overdue, date=_day(due))))
    if follow_up_overdue:
        late = (today - follow_up).days
        reasons.append(Reason("follow_up_overdue", ngettext(
            "A follow-up was due on %(date)s, %(num)s day ago.",
            "A follow-up was due on %(date)s, %(num)s days ago.", late, date=_day(follow_up))))
    elif follow_up_due:
        reasons.append(Reason("follow_up_due",
                              _("A follow-up is due on %(date)s.", date=_day(follow_up))))
    if behind:
        reasons.append(Reason("behind_schedule", _(
            "Due on %(date)s with only %(progress)s percent done.",
            date=_day(due), progress=commitment.progress)))
    return Tracking(
        today=today, open=True, overdue=bool(days_overdue), days_overdue=days_overdue,
        follow_up_due=follow_up_due, follow_up_overdue=follow_up_overdue,
        behind_schedule=behind, at_risk=marked or follow_up_overdue or behind,
        reasons=tuple(reasons),
    )


def awaiting_acknowledgement_ids(commitment_ids: Iterable[int]) -> set[int]:
    """Which of these commitments have a completion waiting for acknowledgement (one query)."""
    ids = tuple(set(commitment_ids))
    if not ids:
        return set()
    return set(select(p.commitment.id for p in db.CommitmentProposal
                      if p.commitment.id in ids and p.kind == "completion"
                      and p.state == "pending"))


def track(commitment, today: When = None) -> Tracking:
    """Due, overdue and at risk for one commitment, with the reasons."""
    flush()  # a new commitment has no id to look up until it is written
    day = _today_for(commitment, today)
    awaiting = bool(awaiting_acknowledgement_ids([commitment.id]))
    return evaluate(commitment, day, awaiting_acknowledgement=awaiting)


def track_many(commitments: Iterable, today: When = None) -> dict[int, Tracking]:
    """``track`` for a list of commitments in a constant number of queries (prefetch their
    responsible organisations)."""
    commitments = list(commitments)
    flush()
    awaiting = awaiting_acknowledgement_ids(c.id for c in commitments)
    return {c.id: evaluate(c, _today_for(c, today), awaiting_acknowledgement=c.id in awaiting)
            for c in commitments}


def _today_for(commitment, today: When) -> date:
    return today_of(commitment.responsible_organisation.time_zone, today)


# --- query filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFilter:
    """A condition on a query of commitments, translated to SQL by Pony.

    ``overdue_filter(today).apply(visible_commitments(principal))`` is one query. The text is
    a Pony lambda over ``x``, with the dates and zones as parameters.
    """

    text: str
    params: dict

    def apply(self, query):
        return query.filter(self.text, {"exists": exists}, self.params)

    def negated(self) -> CommitmentFilter:
        """Everything this filter leaves out (``overdue=false``)."""
        body = self.text.removeprefix("lambda x: ")
        return CommitmentFilter(f"lambda x: not ({body})", self.params)


class _Clauses:
    """Builds the filter text; every date compared is "the responsible organisation's local
    today plus some days", which differs by time zone near midnight."""

    OPEN = "x.status in open_statuses"
    NOT_WAITING = ("not exists(p for p in x.proposals"
                   " if p.kind == 'completion' and p.state == 'pending')")
    WAITING = ("exists(p for p in x.proposals"
               " if p.kind == 'completion' and p.state == 'pending')")

    def __init__(self, today: When) -> None:
        self.groups = Today.of_when(today).groups()
        self.params: dict = {"open_statuses": tuple(sorted(OPEN))}

    def _param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return name

    def before(self, attribute: str, days: int = 0, *, inclusive: bool = False) -> str:
        """``x.attribute`` is before (or on) local today + ``days``.

        The earliest local date holds for every zone; zones already on a later date get
        their own clause. A NULL attribute is never before anything.
        """
        op = "<=" if inclusive else "<"
        parts = []
        for index, (day, _zones) in enumerate(self.groups):
            limit = self._param(day + timedelta(days=days))
            if index == 0:
                parts.append(f"x.{attribute} {op} {limit}")
                continue
            later = tuple(zone for _day, zones in self.groups[index:] for zone in zones)
            parts.append(f"(x.responsible_organisation.time_zone in {self._param(later)}"
                         f" and x.{attribute} {op} {limit})")
        return "(" + " or ".join(parts) + ")"

    def behind_schedule(self) -> str:
        close = " or ".join(
            f"({self.before('due_date', days, inclusive=True)} and x.progress < {below})"
            for days, below in BEHIND_SCHEDULE)
        return f"(not {self.before('due_date')} and ({close}))"

    def build(self, condition: str) -> CommitmentFilter:
        return CommitmentFilter(f"lambda x: {self.OPEN} and {condition}", self.params)


def overdue_filter(today: When = None) -> CommitmentFilter:
    """Open, not waiting for acknowledgement, and past the due date."""
    clauses = _Clauses(today)
    return clauses.build(f"{clauses.NOT_WAITING} and {clauses.before('due_date')}")


def follow_up_overdue_filter(today: When = None) -> CommitmentFilter:
    """Open, not waiting for acknowledgement, and past the next follow-up date."""
    clauses = _Clauses(today)
    return clauses.build(f"{clauses.NOT_WAITING} and {clauses.before('next_follow_up_on')}")


def follow_up_due_filter(today: When = None,
                         within_days: int = FOLLOW_UP_SOON_DAYS) -> CommitmentFilter:
    """A follow-up falls due within ``within_days`` days or is already overdue."""
    clauses = _Clauses(today)
    soon = clauses.before("next_follow_up_on", within_days, inclusive=True)
    return clauses.build(f"{clauses.NOT_WAITING} and {soon}")


def behind_schedule_filter(today: When = None) -> CommitmentFilter:
    clauses = _Clauses(today)
    return clauses.build(f"{clauses.NOT_WAITING} and {clauses.behind_schedule()}")


def at_risk_filter(today: When = None) -> CommitmentFilter:
    """Marked at risk, or (unless waiting for acknowledgement) a follow-up is overdue or it is
    behind schedule."""
    clauses = _Clauses(today)
    derived = f"({clauses.before('next_follow_up_on')} or {clauses.behind_schedule()})"
    return clauses.build(f"(x.status == 'at_risk' or ({clauses.NOT_WAITING} and {derived}))")


def awaiting_acknowledgement_filter() -> CommitmentFilter:
    """A completion has been reported and waits for the other party."""
    clauses = _Clauses(as_of(date.min))
    return clauses.build(clauses.WAITING)
