"""Commitments: recording them, the status graph, follow-ups and carrying over.

Every change leaves an entry in the commitment's append-only history.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pony.orm import flush

from app.commitments.models import SCOPES
from app.commitments.status import CLOSED, INITIAL, OPEN, STATUSES, is_reopening, may_follow
from app.common.model import utcnow
from app.db import db
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _

#: Fields a user may edit on an open commitment (status, progress and links have their own paths).
EDITABLE_FIELDS = (
    "title", "background", "actions", "theme", "responsible_organisation",
    "responsible_person", "binding", "corrective", "scope", "success_criterion",
    "target_indicator", "target_value", "due_date", "follow_up_interval_days", "confidential",
)


def get_commitment(commitment_id: int):
    commitment = db.Commitment.get(id=commitment_id)
    if commitment is None:
        raise NotFound(_("No commitment with id %(id)s.", id=commitment_id))
    return commitment


def _validate_fields(fields: dict[str, Any]) -> dict[str, list]:
    errors: dict[str, list] = {}
    if "title" in fields and not (fields["title"] or "").strip():
        errors["title"] = [_("A title is required.")]
    if "scope" in fields and fields["scope"] not in SCOPES:
        errors["scope"] = [_("Must be local or central.")]
    if fields.get("follow_up_interval_days") is not None and fields["follow_up_interval_days"] < 1:
        errors["follow_up_interval_days"] = [_("Must be at least one day.")]
    if fields.get("target_value") is not None and fields.get("target_indicator") is None:
        errors["target_indicator"] = [_("A target value needs an indicator.")]
    return errors


def record_event(commitment, kind: str, *, actor: str = "", reason: str = "",
                 from_status: str | None = None, to_status: str | None = None,
                 changes: dict | None = None):
    """Append one entry to the commitment's history."""
    return db.CommitmentEvent(
        commitment=commitment, occurred_at=utcnow(), kind=kind, actor=actor,
        reason=reason, from_status=from_status, to_status=to_status, changes=changes,
    )


def record_commitment(engagement, *, title: str, due_date: date, responsible_organisation,
                      meeting=None, status: str = "agreed", actor: str = "",
                      agreed_on: date | None = None, **fields: Any):
    """Record what a meeting (or the engagement) binds someone to do.

    The first follow-up falls one cadence interval after ``agreed_on`` (default: today).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown commitment fields: {sorted(unknown)}")
    fields.update(title=title, due_date=due_date, responsible_organisation=responsible_organisation)
    errors = _validate_fields(fields)
    if status not in INITIAL:
        errors["status"] = [_("A new commitment is proposed or agreed.")]
    if meeting is not None and meeting.engagement.id != engagement.id:
        errors["meeting"] = [_("The meeting belongs to another engagement.")]
    if errors:
        raise InvalidInput(_("The commitment could not be saved."), errors)
    fields["title"] = title.strip()
    interval = fields.get("follow_up_interval_days")
    agreed_on = agreed_on or date.today()
    commitment = db.Commitment(
        engagement=engagement, meeting=meeting, status=status,
        next_follow_up_on=(agreed_on + timedelta(days=interval)) if interval else None,
        **fields,
    )
    record_event(commitment, "created", actor=actor, to_status=status)
    return commitment


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the history's before/after."""
    if hasattr(value, "_pkval_"):
        return value.id
    if isinstance(value, date):
        return value.isoformat()
    return value


