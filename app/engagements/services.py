"""Engagements: starting a cycle, moving it through the programme's phases, its year wheel."""

from __future__ import annotations

from datetime import date

from pony.orm import desc, flush

from app.db import db
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _
from app.programmes.services import get_phase, ordered_phases, year_wheel_template


def get_engagement(engagement_id: int):
    engagement = db.Engagement.get(id=engagement_id)
    if engagement is None:
        raise NotFound(_("No engagement with id %(id)s.", id=engagement_id))
    return engagement


def start_engagement(programme, organisation, *, period: str, starts_on: date,
                     ends_on: date | None = None, previous=None):
    """Start ``organisation``'s cycle in ``programme``: first phase, year wheel from the template.

    ``previous`` defaults to the organisation's latest earlier engagement in the programme, so
    the next meeting can follow up the last cycle's commitments.
    """
    errors: dict[str, list] = {}
    if organisation.kind not in programme.participant_kinds:
        errors["organisation"] = [
            _("This kind of organisation does not take part in the programme.")]
    if not period or not period.strip():
        errors["period"] = [_("A period is required, e.g. 2025/26.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The end date is before the start date.")]
    if errors:
        raise InvalidInput(_("The engagement could not be started."), errors)
    if db.Engagement.get(programme=programme, organisation=organisation, period=period.strip()):
        raise Conflict(
            _("%(organisation)s already has an engagement in this programme for %(period)s.",
              organisation=organisation.name, period=period),
            {"period": [_("Already taken.")]},
        )
    if previous is None:
        previous = latest_engagement(programme, organisation, before=starts_on)
    if previous is not None and previous.following is not None:
        previous = None  # the earlier cycle already continues elsewhere; do not steal its link

    engagement = db.Engagement(
        programme=programme, organisation=organisation, period=period.strip(),
        starts_on=starts_on, ends_on=ends_on, previous=previous,
    )
    phases = ordered_phases(programme)
    if phases:
        _record_transition(engagement, phases[0], starts_on, note="")
    for step in year_wheel_template(programme):
        db.YearWheelStep(
            engagement=engagement, template_step=step, position=step.position,
            month=step.month, labels=dict(step.labels),
            responsible=_first_label(step.responsible),
        )
    return engagement


def _first_label(labels: dict | None) -> str:
    # The responsible party is stored as data in every language; the step keeps the English
    # text as a default that the school office can overwrite with a person's name.
    if not labels:
        return ""
    return labels.get("en") or next(iter(labels.values()), "")


def latest_engagement(programme, organisation, *, before: date | None = None):
    query = db.Engagement.select(lambda e: e.programme == programme
                                 and e.organisation == organisation)
    if before is not None:
        query = query.filter(lambda e: e.starts_on < before)
    return query.order_by(lambda e: desc(e.starts_on)).first()


def transitions(engagement) -> list:
    flush()  # new entries have no id to order ties by until they are written
    return sorted(engagement.transitions, key=lambda t: (t.occurred_on, t.id))


def transition_to(engagement, phase_key: str, *, occurred_on: date, note: str = ""):
    """Move the engagement into another phase of its programme on a given date.

    Moving back to an earlier phase is allowed (a plan is reworked) but needs a note; dates
    never go backwards.
    """
    if engagement.status != "active":
        raise Conflict(_("Only an active engagement can change phase."))
    phase = get_phase(engagement.programme, phase_key)
    current = engagement.current_phase
    if current is not None and current.id == phase.id:
        raise Conflict(_("The engagement is already in this phase."), {"phase": [_("Unchanged.")]})
    history = transitions(engagement)
    if history and occurred_on < history[-1].occurred_on:
        raise InvalidInput(
            _("The date is before the previous phase change."),
            {"occurred_on": [_("Must be on or after %(date)s.", date=history[-1].occurred_on)]},
        )
    if current is not None and phase.position < current.position and not note.strip():
        raise InvalidInput(
            _("Moving back to an earlier phase needs a note saying why."),
            {"note": [_("A reason is required.")]},
        )
    return _record_transition(engagement, phase, occurred_on, note)


def _record_transition(engagement, phase, occurred_on: date, note: str):
    transition = db.PhaseTransition(engagement=engagement, phase=phase,
                                    occurred_on=occurred_on, note=note.strip())
    engagement.current_phase = phase
    return transition


def close_engagement(engagement, *, status: str = "completed", ends_on: date | None = None):
    if status not in ("completed", "withdrawn"):
        raise InvalidInput(_("Unknown engagement status."), {"status": [_("Not allowed.")]})
    if engagement.status != "active":
        raise Conflict(_("The engagement is already closed."))
    engagement.status = status
    if ends_on is not None:
        engagement.ends_on = ends_on


def year_wheel(engagement) -> list:
    flush()
    return sorted(engagement.year_wheel, key=lambda step: (step.position, step.month, step.id))


def mark_step(step, *, done: bool, on: date | None = None) -> None:
    """Tick a year-wheel step off (or undo it); a done step remembers the day."""
    if done and on is None:
        raise InvalidInput(_("A done step needs its date."), {"done_on": [_("Required.")]})
    step.done = done
    step.done_on = on if done else None
