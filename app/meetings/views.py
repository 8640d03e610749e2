"""Meeting pages: the meeting through its lifecycle, with minutes and commitments inline."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from pony.orm import desc, flush

from app.accounts.access import visible_meetings
from app.accounts.audit import ACTION_LABELS, ENTITY_LABELS
from app.commitments import services as commitment_services
from app.commitments.schemas import CommitmentCreate
from app.commitments.status import STATUSES as COMMITMENT_STATUSES
from app.db import db
from app.errors import InvalidInput
from app.i18n import _, _l, localized
from app.meetings import board, services
from app.meetings.evaluation import evaluation_of_last_cycle, record_evaluation
from app.meetings.lifecycle import MINUTES_EDITABLE, STATUSES
from app.meetings.models import ATTENDANCE, PARTICIPANT_ROLES
from app.meetings.schemas import MeetingThemeIn, ParticipantIn
from app.organisations.services import ancestors
from app.programmes.models import PARTIES
from app.themes import services as themes
from app.web import signed_in
from app.web.forms import SHOWN_ON_FORM, Form, load, refused, submitted
from app.web.pages import allowed, page, record

bp = Blueprint("meetings", __name__, template_folder="templates")

@bp.get("/meetings")
@signed_in
def index():
    status = request.args.get("status") or None
    query = visible_meetings(g.principal)
    if status in STATUSES:
        query = query.filter(lambda m: m.status == status)
    query = query.order_by(lambda m: desc(m.starts_at))
    return render_template("meetings/index.html", page=page(query), statuses=STATUSES,
                           status=status)


def _responsible_options(engagement) -> list:
    """Who a commitment can bind: the organisation, those above it, the agency running it."""
    organisation = engagement.organisation
    options = [organisation] + list(reversed(ancestors(organisation)))
    if engagement.programme.run_by is not None:
        options.append(engagement.programme.run_by)
    return [(o.id, o.name) for o in options]


def render(meeting, status: int = 200, **forms):
    engagement = meeting.engagement
    vocabulary = themes.vocabulary()
    return render_template(
        "meetings/detail.html", meeting=meeting, engagement=engagement,
        agenda=services.agenda(meeting), statuses=STATUSES,
        participants=sorted(meeting.participants, key=lambda p: p.id),
        meeting_themes=sorted(meeting.themes, key=lambda t: t.id),
        commitments=sorted(meeting.commitments, key=lambda c: c.id),
        publication=services.latest_publication(meeting),
        commitment_statuses=COMMITMENT_STATUSES, roles=PARTICIPANT_ROLES, parties=PARTIES,
        attendance=ATTENDANCE, minutes_editable=meeting.status in MINUTES_EDITABLE,
        may_manage=allowed("manage", meeting),
        may_propose=allowed("propose_theme", meeting),
        theme_options=[(t.id, localized(t.labels)) for t in vocabulary],
        responsible_options=_responsible_options(engagement),
        role_options=[(key, str(label)) for key, label in PARTICIPANT_ROLES.items()],
        party_options=[(key, str(label)) for key, label in PARTIES.items()],
        minutes_form=forms.get("minutes_form") or Form(),
        commitment_form=forms.get("commitment_form") or Form(values={
            "responsible_organisation_id": engagement.organisation.id,
            "due_date": date(date.today().year + 1, 6, 30).isoformat(),
            "follow_up_interval_days": 60, "binding": "on", "scope": "local"}),
        # The page's other forms ask for a "title" and a "theme_id" too: ids kept apart.
        participant_form=(forms.get("participant_form") or Form()).under("participant"),
        attendance_form=forms.get("attendance_form") or Form(),
        theme_form=(forms.get("theme_form") or Form(values={"party": "school"})).under("theme"),
        action_form=forms.get("action_form") or Form(),
        evaluation=evaluation_of_last_cycle(meeting, principal=g.principal),
        evaluation_form=forms.get("evaluation_form") or Form(),
        board_comments=board.board_comments(meeting),
        may_comment=allowed("board_comment", meeting) and meeting.status != "cancelled",
        comment_form=forms.get("comment_form") or Form(),
        history=board.history(meeting), action_labels=ACTION_LABELS,
        entity_labels=ENTITY_LABELS,
    ), status


@bp.get("/meetings/<id:meeting_id>")
@signed_in
def detail(meeting_id):
    return render(record(services.get_meeting, meeting_id))


ACTIONS = {
    "hold": (services.mark_held, _l("The meeting is marked as held: write the minutes.")),
    "approve": (services.approve_minutes, _l("The minutes are approved.")),
    "publish": (services.publish_minutes, _l("The minutes are published.")),
    "return-to-draft": (services.return_to_draft, _l("The minutes are back in draft.")),
    "revise": (services.revise_published_minutes,
               _l("A new revision is open; the published minutes stay until it is published.")),
    "cancel": (services.cancel, _l("The meeting is cancelled.")),
}


@bp.post('/meetings/<id:meeting_id>/<any("hold", "approve", "publish", "return-to-draft", '
         '"revise", "cancel"):action>')
@signed_in
def lifecycle(meeting_id, action):
    """A step in the meeting's lifecycle, refused if the page was out of date."""
    meeting = record(services.get_meeting, meeting_id, "manage")
    form = Form()
    if str(meeting.version) != request.form.get("version"):
        form.message = _("The meeting changed since you opened it: look again, then retry.")
        return render(meeting, 409, action_form=form)
    step, done = ACTIONS[action]
    try:
        step(meeting)
    except SHOWN_ON_FORM as err:
        refused(form, err)
        return render(meeting, 409, action_form=form)
    flash(str(done))
    if action == "approve":
        from app.checks.rules import meeting_checks, warnings

        for warning in warnings(meeting_checks(meeting)):
            flash(_("Check not met: %(warning)s", warning=warning))
    return redirect(url_for(".detail", meeting_id=meeting.id))


