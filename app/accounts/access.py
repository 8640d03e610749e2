"""Who may see and do what: every access decision in the product is made here.

Deny by default. ``can`` and ``require`` decide for one object; the ``visible_*`` functions
return queries that contain only what the reader may see, so lists, counts, searches, exports
and reports built on them cannot leak. Confidential records (and confidential indicators'
values) are only in the ``read_confidential`` scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from pony.orm import exists, select

from app.accounts.roles import CAPABILITIES, REACH
from app.db import db
from app.errors import Forbidden, NotFound
from app.i18n import _

NOTHING = (0,)  # ids start at 1: an "in" over this matches nothing (SQL has no empty IN ())


@dataclass(frozen=True)
class Assignment:
    role: str
    organisation_id: int | None
    scope_path: str | None


@dataclass(frozen=True)
class Principal:
    """The person behind a request (or nobody: the public), with their role assignments."""

    user_id: int | None
    assignments: tuple[Assignment, ...] = ()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has(self, capability: str, reach: str | None = None) -> list[Assignment]:
        granted = CAPABILITIES[capability]
        return [a for a in self.assignments
                if a.role in granted and (reach is None or REACH[a.role] == reach)]

    def is_admin(self) -> bool:
        return bool(self.has("administer"))

    def subtree_paths(self, capability: str) -> list[str]:
        return [a.scope_path for a in self.has(capability, "subtree") if a.scope_path]

    def agency_ids(self, capability: str) -> tuple[int, ...]:
        ids = tuple(sorted({a.organisation_id for a in self.has(capability, "programmes")
                            if a.organisation_id}))
        return ids or NOTHING


ANONYMOUS = Principal(None)


def principal_for(user) -> Principal:
    """The principal of a user; an inactive user is treated as nobody."""
    if user is None or not user.active:
        return ANONYMOUS
    assignments = tuple(sorted(
        (Assignment(r.role, r.organisation.id if r.organisation else None, r.scope_path)
         for r in user.roles),
        key=lambda a: (a.role, a.organisation_id or 0)))
    return Principal(user.id, assignments)


def current_principal() -> Principal:
    if has_request_context():
        return g.get("principal", ANONYMOUS)
    return ANONYMOUS


# --- one object -------------------------------------------------------------------------------

def _anchor(target):
    """The organisation and engagement an object belongs to, and whether it is confidential."""
    kind = type(target).__name__
    if kind == "Organisation":
        return target, None, False
    if kind == "Engagement":
        return target.organisation, target, False
    if kind == "Observation":
        return target.organisation, None, target.confidential or target.indicator.confidential
    if kind == "Meeting":
        return target.engagement.organisation, target.engagement, target.confidential
    if kind == "Commitment":
        return target.engagement.organisation, target.engagement, target.confidential
    if kind in ("FollowUp", "CommitmentEvent", "CommitmentProposal"):
        organisation, engagement, confidential = _anchor(target.commitment)
        return organisation, engagement, confidential
    if kind in ("AgendaItem", "Participant", "MeetingTheme", "MinutesPublication",
                "BoardComment"):
        return _anchor(target.meeting)
    if kind == "AgendaEvaluationLine":
        organisation, engagement, confidential = _anchor(target.agenda_item.meeting)
        return organisation, engagement, confidential or target.commitment.confidential
    if kind == "Attachment":
        organisation, engagement, confidential = _anchor(target.meeting)
        return organisation, engagement, confidential or target.confidential
    if kind in ("PhaseTransition", "YearWheelStep"):
        return target.engagement.organisation, target.engagement, False
    raise TypeError(f"no access rule for {kind}")


def _reaches(principal: Principal, capability: str, organisation, engagement) -> bool:
    if principal.has(capability, "everything"):
        return True
    if any(organisation.path.startswith(path) for path in principal.subtree_paths(capability)):
        return True
    agencies = principal.agency_ids(capability)
    if agencies == NOTHING:
        return False
    if engagement is None and capability not in ("read", "read_confidential"):
        # An agency works on the engagements of its programmes; the organisations in them
        # (their records, their indicator data) are their owners' to change.
        return False
    if engagement is not None:
        run_by = engagement.programme.run_by
        return run_by is not None and run_by.id in agencies
    # An organisation (or its data) is in an agency's reach when it takes part, or is under
    # an organisation that takes part, in one of the agency's programmes; or is the agency.
    if organisation.id in agencies:
        return True
    # The organisations taking part in an agency's programmes are few (Skolverket selects
    # about ten owners a half-year): compare their paths here.
    taking_part = select(e.organisation.path for e in db.Engagement
                         if e.programme.run_by.id in agencies)
    return any(organisation.path.startswith(path) for path in taking_part)


def can(principal: Principal, capability: str, target) -> bool:
    """May ``principal`` exercise ``capability`` on ``target``? Programmes are public."""
    if type(target).__name__ in ("Programme", "Theme", "Indicator"):
        return capability == "read" or principal.is_admin()
    if principal.is_anonymous:
        return False
    organisation, engagement, confidential = _anchor(target)
    if not _reaches(principal, capability, organisation, engagement):
        return False
    if confidential and not _reaches(principal, "read_confidential", organisation, engagement):
        return False
    return True


def may_start_engagement(principal: Principal, programme, organisation) -> bool:
    """Starting a cycle: the organisation's office (or above), or the agency that runs the
    programme (Skolverket selecting an owner it does not otherwise reach)."""
    if principal.is_anonymous:
        return False
    if principal.has("manage", "everything"):
        return True
    if any(organisation.path.startswith(p) for p in principal.subtree_paths("manage")):
        return True
    return programme.run_by is not None and programme.run_by.id in principal.agency_ids("manage")


class AccessRefused(Forbidden):
    """A refused request; the error handler records it in the audit log."""

    audit_action = "access_refused"


class NotVisible(NotFound):
    """Another organisation's object looks exactly like one that does not exist."""

    audit_action = "access_refused"


