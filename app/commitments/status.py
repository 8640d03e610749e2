"""The commitment status set and the graph of what may follow what.

Kept as data so the API, the web forms and the documentation all read the same rules.
"""

from __future__ import annotations

from app.i18n import _l

STATUSES = {
    "proposed": _l("Proposed"),
    "agreed": _l("Agreed"),
    "in_progress": _l("In progress"),
    "at_risk": _l("At risk"),
    "achieved": _l("Achieved"),
    "not_achieved": _l("Not achieved"),
    "cancelled": _l("Cancelled"),
    "carried_over": _l("Carried over"),
}

#: Statuses in which a commitment is still being worked on and followed up.
OPEN = frozenset({"proposed", "agreed", "in_progress", "at_risk"})
#: Final statuses; leaving achieved, not_achieved or cancelled is a reopening and needs a reason.
CLOSED = frozenset({"achieved", "not_achieved", "cancelled", "carried_over"})
#: Statuses a commitment may be created in.
INITIAL = frozenset({"proposed", "agreed"})

_WORKING = {"in_progress", "at_risk", "achieved", "not_achieved", "cancelled", "carried_over"}

TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"agreed", "cancelled"}),
    "agreed": frozenset(_WORKING),
    "in_progress": frozenset(_WORKING - {"in_progress"}),
    "at_risk": frozenset(_WORKING - {"at_risk"}),
    # Reopening: back to work, with a reason.
    "achieved": frozenset({"in_progress"}),
    "not_achieved": frozenset({"in_progress"}),
    "cancelled": frozenset({"agreed"}),
    # A carried-over commitment lives on in its successor; it never changes again.
    "carried_over": frozenset(),
}


def may_follow(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def is_reopening(current: str, new: str) -> bool:
    return current in CLOSED and new in OPEN