@bp.post("/meetings/<id:meeting_id>/minutes")
@signed_in
def save_minutes(meeting_id):
    """Save the minutes of every agenda item at once; an item someone else saved meanwhile is
    kept as theirs and shown, with what was typed, for the writer to merge."""
    meeting = record(services.get_meeting, meeting_id, "manage")
    form = Form(values={key: value for key, value in request.form.items()
                        if key.startswith("minutes-")})
    conflicts = []
    try:
        for item in services.agenda(meeting):
            typed = request.form.get(f"minutes-{item.id}")
            if typed is None or typed == (item.minutes or ""):
                continue
            if request.form.get(f"version-{item.id}") != str(item.version):
                conflicts.append(item)
                form.errors[f"minutes-{item.id}"] = [
                    _("Someone else saved this item meanwhile; their text is shown above "
                      "yours.")]
                continue
            try:
                services.write_minutes(item, typed)
            except InvalidInput as err:  # about this item's text: say so beside it
                form.errors[f"minutes-{item.id}"] = err.errors["minutes"]
                form.message = str(err.message)
        if form.errors and not conflicts:
            return render(meeting, 422, minutes_form=form)
    except SHOWN_ON_FORM as err:
        refused(form, err)
        return render(meeting, 409, minutes_form=form)
    if conflicts:
        form.conflict = True
        form.message = _("Some items were changed by someone else while you wrote. Check "
                         "them, then save again.")
        return render(meeting, 409, minutes_form=form)
    flash(_("The minutes are saved."))
    return redirect(url_for(".detail", meeting_id=meeting.id) + "#minutes")


@bp.post("/meetings/<id:meeting_id>/commitments")
@signed_in
def record_commitment(meeting_id):
    meeting = record(services.get_meeting, meeting_id, "manage")
    names = ["title", "due_date", "responsible_organisation_id", "responsible_person",
             "theme_id", "background", "actions", "success_criterion",
             "follow_up_interval_days", "binding", "corrective", "scope", "confidential",
             "status"]
    form = Form(values=submitted(names))
    values = {**form.values, "engagement_id": meeting.engagement.id, "meeting_id": meeting.id}
    for flag in ("binding", "corrective", "confidential"):
        values.setdefault(flag, "false")
    data = load(CommitmentCreate(), values, form)
    if data is not None:
        try:
            # Left out of the posted form, the field names no one: a message beside it.
            responsible_id = data.pop("responsible_organisation_id", None)
            responsible = db.Organisation.get(id=responsible_id) if responsible_id else None
            allowed_ids = {ident for ident, _name in _responsible_options(meeting.engagement)}
            if responsible is None or responsible.id not in allowed_ids:
                raise _invalid("responsible_organisation_id")
            theme_id = data.pop("theme_id", None)
            data.pop("engagement_id"), data.pop("meeting_id")
            commitment_services.record_commitment(
                meeting.engagement, meeting=meeting, responsible_organisation=responsible,
                theme=db.Theme.get(id=theme_id) if theme_id else None, actor=g.user.name,
                **{k: v for k, v in data.items() if k != "target_indicator"})
            flash(_("The commitment is recorded."))
            return redirect(url_for(".detail", meeting_id=meeting.id) + "#commitments")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(meeting, 422, commitment_form=form)


def _invalid(field: str):
    return InvalidInput(_("The commitment could not be saved."), {field: [_("Not allowed.")]})


