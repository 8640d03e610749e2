"""Organisations: a tree of national agencies, school owners and the units they run."""

from __future__ import annotations

from pony.orm import Optional, PrimaryKey, Required, Set, composite_key

from app.common.model import Stamped, stamp_columns
from app.i18n import _l

COUNTRIES = {"DK": _l("Denmark"), "NO": _l("Norway"), "SE": _l("Sweden")}

#: Default time zone per country; an organisation may override its own.
COUNTRY_TIME_ZONES = {"DK": "Europe/Copenhagen", "NO": "Europe/Oslo", "SE": "Europe/Stockholm"}

KINDS = {
    "national_agency": _l("National agency"),
    "school_owner": _l("School owner"),
    "school": _l("School"),
    "daycare_unit": _l("Daycare unit"),
    "special_school": _l("Special school"),
}

#: The kinds a meeting is held with (the "units" of a programme).
UNIT_KINDS = ("school", "daycare_unit", "special_school")


def define(db):
    class Organisation(Stamped, db.Entity):
        _table_ = "organisation"
        id = PrimaryKey(int, auto=True)
        parent = Optional("Organisation", reverse="children")
        children = Set("Organisation", reverse="parent")
        # Materialised path of ids ("/1/7/42/"): a subtree is one indexed prefix match.
        path = Required(str, 255)
        kind = Required(str, 32)
        country = Required(str, 2)
        name = Required(str, 200)
        official_code = Optional(str, 64, nullable=True)
        time_zone = Required(str, 64)
        is_demo = Required(bool, default=False)
        locals().update(stamp_columns())
        composite_key(country, official_code)

        # An organisation with history is never deleted by cascade: the delete is refused.
        engagements = Set("Engagement", cascade_delete=False)
        # Its calendar addresses go with it (never left as a person's whole calendar).
        calendar_feeds = Set("CalendarFeed", cascade_delete=True)
        programmes_run = Set("Programme")
        observations = Set("Observation", cascade_delete=False)
        commitments_responsible = Set("Commitment", cascade_delete=False)
        participants = Set("Participant")
        role_assignments = Set("RoleAssignment")
