"""Acknowledgement: the other party of an agreement confirms what the responsible party reports.

When the responsible party reports a commitment achieved, or proposes a new due date, a
``CommitmentProposal`` waits for the *other party* to acknowledge or return it. Only an
acknowledged completion makes a commitment achieved; a returned one leaves it open with the
comment. Every step is also written to the commitment's append-only history.

The two parties of a commitment (``parties``):

- In a programme a school owner runs with its schools (the Danish talk, Stavanger's dialogue
  meeting), the parties are the unit in the engagement (the school: its leader) and the owner
  above it (the school office). Whoever is responsible reports; the other acknowledges: the
  school reports its own commitments and the school office acknowledges them; the school office
  reports central commitments (responsible organisation outside the school) and the school
  acknowledges them.
- In a programme a national agency runs (Skoldialogen), the parties are the agency and the
  local side (the owner in the engagement, its school office, and its schools). Commitments of
  the agency are acknowledged by the local side, all others by the agency.

A person speaks for a side through a role held in one of its organisations (``access.py``
capabilities ``follow_up`` to report, ``acknowledge`` to decide); administrators speak for
both. Nobody decides on their own proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pony.orm import flush

from app.accounts.access import AccessRefused, Principal, require
from app.accounts.roles import REACH
from app.commitments import services
from app.commitments.status import OPEN, STATUSES, may_follow
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _
from app.organisations.today import local_date

# --- the two parties --------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One party of an agreement and whose roles speak for it.

    ``kind``: ``unit`` (the engagement's organisation and below), ``owner`` (above it),
    ``agency`` (the agency running the programme) or ``local`` (everyone on the owner's side
    of an agency's programme).
    """

    kind: str
    organisation_id: int | None
    path: str

    def includes(self, role: str, organisation_id: int | None, scope_path: str | None) -> bool:
        if self.kind == "agency":
            return REACH[role] == "programmes" and organisation_id == self.organisation_id
        if REACH[role] != "subtree" or not scope_path:
            return False
        if self.kind == "unit":
            return scope_path.startswith(self.path)
        if self.kind == "owner":
            return self.path.startswith(scope_path) and scope_path != self.path
        return scope_path.startswith(self.path) or self.path.startswith(scope_path)

    def spoken_for_by(self, principal: Principal, capability: str) -> bool:
        if principal.has(capability, "everything"):
            return True
        return any(self.includes(a.role, a.organisation_id, a.scope_path)
                   for a in principal.has(capability))


@dataclass(frozen=True)
class Parties:
    reporting: Side
    acknowledging: Side


def parties(commitment) -> Parties:
    """Who reports on ``commitment`` and who acknowledges (see the module's rules)."""
    engagement = commitment.engagement
    unit = engagement.organisation
    responsible = commitment.responsible_organisation
    agency = engagement.programme.run_by
    if agency is not None:
        agency_side = Side("agency", agency.id, "")
        local_side = Side("local", unit.id, unit.path)
        if responsible.id == agency.id:
            return Parties(agency_side, local_side)
        return Parties(local_side, agency_side)
    unit_side = Side("unit", unit.id, unit.path)
    owner_side = Side("owner", unit.parent.id if unit.parent else None, unit.path)
    if responsible.path.startswith(unit.path):
        return Parties(unit_side, owner_side)
    return Parties(owner_side, unit_side)


def may_report(principal: Principal, commitment) -> bool:
    return parties(commitment).reporting.spoken_for_by(principal, "follow_up")


def may_acknowledge(principal: Principal, commitment) -> bool:
    return parties(commitment).acknowledging.spoken_for_by(principal, "acknowledge")


# --- reporting --------------------------------------------------------------------------------


def get_proposal(proposal_id: int):
    proposal = db.CommitmentProposal.get(id=proposal_id)
    if proposal is None:
        raise NotFound(_("No proposal with id %(id)s.", id=proposal_id))
    return proposal


def pending(commitment, kind: str | None = None) -> list:
    flush()
    return sorted((p for p in commitment.proposals
                   if p.state == "pending" and (kind is None or p.kind == kind)),
                  key=lambda p: p.id)


def proposals(commitment) -> list:
    """Every proposal on the commitment, oldest first."""
    flush()
    return sorted(commitment.proposals, key=lambda p: (p.proposed_at, p.id))


def _user(principal: Principal):
    return db.User.get(id=principal.user_id) if principal.user_id else None


def _actor(user) -> str:
    return user.name if user is not None else ""


def _may_report(principal: Principal, commitment) -> None:
    require(principal, "follow_up", commitment)
    if not may_report(principal, commitment):
        raise AccessRefused(
            _("Only the party responsible for the commitment can report on it."),
            audit={"entity": "Commitment", "entity_id": commitment.id})
    if commitment.status not in OPEN:
        raise Conflict(_("The commitment is closed."),
                       {"status": [_("The commitment is closed.")]})


