"""Engagement pages: the phase timeline, the year wheel, meetings and commitments of a cycle."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, g, redirect, render_template, url_for
from pony.orm import flush

from app.accounts.access import may_start_engagement, visible_commitments, visible_meetings
from app.commitments import services as commitments
from app.commitments.status import OPEN
from app.commitments.status import STATUSES as COMMITMENT_STATUSES
from app.db import db
from app.engagements import services
from app.engagements.models import STATUSES
from app.engagements.schemas import (
    CarryOverOpenIn,
    EngagementCreate,
    TransitionIn,
    YearWheelStepIn,
    YearWheelStepUpdate,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound, chosen
from app.i18n import _, localized, ngettext
from app.meetings.api import utc
from app.meetings.lifecycle import STATUSES as MEETING_STATUSES
from app.meetings.schemas import MeetingCreate
from app.meetings.services import plan_meeting
from app.organisations.services import get_organisation
from app.organisations.today import zone_info
from app.programmes.services import get_programme, ordered_phases
from app.web import signed_in
from app.web.formatting import month_name
from app.web.forms import SHOWN_ON_FORM, Form, checkbox, load, refused, stale, submitted
from app.web.pages import allowed, record

bp = Blueprint("engagements", __name__, template_folder="templates")


def _render(engagement, status: int = 200, **forms):
    principal = g.principal
    meetings = visible_meetings(principal).filter(lambda m: m.engagement == engagement
                                                  ).order_by(lambda m: m.starts_at)
    commitments = visible_commitments(principal).filter(lambda c: c.engagement == engagement
                                                        ).order_by(lambda c: c.due_date)
    phases = ordered_phases(engagement.programme)
    current = engagement.current_phase.position if engagement.current_phase else 0
    kinds = sorted(engagement.programme.meeting_types, key=lambda m: m.position)
    return render_template(
        "engagements/detail.html", engagement=engagement, phases=phases,
        current_position=current, transitions=services.transitions(engagement),
        wheel=services.year_wheel(engagement), meetings=list(meetings),
        step_responsible=services.step_responsible,
        commitments=list(commitments), statuses=STATUSES,
        meeting_statuses=MEETING_STATUSES, commitment_statuses=COMMITMENT_STATUSES,
        meeting_kinds=[(k.key, localized(k.labels)) for k in kinds],
        phase_options=[(p.key, localized(p.labels)) for p in phases],
        may_manage=allowed("manage", engagement), today=date.today(),
        transition_form=forms.get("transition_form") or Form(
            values={"occurred_on": date.today().isoformat()}),
        meeting_form=forms.get("meeting_form") or Form(
            values={"meeting_type": kinds[0].key if kinds else ""}),
        wheel_form=forms.get("wheel_form") or Form(),
        carry_form=forms.get("carry_form") or Form().under("carry"),
        open_in_previous=_open_in_previous(engagement),
    ), status


def _open_in_previous(engagement) -> int:
    """How many of the previous cycle's commitments are still open (to carry over)."""
    previous = engagement.previous
    if previous is None or engagement.status != "active":
        return 0
    open_ = tuple(OPEN)
    return visible_commitments(g.principal, "manage").filter(
        lambda c: c.engagement == previous and c.status in open_).count()


@bp.post("/engagements/<id:engagement_id>/carry-over-open")
@signed_in
def carry_over_open(engagement_id):
    """Carry every open commitment of the previous cycle into this one, in one step."""
    engagement = record(services.get_engagement, engagement_id, "manage")
    if engagement.previous is None:
        raise Conflict(_("This engagement does not continue an earlier cycle."))
    record(services.get_engagement, engagement.previous.id, "manage")
    form = Form(values=submitted(["due_date"])).under("carry")
    data = load(CarryOverOpenIn(), form.values, form)  # the API's schema: a date or nothing
    if data is not None:
        try:
            carried = commitments.carry_over_open(engagement.previous, engagement,
                                                  due_date=data["due_date"], actor=g.user.name)
        except SHOWN_ON_FORM as err:  # shown beside the field, with the date typed kept
            refused(form, err)
    if data is None or form.message:
        return _render(engagement, 422, carry_form=form)
    flash(ngettext("%(num)s commitment is carried over.", "%(num)s commitments are carried over.",
                   len(carried)))
    return redirect(url_for(".detail", engagement_id=engagement.id) + "#commitments-heading")