def require(principal: Principal, capability: str, target):
    """Return ``target`` if allowed; otherwise refuse without revealing more than allowed.

    Someone who may not even read the object gets 404, as if it did not exist; someone who may
    read it but not do this gets 403.
    """
    if can(principal, capability, target):
        return target
    entity = type(target).__name__
    if capability != "read" and can(principal, "read", target):
        raise AccessRefused(_("You do not have access to this."),
                            audit={"entity": entity, "entity_id": target._pkval_})
    raise NotVisible(_("Nothing was found at this address."),
                     audit={"entity": entity, "entity_id": target._pkval_})


# --- lists ------------------------------------------------------------------------------------
#
# Each list is scoped by ONE Pony filter, written as query text from the clauses below with the
# entity's path to its organisation and programme filled in. Text rather than lambdas because
# Pony mis-reads the bytecode of a lambda whose argument is used inside a nested generator on
# Python 3.11; one filter rather than composed queries because Pony loses the parameters of a
# text-filtered query used inside another. Pony translates each text once and binds the
# principal's roles and agencies as parameters.

# Reaches x through the organisation it belongs to (subtree roles) or the programme it is in
# (agency roles). The principal's scope paths are constants of the query, so the database
# finds the organisations of a subtree through the path index, then their engagements and
# records through theirs (an EXISTS over role assignments, correlated with every row, made
# each list a scan of the whole table). A side the principal has no role on is left out.
_SUBTREE_CLAUSE = "x.{org} in select(o for o in db.Organisation if {prefixes})"
_PROGRAMME_CLAUSE = "x.{programme}.run_by.id in {agencies}"

# Reaches organisation o: in a subtree role's subtree (its paths are constants of the query, as
# above: a correlated EXISTS over role assignments per organisation made the organisation list
# grow with every organisation in the country), the agency itself, or taking part (or under an
# organisation taking part) in one of the agency's programmes.
_AGENCY_ORGANISATION_CLAUSE = (
    "o.id in {agencies} or exists(e for e in db.Engagement if e.programme.run_by.id in"
    " {agencies} and o.path.startswith(e.organisation.path))"
)