def update_commitment(commitment, changes: dict[str, Any], *, actor: str = "") -> dict:
    """Change fields of an open commitment; the history keeps each field's before and after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here."),
                           {name: [_("Not editable.")] for name in sorted(unknown)})
    if commitment.status in CLOSED:
        raise Conflict(_("A closed commitment cannot be edited; reopen it first."))
    errors = _validate_fields({**{"target_indicator": commitment.target_indicator}, **changes})
    if errors:
        raise InvalidInput(_("The commitment could not be saved."), errors)
    diff = {}
    for name, value in changes.items():
        before = getattr(commitment, name)
        if before != value:
            diff[name] = {"before": _plain(before), "after": _plain(value)}
            setattr(commitment, name, value)
    if diff:
        record_event(commitment, "updated", actor=actor, changes=diff)
    return diff


def change_status(commitment, new_status: str, *, reason: str = "", actor: str = "") -> None:
    """Move a commitment along the status graph; reopening a closed one needs a reason.

    Closing it clears the next follow-up date and lapses anything still waiting for
    acknowledgement. Users reach "achieved" through ``acknowledgement.acknowledge``; this
    function is the graph itself, for the services that decided it (and imports).
    """
    if new_status not in STATUSES:
        raise InvalidInput(_("Unknown status %(status)s.", status=new_status),
                           {"status": [_("Unknown status.")]})
    if new_status == "carried_over":
        raise Conflict(_("Carry a commitment over into the next cycle instead."),
                       {"status": [_("Use carry-over.")]})
    current = commitment.status
    if not may_follow(current, new_status):
        raise Conflict(
            _("A commitment that is %(current)s cannot become %(new)s.",
              current=STATUSES[current], new=STATUSES[new_status]),
            {"status": [_("Not allowed from the current status.")]},
        )
    if is_reopening(current, new_status) and not reason.strip():
        raise InvalidInput(_("Reopening a commitment needs a reason."),
                           {"reason": [_("A reason is required.")]})
    commitment.status = new_status
    if new_status == "achieved":
        commitment.progress = 100
    record_event(commitment, "status_changed", actor=actor, reason=reason.strip(),
                 from_status=current, to_status=new_status)
    if new_status in CLOSED:
        commitment.next_follow_up_on = None
        _lapse_pending_proposals(commitment)


def _lapse_pending_proposals(commitment) -> None:
    """A commitment that closes leaves nothing waiting for acknowledgement."""
    for proposal in commitment.proposals.select(lambda p: p.state == "pending"):
        proposal.state = "lapsed"
        proposal.decided_at = utcnow()


def add_follow_up(commitment, *, occurred_on: date, narrative: str, author: str = "",
                  status_to: str | None = None, progress: int | None = None,
                  next_follow_up_on: date | None = None, evidence: dict | None = None):
    """Record a dated follow-up; it may move the status, the progress and the next due date."""
    errors: dict[str, list] = {}
    if not narrative or not narrative.strip():
        errors["narrative"] = [_("Describe what has happened.")]
    if occurred_on > date.today():
        errors["occurred_on"] = [_("A follow-up cannot be dated in the future.")]
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = [_("Must be between 0 and 100.")]
    if next_follow_up_on is not None and next_follow_up_on <= occurred_on:
        errors["next_follow_up_on"] = [_("Must be after the follow-up's date.")]
    if errors:
        raise InvalidInput(_("The follow-up could not be saved."), errors)
    if commitment.status not in OPEN:
        raise Conflict(_("A closed commitment takes no more follow-ups; reopen it first."))

    if status_to == "achieved":
        # Only the other party's acknowledgement makes a commitment achieved.
        raise InvalidInput(
            _("Report the commitment achieved for the other party to acknowledge instead."),
            {"status_to": [_("Achieved is reached by acknowledgement.")]})
    if status_to is not None and status_to != commitment.status:
        change_status(commitment, status_to, actor=author, reason=narrative)
    if progress is not None:
        commitment.progress = progress
    if next_follow_up_on is None and commitment.follow_up_interval_days:
        next_follow_up_on = occurred_on + timedelta(days=commitment.follow_up_interval_days)
    if commitment.status in OPEN:
        commitment.next_follow_up_on = next_follow_up_on
    else:
        commitment.next_follow_up_on = None
    follow_up = db.FollowUp(
        commitment=commitment, occurred_on=occurred_on, author=author,
        status_to=status_to, progress=progress, narrative=narrative.strip(),
        evidence=evidence, next_follow_up_on=next_follow_up_on,
    )
    record_event(commitment, "follow_up", actor=author,
                 changes={"follow_up_on": occurred_on.isoformat(), "progress": progress})
    return follow_up


def carry_over(commitment, into_engagement, *, due_date: date | None = None, actor: str = "",
               reason: str = ""):
    """Carry an open commitment into a later engagement of the same organisation.

    The successor starts as agreed with the same content and progress, linked both ways; the
    original becomes "carried over" and keeps its history.
    """
    if commitment.status not in OPEN:
        raise Conflict(_("Only an open commitment can be carried over."),
                       {"status": [_("The commitment is closed.")]})
    _check_next_cycle(commitment.engagement, into_engagement)
    if (due_date or commitment.due_date) < into_engagement.starts_on:
        # The successor would start the next cycle already overdue.
        raise InvalidInput(_("The commitment could not be carried over."), {"due_date": [
            _("Must be in the next cycle.") if due_date else
            _("It was due before the next cycle starts; give a new due date.")]})
    successor = db.Commitment(
        engagement=into_engagement,
        status="agreed",
        progress=commitment.progress,
        due_date=due_date or commitment.due_date,
        next_follow_up_on=commitment.next_follow_up_on,
        carried_over_from=commitment,
        **{name: getattr(commitment, name) for name in EDITABLE_FIELDS if name != "due_date"},
    )
    previous_status = commitment.status
    commitment.status = "carried_over"
    commitment.next_follow_up_on = None
    _lapse_pending_proposals(commitment)
    record_event(commitment, "carried_over", actor=actor, reason=reason,
                 from_status=previous_status, to_status="carried_over",
                 changes={"successor_engagement": into_engagement.id})
    record_event(successor, "created", actor=actor, reason=reason, to_status="agreed",
                 changes={"carried_over_from": commitment.id})
    return successor


def _check_next_cycle(origin, into_engagement) -> None:
    if (into_engagement.id == origin.id
            or into_engagement.organisation.id != origin.organisation.id
            or into_engagement.starts_on < origin.starts_on):
        raise InvalidInput(
            _("A commitment is carried over into a later cycle of the same organisation."),
            {"engagement": [_("Not a later cycle of this organisation.")]},
        )
    if into_engagement.status != "active":
        raise Conflict(_("The next cycle is not active."))


def open_commitments(engagement) -> list:
    """The engagement's open commitments, soonest due first."""
    flush()
    return sorted((c for c in engagement.commitments if c.status in OPEN),
                  key=lambda c: (c.due_date, c.id))


