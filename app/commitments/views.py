"""Commitment pages: the list people work from, and one commitment with its follow-up."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from pony.orm import flush, select

from app.accounts.access import visible_engagements
from app.commitments import acknowledgement, services
from app.commitments.api import commitments_file, filtered_commitments
from app.commitments.models import EVENT_KINDS
from app.commitments.schemas import (
    SORTS,
    CarryOverIn,
    CommitmentQuery,
    CommitmentUpdate,
    CompletionIn,
    DueDateProposalIn,
    FollowUpIn,
    ReturnIn,
    StatusChangeIn,
)
from app.commitments.status import OPEN, STATUSES, TRANSITIONS
from app.commitments.tracking import track, track_many
from app.engagements.services import get_engagement
from app.errors import Forbidden, InvalidInput, NotFound
from app.i18n import _, _l, localized
from app.themes.services import vocabulary
from app.web import signed_in
from app.web.forms import SHOWN_ON_FORM, Form, load, refused, stale, submitted
from app.web.pages import allowed, page, record

bp = Blueprint("commitments", __name__, template_folder="templates")

FILTERS = ("status", "theme", "overdue", "at_risk", "awaiting_acknowledgement", "within",
           "due_after", "due_before", "sort")


def _list_filters() -> tuple[Form, dict]:
    """The list's filters from the address (the page's and its export's), checked."""
    raw = {key: request.args.getlist(key) if key == "status" else request.args.get(key)
           for key in FILTERS if request.args.get(key)}
    form = Form(values=raw)
    return form, load(CommitmentQuery(), raw, form) or {}


@bp.get('/commitments/export.<any("csv", "xlsx"):fmt>')
@signed_in
def export(fmt):
    """The list as it is filtered, as a file in the columns the import accepts; with filters
    that are not valid, the list with the fields marked instead."""
    form, filters = _list_filters()
    if form.errors:
        return index()
    return commitments_file(g.principal, filters, fmt)


@bp.get("/commitments")
@signed_in
def index():
    """Commitments the reader may see, filtered, sorted and paged, with export links."""
    form, filters = _list_filters()
    raw = form.values
    query = filtered_commitments(g.principal, filters)
    listed = page(query)
    schools = visible_engagements(g.principal)
    export = urlencode([(k, v) for k, values in request.args.lists() if k != "page"
                        for v in values])
    return render_template(
        "commitments/index.html", page=listed, flags=track_many(listed.items), form=form,
        statuses=STATUSES,
        themes=[(t.key, localized(t.labels)) for t in vocabulary()],
        # The filter's choices as (id, name) pairs from one query, not every engagement.
        organisations=sorted(select((e.organisation.id, e.organisation.name) for e in schools),
                             key=lambda pair: pair[1]),
        sorts=SORTS, export=export, chosen=set(raw.get("status") or []),
        today=date.today()), 422 if form.errors else 200


def render(commitment, status: int = 200, **forms):
    successors = [e for e in visible_engagements(g.principal, "manage").filter(
        lambda e: e.organisation == commitment.engagement.organisation
        and e.starts_on > commitment.engagement.starts_on and e.status == "active")]
    editable = {name: getattr(commitment, name) for name in (
        "title", "background", "actions", "responsible_person", "success_criterion",
        "due_date", "follow_up_interval_days")}
    principal = g.principal
    return render_template(
        "commitments/detail.html", commitment=commitment, statuses=STATUSES,
        # Achieved is reached by reporting a completion that the other party acknowledges.
        next_statuses=[(s, STATUSES[s]) for s in sorted(TRANSITIONS[commitment.status])
                       if s not in ("carried_over", "achieved")],
        tracking=track(commitment), proposals=acknowledgement.proposals(commitment),
        event_kinds=EVENT_KINDS,
        may_report=allowed("follow_up", commitment)
        and acknowledgement.may_report(principal, commitment),
        may_acknowledge=allowed("acknowledge", commitment)
        and acknowledgement.may_acknowledge(principal, commitment),
        # Several of the page's forms ask for a "comment", a "due_date" or a "reason": each
        # form's ids carry its own prefix (the follow-up form, the one most used, has none).
        completion_form=(forms.get("completion_form") or Form()).under("completion"),
        due_date_form=(forms.get("due_date_form") or Form()).under("proposal"),
        decision_form=forms.get("decision_form") or Form(),
        is_open=commitment.status in OPEN, follow_ups=services.follow_ups(commitment),
        history=services.history(commitment),
        successor_options=[(e.id, f"{localized(e.programme.labels)} {e.period}")
                           for e in successors],
        may_manage=allowed("manage", commitment),
        may_follow_up=allowed("follow_up", commitment),
        edit_form=(forms.get("edit_form") or Form(values=editable)).under("edit"),
        status_form=(forms.get("status_form") or Form()).under("status"),
        follow_up_form=forms.get("follow_up_form") or Form(values={
            "occurred_on": date.today().isoformat()}),
        carry_form=(forms.get("carry_form") or Form()).under("carry"),
    ), status


@bp.get("/commitments/<id:commitment_id>")
@signed_in
def detail(commitment_id):
    return render(record(services.get_commitment, commitment_id))


