"""Acting on weak results: a school owner opens closer follow-up with corrective commitments
(Stavanger); an agency starts engagements with the owners it selects (Skolverket).

Both are all or nothing: any refused part leaves nothing written (the request rolls back).
"""

from __future__ import annotations

from datetime import date, datetime

from app.accounts.access import Principal, may_start_engagement
from app.commitments.services import record_commitment
from app.db import db
from app.engagements.services import start_engagement
from app.errors import Conflict, Forbidden, InvalidInput
from app.i18n import _
from app.meetings.services import plan_meeting

#: The meeting type of closer follow-up, when the programme has one.
CLOSE_FOLLOW_UP = "close_follow_up"
DEFAULT_CADENCE_DAYS = 60


def _current_engagement(programme, organisation):
    return db.Engagement.select(
        lambda e: e.programme == programme and e.organisation == organisation
        and e.status == "active").order_by(lambda e: e.starts_on).first()


def open_closer_follow_up(programme, school, *, commitments: list[dict], period: str = "",
                          starts_on: date | None = None, meeting_starts_at: datetime | None = None,
                          actor: str = "", today: date | None = None):
    """Corrective, binding commitments for ``school`` in its current engagement (or a new one
    for ``period``), and a closer follow-up meeting if a time is given. Returns the engagement
    and the commitments."""
    today = today or date.today()
    errors: dict[str, list] = {}
    if programme.country != school.country:
        errors["programme"] = [_("The programme is for another country.")]
    if not commitments:
        errors["commitments"] = [_("Agree at least one corrective commitment.")]
    engagement = _current_engagement(programme, school)
    if engagement is None and not errors:
        if not (period or "").strip() or starts_on is None:
            errors["period"] = [_("The school has no current engagement in this programme: "
                                  "give the period and start date of a new one.")]
    if errors:
        raise InvalidInput(_("Closer follow-up could not be opened."), errors)
    if engagement is None:
        engagement = start_engagement(programme, school, period=period, starts_on=starts_on)
    meeting = None
    if meeting_starts_at is not None:
        if not db.MeetingType.exists(programme=programme, key=CLOSE_FOLLOW_UP):
            raise InvalidInput(_("Closer follow-up could not be opened."), {
                "meeting_starts_at": [_("This programme has no closer follow-up meetings.")]})
        meeting = plan_meeting(engagement, meeting_type=CLOSE_FOLLOW_UP,
                               starts_at=meeting_starts_at)
    created = []
    for index, item in enumerate(commitments):
        try:
            created.append(record_commitment(
                engagement, title=item.get("title") or "", due_date=item.get("due_date"),
                responsible_organisation=school, meeting=meeting, actor=actor,
                agreed_on=today, actions=item.get("actions") or "", binding=True,
                corrective=True, follow_up_interval_days=item.get("follow_up_interval_days")
                or DEFAULT_CADENCE_DAYS))
        except InvalidInput as refused:
            raise InvalidInput(_("Closer follow-up could not be opened."), {
                f"commitments.{index}.{name}": messages
                for name, messages in refused.errors.items()}) from refused
    return engagement, created


def select_owners(principal: Principal, programme, owners: list, *, period: str,
                  starts_on: date) -> list:
    """Start ``programme`` with each selected owner (an agency's selection); returns the new
    engagements. Any owner that cannot be started refuses the whole selection."""
    errors: dict[str, list] = {}
    if not owners:
        errors["organisation_ids"] = [_("Select at least one school owner.")]
    for owner in owners:
        if not may_start_engagement(principal, programme, owner):
            raise Forbidden(_("You may not start this programme with %(organisation)s.",
                              organisation=owner.name))
        if owner.country != programme.country:
            errors[f"organisation_ids.{owner.id}"] = [
                _("%(organisation)s is in another country.", organisation=owner.name)]
        elif owner.kind not in programme.participant_kinds:
            errors[f"organisation_ids.{owner.id}"] = [
                _("This kind of organisation does not take part in the programme.")]
        elif db.Engagement.exists(programme=programme, organisation=owner,
                                  period=(period or "").strip()):
            raise Conflict(
                _("%(organisation)s already has an engagement in this programme for "
                  "%(period)s.", organisation=owner.name, period=period),
                {f"organisation_ids.{owner.id}": [_("Already taken.")]})
    if errors:
        raise InvalidInput(_("The selection could not be saved."), errors)
    return [start_engagement(programme, owner, period=period, starts_on=starts_on)
            for owner in owners]