@bp.post("/meetings/<id:meeting_id>/participants")
@signed_in
def add_participant(meeting_id):
    meeting = record(services.get_meeting, meeting_id, "manage")
    form = Form(values=submitted(["name", "role", "email"]))
    data = load(ParticipantIn(), form.values, form)
    if data is not None:
        try:
            data.pop("organisation_id")
            services.add_participant(meeting, **data)
            flash(_("The participant is added."))
            return redirect(url_for(".detail", meeting_id=meeting.id) + "#participants")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(meeting, 422, participant_form=form)


@bp.post("/meetings/<id:meeting_id>/attendance")
@signed_in
def attendance(meeting_id):
    meeting = record(services.get_meeting, meeting_id, "manage")
    form = Form(values={key: value for key, value in request.form.items()
                        if key.startswith("attendance-")})
    for participant in meeting.participants:
        name = f"attendance-{participant.id}"
        value = request.form.get(name)
        if value and value != participant.attendance:
            if request.form.get(f"version-{name}") != str(participant.version):
                # Someone else recorded this person meanwhile: theirs stays until this one is
                # confirmed on a page that shows it.
                form.conflict = True
                form.errors[name] = [_("Someone else recorded %(attendance)s meanwhile.",
                                       attendance=ATTENDANCE[participant.attendance])]
                continue
            try:
                services.record_attendance(participant, value)
            except InvalidInput as err:
                form.errors[name] = err.errors.get("attendance") or [err.message]
    if form.conflict:  # the 409 rolls back the participants already changed
        form.message = _("Some of this was changed by someone else while you edited. Check "
                         "it, then save again.")
        return render(meeting, 409, attendance_form=form)
    if form.errors:  # the 422 rolls back the participants already changed
        form.message = _("Please correct the fields marked below.")
        return render(meeting, 422, attendance_form=form)
    flash(_("The attendance is saved."))
    return redirect(url_for(".detail", meeting_id=meeting.id) + "#participants")


@bp.post("/meetings/<id:meeting_id>/themes")
@signed_in
def choose_theme(meeting_id):
    meeting = record(services.get_meeting, meeting_id, "propose_theme")
    form = Form(values=submitted(["theme_id", "title", "party", "background"]))
    data = load(MeetingThemeIn(), form.values, form)
    if data is not None:
        try:
            if data["theme_id"]:
                theme = db.Theme.get(id=data["theme_id"])
            elif data["title"]:
                theme = themes.free_theme(data["title"])
            else:
                theme = None
            if theme is None:
                form.errors["theme_id"] = [_("Choose a theme or write one.")]
                form.message = _("Please correct the fields marked below.")
            else:
                themes.choose_theme(meeting, theme, party=data["party"],
                                    background=data["background"])
                flush()
                flash(_("The theme is on the agenda."))
                return redirect(url_for(".detail", meeting_id=meeting.id) + "#themes")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(meeting, 422, theme_form=form)


@bp.post("/meetings/<id:meeting_id>/evaluation")
@signed_in
def save_evaluation(meeting_id):
    """The minutes' evaluation of each of the last cycle's commitments."""
    meeting = record(services.get_meeting, meeting_id, "manage")
    form = Form(values={key: value for key, value in request.form.items()
                        if key.startswith("note-")})
    try:
        for entry in evaluation_of_last_cycle(meeting, principal=g.principal):
            name = f"note-{entry.commitment.id}"
            typed = request.form.get(name)
            if typed is None or typed == entry.note:
                continue
            current = str(entry.line.version if entry.line else 0)
            if request.form.get(f"version-{name}") != current:
                form.errors[name] = [_("Someone else saved this item meanwhile; their text is "
                                       "shown above yours.")]
                continue
            record_evaluation(meeting, entry.commitment, typed)
    except SHOWN_ON_FORM as err:
        refused(form, err)
        return render(meeting, 409, evaluation_form=form)
    if form.errors:  # the 409 rolls back the notes already written
        form.conflict = True
        form.message = _("Some items were changed by someone else while you wrote. Check "
                         "them, then save again.")
        return render(meeting, 409, evaluation_form=form)
    flash(_("The evaluation is saved."))
    return redirect(url_for(".detail", meeting_id=meeting.id) + "#evaluation")


@bp.post("/meetings/<id:meeting_id>/board-comments")
@signed_in
def add_board_comment(meeting_id):
    """The school board's comment on the meeting (a board member of its school)."""
    meeting = record(services.get_meeting, meeting_id, "board_comment")
    form = Form(values=submitted(["body"]))
    try:
        board.add_board_comment(meeting, g.user, form.values.get("body", ""))
    except SHOWN_ON_FORM as err:
        refused(form, err)
        return render(meeting, 409 if err.status == 409 else 422, comment_form=form)
    flash(_("The board's comment is added."))
    return redirect(url_for(".detail", meeting_id=meeting.id) + "#board-comments")
