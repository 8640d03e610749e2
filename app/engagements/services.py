"""Engagements: starting a cycle, moving it through the programme's phases, its year wheel."""

from __future__ import annotations

from datetime import date

from pony.orm import desc, flush

from app.db import db
from app.errors import Conflict, InvalidInput, NotFound, chosen
from app.i18n import _, localized
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
            responsible="",  # until the office names someone: see step_responsible
        )
    return engagement


def step_responsible(step) -> str:
    """Who is responsible: the person the office wrote in, else the programme's role in the
    reader's language (the template keeps it in every language)."""
    if step.responsible:
        return step.responsible
    return localized(step.template_step.responsible) if step.template_step else ""


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
    phase = chosen("phase", get_phase, engagement.programme, phase_key)
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


# --- editing the year wheel -------------------------------------------------------------------
#
# The wheel starts as the programme's template; the school office then adds, edits, moves and
# removes steps. Positions are the order the wheel is read in (a school year runs from autumn to
# summer, so not calendar order) and are always 1..n without gaps.

STEP_FIELDS = ("month", "title", "responsible", "notes", "position")


def step_title(step) -> str:
    """The step's own title, else the programme's label in the reader's language."""
    return step.title or localized(step.labels)


def _step_errors(values: dict, count: int) -> dict[str, list]:
    errors: dict[str, list] = {}
    month = values.get("month")
    if "month" in values and (not isinstance(month, int) or isinstance(month, bool)
                              or not 1 <= month <= 12):
        errors["month"] = [_("Choose a month from 1 to 12.")]
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = [_("A title is required.")]
    elif "title" in values and len(values["title"].strip()) > 200:
        errors["title"] = [_("Use at most %(count)s characters.", count=200)]
    if "responsible" in values and len((values["responsible"] or "").strip()) > 200:
        errors["responsible"] = [_("Use at most %(count)s characters.", count=200)]
    position = values.get("position")
    if position is not None and (not isinstance(position, int) or isinstance(position, bool)
                                 or not 1 <= position <= count):
        errors["position"] = [_("Choose a place from 1 to %(count)s.", count=count)]
    return errors


def _editable_wheel(engagement) -> list:
    if engagement.status != "active":
        raise Conflict(_("The year wheel of a closed engagement cannot change."))
    return year_wheel(engagement)


def _renumber(steps: list) -> None:
    for position, step in enumerate(steps, start=1):
        if step.position != position:
            step.position = position


def add_step(engagement, *, month: int, title: str, responsible: str = "", notes: str = "",
             position: int | None = None):
    """Add a step to the wheel, at ``position`` (1 is first) or at the end."""
    steps = _editable_wheel(engagement)
    values = {"month": month, "title": title, "responsible": responsible, "position": position}
    errors = _step_errors(values, len(steps) + 1)
    if errors:
        raise InvalidInput(_("The step could not be saved."), errors)
    step = db.YearWheelStep(engagement=engagement, position=len(steps) + 1, month=month,
                            title=title.strip(), responsible=(responsible or "").strip(),
                            notes=(notes or "").strip())
    steps.insert((position or len(steps) + 1) - 1, step)
    _renumber(steps)
    return step


def update_step(step, changes: dict) -> None:
    """Change a step's month, title, responsible person, notes or place in the wheel."""
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here."),
                           {name: [_("Not editable.")] for name in sorted(unknown)})
    steps = _editable_wheel(step.engagement)
    errors = _step_errors(changes, len(steps))
    if errors:
        raise InvalidInput(_("The step could not be saved."), errors)
    if "month" in changes:
        step.month = changes["month"]
    for name in ("title", "responsible", "notes"):
        if name in changes:
            setattr(step, name, (changes[name] or "").strip())
    if changes.get("position") is not None:
        steps.remove(step)
        steps.insert(changes["position"] - 1, step)
        _renumber(steps)


def remove_step(step) -> None:
    """Take a step out of the wheel; the steps after it move up."""
    steps = _editable_wheel(step.engagement)
    steps.remove(step)
    step.delete()
    _renumber(steps)