@bp.get("/engagements/<id:engagement_id>")
@signed_in
def detail(engagement_id):
    return _render(record(services.get_engagement, engagement_id))


@bp.post("/engagements/<id:engagement_id>/transitions")
@signed_in
def transition(engagement_id):
    engagement = record(services.get_engagement, engagement_id, "manage")
    form = Form(values=submitted(["phase", "occurred_on", "note"]))
    if stale(engagement, form):  # someone else moved it meanwhile: the page shows where to
        return _render(engagement, 409, transition_form=form)
    data = load(TransitionIn(), form.values, form)
    if data is not None:
        try:
            services.transition_to(engagement, data["phase"], occurred_on=data["occurred_on"],
                                   note=data["note"])
            flash(_("The engagement moved to a new phase."))
            return redirect(url_for(".detail", engagement_id=engagement.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return _render(engagement, 422, transition_form=form)


@bp.post("/year-wheel-steps/<id:step_id>")
@signed_in
def tick_step(step_id):
    """Tick a step off (or undo it) from the engagement's page; a tick on a step that someone
    changed since the page was shown shows the page as it is now instead."""
    step = record(_year_wheel_step, step_id, "manage")
    form = Form()
    if stale(step, form):  # ticked or undone by someone else since the page was shown
        form.message = _("Someone else changed this step meanwhile; it is shown as it is now. "
                         "Press the button again if it is still what you want.")
        return _render(step.engagement, 409, wheel_form=form)
    done = checkbox("done")
    services.mark_step(step, done=done, on=date.today() if done else None)
    return redirect(url_for(".detail", engagement_id=step.engagement.id) + "#year-wheel")


# --- the year wheel, edited on its own page -----------------------------------------------------

STEP_FIELDS = ["month", "title", "responsible", "notes"]


def _step_values(step) -> dict:
    return {"month": step.month, "title": services.step_title(step),
            "responsible": step.responsible or "", "notes": step.notes or "",
            "done": step.done}


def _render_step(engagement, step, form: Form, status: int = 200):
    return render_template(
        "engagements/step.html", engagement=engagement, step=step, form=form,
        months=[(number, month_name(number)) for number in range(1, 13)],
        programme_responsible=(localized(step.template_step.responsible)
                               if step is not None and step.template_step else ""),
    ), status


@bp.get("/engagements/<id:engagement_id>/year-wheel/new")
@signed_in
def new_step(engagement_id):
    engagement = record(services.get_engagement, engagement_id, "manage")
    return _render_step(engagement, None, Form())


@bp.post("/engagements/<id:engagement_id>/year-wheel")
@signed_in
def add_step(engagement_id):
    """A step of the school office's own in the engagement's year wheel."""
    engagement = record(services.get_engagement, engagement_id, "manage")
    form = Form(values=submitted(STEP_FIELDS))
    data = load(YearWheelStepIn(), form.values, form)
    if data is not None:
        try:
            services.add_step(engagement, **data)
            flash(_("The step is added to the year wheel."))
            return redirect(url_for(".detail", engagement_id=engagement.id) + "#year-wheel")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return _render_step(engagement, None, form, 422)


@bp.get("/year-wheel-steps/<id:step_id>/edit")
@signed_in
def edit_step_form(step_id):
    step = record(_year_wheel_step, step_id, "manage")
    return _render_step(step.engagement, step, Form(values=_step_values(step)))


@bp.post("/year-wheel-steps/<id:step_id>/edit")
@signed_in
def edit_step(step_id):
    """Change a step's month, title, responsible person, notes and whether it is done, unless
    someone else saved the step after the form was opened."""
    step = record(_year_wheel_step, step_id, "manage")
    form = Form(values={**submitted(STEP_FIELDS), "done": checkbox("done")})
    for text in ("title", "responsible", "notes"):
        form.values.setdefault(text, "")
    if stale(step, form):
        return _render_step(step.engagement, step, form, 409)
    data = load(YearWheelStepUpdate(), form.values, form)
    if data is not None:
        done = data.pop("done")
        if not step.title and data.get("title") == services.step_title(step):
            # The programme's title, shown in the reader's language, stays the programme's
            # (every language) unless the office writes its own.
            data.pop("title")
        try:
            services.update_step(step, data)
            if done != step.done:
                services.mark_step(step, done=done, on=date.today() if done else None)
            flash(_("The step is saved."))
            return redirect(url_for(".detail", engagement_id=step.engagement.id) + "#year-wheel")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return _render_step(step.engagement, step, form, 422)


def _year_wheel_step(step_id: int):
    step = db.YearWheelStep.get(id=step_id)
    if step is None:
        raise NotFound(_("Nothing was found at this address."))
    return step


def _aware(value: str | None, organisation) -> str | None:
    """A datetime-local value (the organisation's wall clock) as ISO 8601 with its offset."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema says what is wrong with it
    return moment.replace(tzinfo=zone_info(organisation.time_zone)).isoformat()


@bp.post("/engagements/<id:engagement_id>/meetings")
@signed_in
def plan(engagement_id):
    engagement = record(services.get_engagement, engagement_id, "manage")
    form = Form(values=submitted(["meeting_type", "starts_at", "ends_at", "place", "title"]))
    organisation = engagement.organisation
    data = load(MeetingCreate(), {
        **form.values, "engagement_id": engagement.id,
        "starts_at": _aware(form.values.get("starts_at"), organisation),
        **({"ends_at": _aware(form.values.get("ends_at"), organisation)}
           if form.values.get("ends_at") else {})}, form)
    if data is not None:
        try:
            meeting = plan_meeting(engagement, meeting_type=data["meeting_type"],
                                   starts_at=utc(data["starts_at"]), ends_at=utc(data["ends_at"]),
                                   place=data["place"], title=data["title"])
            flush()
            flash(_("The meeting is planned with the programme's agenda."))
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return _render(engagement, 422, meeting_form=form)


@bp.get("/organisations/<id:organisation_id>/engagements/new")
@signed_in
def start_form(organisation_id, form: Form | None = None, status: int = 200):
    organisation = record(get_organisation, organisation_id)
    programmes = [p for p in db.Programme.select().order_by(lambda p: p.key)
                  if organisation.kind in p.participant_kinds
                  and may_start_engagement(g.principal, p, organisation)]
    if not programmes:
        raise Forbidden(_("You do not have access to this."))
    return render_template(
        "engagements/start.html", organisation=organisation,
        programmes=[(p.id, localized(p.labels)) for p in programmes],
        form=form or Form(values={"starts_on": date.today().isoformat()})), status


@bp.post("/organisations/<id:organisation_id>/engagements")
@signed_in
def start(organisation_id):
    organisation = record(get_organisation, organisation_id)
    form = Form(values=submitted(["programme_id", "period", "starts_on", "ends_on"]))
    data = load(EngagementCreate(), {**form.values, "organisation_id": organisation.id}, form)
    if data is not None:
        try:
            programme = chosen("programme_id", get_programme, data["programme_id"])
        except InvalidInput as err:
            refused(form, err)
            return start_form(organisation_id, form=form, status=422)
        if not may_start_engagement(g.principal, programme, organisation):
            raise Forbidden(_("You do not have access to this."))
        try:
            engagement = services.start_engagement(programme, organisation,
                                                   period=data["period"],
                                                   starts_on=data["starts_on"],
                                                   ends_on=data["ends_on"])
            flush()
            flash(_("The engagement is started."))
            return redirect(url_for(".detail", engagement_id=engagement.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return start_form(organisation_id, form=form, status=422)