def _no_other_pending(commitment, kind: str, message) -> None:
    if pending(commitment, kind):
        raise Conflict(message, {"kind": [_("Already waiting for acknowledgement.")]})


def _propose(principal: Principal, commitment, kind: str, *, comment: str, event: str,
             now: datetime | None, due_date: date | None = None):
    user = _user(principal)
    comment = (comment or "").strip()
    proposal = db.CommitmentProposal(
        commitment=commitment, kind=kind, proposed_by=user, proposed_at=now or utcnow(),
        proposed_due_date=due_date, comment=comment,
    )
    services.record_event(commitment, event, actor=_actor(user), reason=comment,
                          changes={"due_date": due_date.isoformat()} if due_date else None)
    return proposal


def report_completion(principal: Principal, commitment, *, comment: str = "",
                      now: datetime | None = None):
    """The responsible party reports the commitment achieved; the other party decides.

    The status does not change until the completion is acknowledged.
    """
    _may_report(principal, commitment)
    if not may_follow(commitment.status, "achieved"):
        raise Conflict(
            _("A commitment that is %(current)s cannot be reported achieved; agree it first.",
              current=STATUSES[commitment.status]),
            {"status": [_("Not allowed from the current status.")]})
    _no_other_pending(commitment, "completion",
                      _("The completion is already waiting for acknowledgement."))
    return _propose(principal, commitment, "completion", comment=comment,
                    event="completion_reported", now=now)


def agreed_on(commitment) -> date:
    """The day the commitment was agreed: its meeting's day, else the day it was recorded
    (in the responsible organisation's time zone)."""
    zone = commitment.responsible_organisation.time_zone
    moment = commitment.meeting.starts_at if commitment.meeting else commitment.created_at
    return local_date(zone, moment)


def propose_due_date(principal: Principal, commitment, *, due_date: date, comment: str,
                     now: datetime | None = None):
    """The responsible party asks to move the due date; the other party decides.

    The new date cannot be in the past (the responsible organisation's today) or before the
    commitment was agreed, and a reason is required.
    """
    _may_report(principal, commitment)
    errors: dict[str, list] = {}
    today = local_date(commitment.responsible_organisation.time_zone, now)
    if due_date is None:
        errors["due_date"] = [_("A new due date is required.")]
    elif due_date < agreed_on(commitment):
        errors["due_date"] = [_("The date is before the commitment was agreed.")]
    elif due_date < today:
        errors["due_date"] = [_("The date has already passed.")]
    elif due_date == commitment.due_date:
        errors["due_date"] = [_("This is already the due date.")]
    if not (comment or "").strip():
        errors["comment"] = [_("Say why the date should move.")]
    if errors:
        raise InvalidInput(_("The new due date could not be proposed."), errors)
    _no_other_pending(commitment, "due_date_change",
                      _("A new due date is already waiting for acknowledgement."))
    return _propose(principal, commitment, "due_date_change", comment=comment,
                    event="due_date_proposed", now=now, due_date=due_date)


# --- changes made directly (forms, API, bulk import) -----------------------------------------


def direct_change_errors(principal: Principal, commitment, *, status: str | None = None,
                         due_date: date | None = None) -> dict[str, list]:
    """Why a direct change of status or due date would bypass the other party, by field.

    Every path that changes a commitment directly (the web forms, the API, a bulk import)
    asks this first, so a completion or a new due date never counts before the other party
    has acknowledged it: "achieved" is reached only by an acknowledged completion, and the
    due date of a commitment that has been agreed is moved directly only by someone who speaks
    for the acknowledging side (for them it is their own decision); the responsible party
    proposes it instead. ``commitment`` is None for a new one (which starts proposed or agreed).
    """
    errors: dict[str, list] = {}
    current = commitment.status if commitment is not None else None
    if status == "achieved" and current != "achieved":
        errors["status"] = [_("Report the commitment achieved instead, so the other party can "
                              "acknowledge it.")]
    if (commitment is not None and due_date is not None and due_date != commitment.due_date
            and current != "proposed" and not may_acknowledge(principal, commitment)):
        errors["due_date"] = [_("Propose the new due date instead, so the other party can "
                                "acknowledge it.")]
    return errors


def _refuse_bypass(principal: Principal, commitment, **change) -> None:
    errors = direct_change_errors(principal, commitment, **change)
    if errors:
        raise Conflict(_("This needs the other party's acknowledgement."), errors)


