"""Roles and what each may do. The whole policy table is here; ``access.py`` applies it.

A role is held in an organisation. Its *reach* is where it applies:

- ``subtree``: the organisation and everything below it (school office, school leader, board);
- ``programmes``: the engagements of programmes the organisation runs, and the organisations
  taking part in them (a national agency's officers);
- ``everything``: the whole installation (administrator).
"""

from __future__ import annotations

from app.i18n import _l

ROLES = {
    "administrator": _l("Administrator"),
    "agency_officer": _l("Agency officer"),
    "school_office": _l("School-office staff"),
    "school_leader": _l("School leader"),
    "board_member": _l("Board member"),
}

#: The organisation kinds each role may be held in (None: held in no organisation).
ROLE_ORGANISATION_KINDS = {
    "administrator": None,
    "agency_officer": ("national_agency",),
    "school_office": ("school_owner",),
    "school_leader": ("school", "special_school", "daycare_unit"),
    "board_member": ("school", "special_school", "daycare_unit"),
}

REACH = {
    "administrator": "everything",
    "agency_officer": "programmes",
    "school_office": "subtree",
    "school_leader": "subtree",
    "board_member": "subtree",
}

#: Capabilities: what a person may do within their reach. Anything not granted is refused.
CAPABILITIES = {
    # See engagements, meetings, commitments, follow-ups, indicators of organisations in reach.
    "read": {"administrator", "agency_officer", "school_office", "school_leader", "board_member"},
    # See what is marked confidential (e.g. Danish national test results, leadership talks).
    "read_confidential": {"administrator", "agency_officer", "school_office", "school_leader"},
    # Run the dialogue: engagements, phases, meetings, minutes, commitments, approval.
    "manage": {"administrator", "agency_officer", "school_office"},
    # Report follow-ups on commitments (the responsible school does this).
    "follow_up": {"administrator", "agency_officer", "school_office", "school_leader"},
    # Acknowledge (or return) what the other party of an agreement reports: a completion or a
    # new due date. Which side a person speaks for is decided per commitment in
    # app/commitments/acknowledgement.py; this says which roles can be that side at all.
    "acknowledge": {"administrator", "agency_officer", "school_office", "school_leader"},
    # Propose themes for a meeting.
    "propose_theme": {"administrator", "agency_officer", "school_office", "school_leader"},
    # Add the school board's comments to a meeting.
    "board_comment": {"administrator", "board_member"},
    # Import indicator observations for organisations in reach.
    "manage_indicators": {"administrator", "school_office"},
    # Users, roles, the audit log, programmes.
    "administer": {"administrator"},
}


def roles_with(capability: str, reach: str) -> tuple[str, ...]:
    """The roles that grant ``capability`` through ``reach`` (sorted, for stable queries)."""
    return tuple(sorted(role for role in CAPABILITIES[capability] if REACH[role] == reach))