def carry_over_open(previous_engagement, into_engagement, *, due_date: date | None = None,
                    actor: str = "", reason: str = "") -> list:
    """Carry every open commitment of the last cycle into the next one, in one step.

    Each keeps its due date if that falls in the next cycle; otherwise it gets ``due_date``,
    or the next cycle's end. Everything is checked before anything is written.
    """
    _check_next_cycle(previous_engagement, into_engagement)
    starts = into_engagement.starts_on
    if due_date is not None and due_date < starts:
        raise InvalidInput(_("The commitments could not be carried over."),
                           {"due_date": [_("Must be in the next cycle.")]})
    carried = open_commitments(previous_engagement)
    new_dates = {c.id: c.due_date if c.due_date >= starts else due_date or into_engagement.ends_on
                 for c in carried}
    if any(day is None for day in new_dates.values()):
        raise InvalidInput(
            _("The commitments could not be carried over."),
            {"due_date": [_("Some were due before the next cycle starts; give a new due "
                            "date.")]})
    return [carry_over(commitment, into_engagement, due_date=new_dates[commitment.id],
                       actor=actor, reason=reason) for commitment in carried]


def history(commitment) -> list:
    flush()  # new entries have no id to order ties by until they are written
    return sorted(commitment.events, key=lambda e: (e.occurred_at, e.id))


def follow_ups(commitment) -> list:
    flush()
    return sorted(commitment.follow_ups, key=lambda f: (f.occurred_on, f.id))