def change_status(principal: Principal, commitment, new_status: str, *, reason: str = "",
                  actor: str = "") -> None:
    """A status change asked for directly; "achieved" only comes through acknowledgement."""
    _refuse_bypass(principal, commitment, status=new_status)
    services.change_status(commitment, new_status, reason=reason, actor=actor)


def update(principal: Principal, commitment, changes: dict, *, actor: str = "") -> dict:
    """A direct edit; the responsible party cannot move an agreed due date on its own."""
    _refuse_bypass(principal, commitment, due_date=changes.get("due_date"))
    return services.update_commitment(commitment, changes, actor=actor)


# --- deciding ---------------------------------------------------------------------------------


def _may_decide(principal: Principal, proposal) -> None:
    commitment = proposal.commitment
    require(principal, "acknowledge", commitment)
    if not may_acknowledge(principal, commitment):
        raise AccessRefused(
            _("Only the other party of the agreement can acknowledge or return this."),
            audit={"entity": "CommitmentProposal", "entity_id": proposal.id})
    if proposal.proposed_by is not None and proposal.proposed_by.id == principal.user_id:
        raise AccessRefused(_("You cannot decide on your own proposal."),
                            audit={"entity": "CommitmentProposal", "entity_id": proposal.id})
    if proposal.state != "pending":
        raise Conflict(_("This has already been decided or withdrawn."),
                       {"state": [_("Not waiting for acknowledgement.")]})
    if commitment.status not in OPEN:
        raise Conflict(_("The commitment is closed."),
                       {"status": [_("The commitment is closed.")]})


def _decide(principal: Principal, proposal, state: str, comment: str, now: datetime | None):
    user = _user(principal)
    proposal.state = state
    proposal.decided_by = user
    proposal.decided_at = now or utcnow()
    proposal.decision_comment = (comment or "").strip()
    return user


def acknowledge(principal: Principal, proposal, *, comment: str = "",
                now: datetime | None = None):
    """The other party accepts: a completion makes the commitment achieved, a new due date
    becomes the due date. Both through the usual services, so the history shows them."""
    _may_decide(principal, proposal)
    commitment = proposal.commitment
    if proposal.kind == "completion" and not may_follow(commitment.status, "achieved"):
        raise Conflict(_("A commitment that is %(current)s cannot become %(new)s.",
                         current=STATUSES[commitment.status], new=STATUSES["achieved"]),
                       {"status": [_("Not allowed from the current status.")]})
    if proposal.kind == "due_date_change":
        today = local_date(commitment.responsible_organisation.time_zone, now)
        if proposal.proposed_due_date < today:
            raise Conflict(_("The proposed date has passed; return it so a new date can be "
                             "proposed."), {"due_date": [_("The date has already passed.")]})
    user = _decide(principal, proposal, "acknowledged", comment, now)
    actor, comment = _actor(user), proposal.decision_comment
    if proposal.kind == "completion":
        services.record_event(commitment, "completion_acknowledged", actor=actor,
                              reason=comment)
        services.change_status(commitment, "achieved", actor=actor,
                               reason=proposal.comment or comment)
    else:
        services.record_event(commitment, "due_date_acknowledged", actor=actor,
                              reason=comment)
        services.update_commitment(commitment, {"due_date": proposal.proposed_due_date},
                                   actor=actor)
    return proposal


def return_proposal(principal: Principal, proposal, *, comment: str,
                    now: datetime | None = None):
    """The other party sends it back with a comment; the commitment stays as it was, open."""
    if not (comment or "").strip():
        raise InvalidInput(_("Say why it is returned."),
                           {"comment": [_("A comment is required.")]})
    _may_decide(principal, proposal)
    user = _decide(principal, proposal, "returned", comment, now)
    event = "completion_returned" if proposal.kind == "completion" else "due_date_returned"
    services.record_event(proposal.commitment, event, actor=_actor(user),
                          reason=proposal.decision_comment)
    return proposal


def withdraw(principal: Principal, proposal, *, comment: str = "",
             now: datetime | None = None):
    """The responsible party takes its own report back before anyone has decided."""
    commitment = proposal.commitment
    require(principal, "follow_up", commitment)
    if not may_report(principal, commitment):
        raise AccessRefused(
            _("Only the party responsible for the commitment can report on it."),
            audit={"entity": "CommitmentProposal", "entity_id": proposal.id})
    if proposal.state != "pending":
        raise Conflict(_("Only a proposal that is waiting can be withdrawn."),
                       {"state": [_("Not waiting for acknowledgement.")]})
    user = _decide(principal, proposal, "withdrawn", comment, now)
    services.record_event(commitment, "proposal_withdrawn", actor=_actor(user),
                          reason=proposal.decision_comment, changes={"kind": proposal.kind})
    return proposal