@bp.post("/commitments/<id:commitment_id>")
@signed_in
def edit(commitment_id):
    """Save changes, unless someone else saved the commitment after the form was opened."""
    commitment = record(services.get_commitment, commitment_id, "manage")
    form = Form(values=submitted(["title", "background", "actions", "responsible_person",
                                  "success_criterion", "due_date",
                                  "follow_up_interval_days"]))
    for text in ("background", "actions", "responsible_person", "success_criterion"):
        form.values.setdefault(text, "")
    if stale(commitment, form):
        return render(commitment, 409, edit_form=form)
    data = load(CommitmentUpdate(), form.values, form)
    if data is not None:
        try:
            acknowledgement.update(g.principal, commitment, data, actor=g.user.name)
            flash(_("The commitment is saved."))
            return redirect(url_for(".detail", commitment_id=commitment.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, edit_form=form)


@bp.post("/commitments/<id:commitment_id>/status")
@signed_in
def change_status(commitment_id):
    commitment = record(services.get_commitment, commitment_id, "manage")
    form = Form(values=submitted(["status", "reason"]))
    if stale(commitment, form):
        return render(commitment, 409, status_form=form)
    data = load(StatusChangeIn(), form.values, form)
    if data is not None:
        try:
            acknowledgement.change_status(g.principal, commitment, data["status"],
                                          reason=data["reason"], actor=g.user.name)
            flash(_("The status is changed."))
            return redirect(url_for(".detail", commitment_id=commitment.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, status_form=form)


@bp.post("/commitments/<id:commitment_id>/follow-ups")
@signed_in
def add_follow_up(commitment_id):
    commitment = record(services.get_commitment, commitment_id, "follow_up")
    form = Form(values=submitted(["occurred_on", "narrative", "status_to", "progress",
                                  "next_follow_up_on"]))
    data = load(FollowUpIn(), form.values, form)
    if data is not None:
        try:
            services.add_follow_up(commitment, author=g.user.name, **data)
            flash(_("The follow-up is recorded."))
            return redirect(url_for(".detail", commitment_id=commitment.id) + "#follow-ups")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, follow_up_form=form)


@bp.post("/commitments/<id:commitment_id>/carry-over")
@signed_in
def carry_over(commitment_id):
    commitment = record(services.get_commitment, commitment_id, "manage")
    form = Form(values=submitted(["engagement_id", "due_date", "reason"]))
    data = load(CarryOverIn(), form.values, form)
    if data is not None:
        try:
            into = _next_cycle(data["engagement_id"])
            successor = services.carry_over(commitment, into, due_date=data["due_date"],
                                            reason=data["reason"], actor=g.user.name)
            flush()
            flash(_("The commitment is carried over into the next cycle."))
            return redirect(url_for(".detail", commitment_id=successor.id))
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, carry_form=form)


def _next_cycle(engagement_id: int):
    """The engagement chosen on the form, or a message beside the field (not a 404 page: the
    release run's form fuzzing sent an id of no engagement the user may change)."""
    try:
        return record(get_engagement, engagement_id, "manage")
    except (NotFound, Forbidden):
        raise InvalidInput(_("The commitment could not be carried over."), {
            "engagement_id": [_("No engagement you may change has this id.")]}) from None


@bp.post("/commitments/<id:commitment_id>/completion")
@signed_in
def report_completion(commitment_id):
    """The responsible party reports the commitment achieved; the other party decides."""
    commitment = record(services.get_commitment, commitment_id, "follow_up")
    form = Form(values=submitted(["comment"]))
    data = load(CompletionIn(), form.values, form)
    if data is not None:
        try:
            acknowledgement.report_completion(g.principal, commitment, comment=data["comment"])
            flash(_("The completion is reported and waits for the other party."))
            return redirect(url_for(".detail", commitment_id=commitment.id) + "#proposals")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, completion_form=form)


@bp.post("/commitments/<id:commitment_id>/due-date-proposals")
@signed_in
def propose_due_date(commitment_id):
    commitment = record(services.get_commitment, commitment_id, "follow_up")
    form = Form(values=submitted(["due_date", "comment"]))
    data = load(DueDateProposalIn(), form.values, form)
    if data is not None:
        try:
            acknowledgement.propose_due_date(g.principal, commitment, **data)
            flash(_("The new due date is proposed and waits for the other party."))
            return redirect(url_for(".detail", commitment_id=commitment.id) + "#proposals")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, due_date_form=form)


DECISIONS = {
    "acknowledge": (acknowledgement.acknowledge, _l("Acknowledged.")),
    "return": (acknowledgement.return_proposal, _l("Returned with your comment.")),
    "withdraw": (acknowledgement.withdraw, _l("Withdrawn.")),
}


@bp.post('/proposals/<id:proposal_id>/<any("acknowledge", "return", "withdraw"):decision>')
@signed_in
def decide(proposal_id, decision):
    """The other party acknowledges or returns; the reporter may withdraw."""
    proposal = record(acknowledgement.get_proposal, proposal_id)
    commitment = proposal.commitment
    # Each pending proposal has its own form to return it: the refused one is shown again.
    form = Form(values=submitted(["comment"]), prefix=f"return-{proposal.id}")
    data = load(ReturnIn() if decision == "return" else CompletionIn(), form.values, form)
    if data is not None:
        step, done = DECISIONS[decision]
        try:
            step(g.principal, proposal, comment=data["comment"])
            flash(str(done))
            return redirect(url_for(".detail", commitment_id=commitment.id) + "#proposals")
        except SHOWN_ON_FORM as err:
            refused(form, err)
    return render(commitment, 422, decision_form=form)
