"""The meeting lifecycle: planned -> held -> minutes drafted -> approved -> published."""

from __future__ import annotations

from app.i18n import _l

STATUSES = {
    "planned": _l("Planned"),
    "held": _l("Held"),
    "minutes_drafted": _l("Minutes drafted"),
    "minutes_approved": _l("Minutes approved"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"held", "cancelled"}),
    "held": frozenset({"minutes_drafted"}),
    # An approved draft can go back for changes before it is published.
    "minutes_drafted": frozenset({"minutes_approved"}),
    "minutes_approved": frozenset({"published", "minutes_drafted"}),
    # Published minutes are never edited in place: a change opens the next revision's draft.
    "published": frozenset({"minutes_drafted"}),
    "cancelled": frozenset(),
}

#: Statuses in which minutes may be written.
MINUTES_EDITABLE = frozenset({"held", "minutes_drafted"})


def may_follow(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())