class _Clauses:
    """The principal's clause for reading and for reading confidential records."""

    def __init__(self, principal: Principal, capability: str) -> None:
        self.principal = principal
        self.capability = capability
        self.names = {
            "read_agencies": principal.agency_ids(capability),
            "conf_agencies": principal.agency_ids("read_confidential"),
        }

    def _everything(self, capability: str) -> bool:
        return bool(self.principal.has(capability, "everything"))

    def engagement(self, org: str, programme: str, confidential: bool = False) -> str:
        capability = "read_confidential" if confidential else self.capability
        if self._everything(capability):
            return "True"
        prefix = "conf" if confidential else "read"
        parts = []
        prefixes = self._in_subtrees(capability, prefix)
        if prefixes:
            parts.append(_SUBTREE_CLAUSE.format(org=org, prefixes=prefixes))
        if self.principal.agency_ids(capability) != NOTHING:
            parts.append(_PROGRAMME_CLAUSE.format(programme=programme,
                                                  agencies=f"{prefix}_agencies"))
        return "(" + " or ".join(parts) + ")" if parts else "x.id < 0"

    def _in_subtrees(self, capability: str, prefix: str) -> str:
        """``o`` is in one of the subtrees of the principal's roles (paths bound as names)."""
        names = []
        for number, path in enumerate(sorted(set(self.principal.subtree_paths(capability)))):
            names.append(f"{prefix}_path{number}")
            self.names[names[-1]] = path
        return " or ".join(f"o.path.startswith({name})" for name in names)

    def confidential_follows_reach(self) -> bool:
        """Whoever reaches these records may also read the confidential ones among them
        (school offices, school leaders, agencies): then no separate clause is needed."""
        principal = self.principal
        if self._everything("read_confidential"):
            return True
        if self._everything(self.capability):
            return False
        paths = set(principal.subtree_paths(self.capability))
        agencies = set(principal.agency_ids(self.capability)) - set(NOTHING)
        return (paths <= set(principal.subtree_paths("read_confidential"))
                and agencies <= set(principal.agency_ids("read_confidential")))

    def organisation(self, confidential: bool = False) -> str:
        capability = "read_confidential" if confidential else self.capability
        if self._everything(capability):
            return "True"
        prefix = "conf" if confidential else "read"
        parts = []
        prefixes = self._in_subtrees(capability, prefix)
        if prefixes:
            parts.append(prefixes)
        if self.principal.agency_ids(capability) != NOTHING:
            parts.append(_AGENCY_ORGANISATION_CLAUSE.format(agencies=f"{prefix}_agencies"))
        return "(" + " or ".join(parts) + ")" if parts else "o.id < 0"

    def apply(self, query, text: str):
        if self.principal.is_anonymous:
            return query.filter(lambda x: x.id < 0)
        if text in ("lambda x: True", "lambda o: True"):
            return query
        return query.filter(text, {"db": db, "exists": exists, "select": select}, self.names)


def visible_organisations(principal: Principal, capability: str = "read"):
    clauses = _Clauses(principal, capability)
    return clauses.apply(db.Organisation.select(), f"lambda o: {clauses.organisation()}")


def visible_engagements(principal: Principal, capability: str = "read"):
    clauses = _Clauses(principal, capability)
    text = f"lambda x: {clauses.engagement('organisation', 'programme')}"
    return clauses.apply(db.Engagement.select(), text)


def _confidential_aware(entity, principal, capability, prefix: str, flag: str):
    clauses = _Clauses(principal, capability)
    org, programme = f"{prefix}engagement.organisation", f"{prefix}engagement.programme"
    if clauses.confidential_follows_reach():
        text = f"lambda x: {clauses.engagement(org, programme)}"
    else:
        text = (f"lambda x: {clauses.engagement(org, programme)}"
                f" and (not x.{flag} or {clauses.engagement(org, programme, confidential=True)})")
    return clauses.apply(entity.select(), text)


def visible_meetings(principal: Principal, capability: str = "read"):
    return _confidential_aware(db.Meeting, principal, capability, "", "confidential")


def visible_commitments(principal: Principal, capability: str = "read"):
    return _confidential_aware(db.Commitment, principal, capability, "", "confidential")


def visible_follow_ups(principal: Principal, capability: str = "read"):
    return _confidential_aware(db.FollowUp, principal, capability, "commitment.",
                               "commitment.confidential")


def visible_proposals(principal: Principal, capability: str = "read"):
    """Completions and new due dates reported on commitments the reader may see."""
    return _confidential_aware(db.CommitmentProposal, principal, capability, "commitment.",
                               "commitment.confidential")


def visible_observations(principal: Principal, capability: str = "read"):
    clauses = _Clauses(principal, capability)
    reach = f"select(o.id for o in db.Organisation if {clauses.organisation()})"
    secret = f"select(o.id for o in db.Organisation if {clauses.organisation(True)})"
    text = (f"lambda x: x.organisation.id in {reach}"
            f" and ((not x.confidential and not x.indicator.confidential)"
            f" or x.organisation.id in {secret})")
    return clauses.apply(db.Observation.select(), text)
