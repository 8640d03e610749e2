"""``flask commitments overdue|carry-over`` and ``flask work``: follow-up from the command line.

Each command runs in one transaction, attributed to the command line in the audit log. The
operator's terminal is not a reader with a role: confidential titles are shown as such.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.accounts.access import principal_for
from app.accounts.cli import _organisation, _user, command_transaction
from app.commitments import services
from app.commitments.tracking import evaluate, overdue_filter
from app.common.commands import AppCommandGroup, Command
from app.db import db
from app.engagements.services import get_engagement
from app.i18n import N_, _, ngettext, normalize_language, terminal_language
from app.organisations.today import as_of, local_today

commitments = AppCommandGroup("commitments",
                              help=N_("Overdue commitments and carrying them over."))


def _title(item) -> str:
    return "[" + _("Confidential") + "]" if item.confidential else item.title


@commitments.command("overdue", help=N_(
    "List open commitments past their due date, longest overdue first (tab-separated)."))
@click.option("--within", "within", default=None,
              help=N_("Only under this organisation (an id or COUNTRY:code)."))
@click.option("--as-of", "as_of_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help=N_("As on this date everywhere (default: each organisation's today)."))
@command_transaction
def overdue(within, as_of_day):
    today = as_of(as_of_day.date()) if as_of_day else local_today()
    query = overdue_filter(today).apply(db.Commitment.select())
    organisation = _organisation(within)
    if organisation is not None:
        prefix = organisation.path
        query = query.filter(lambda c: c.engagement.organisation.path.startswith(prefix))
    query = query.order_by(lambda c: (c.due_date, c.id)).prefetch(
        db.Commitment.engagement, db.Engagement.organisation,
        db.Commitment.responsible_organisation)
    count = 0
    for commitment in query:
        zone = commitment.responsible_organisation.time_zone
        state = evaluate(commitment, today.of(zone), awaiting_acknowledgement=False)
        click.echo(f"{commitment.id}\t{commitment.due_date}\t{state.days_overdue}\t"
                   f"{commitment.responsible_organisation.name}\t{_title(commitment)}")
        count += 1
    click.echo(ngettext("%(num)d overdue.", "%(num)d overdue.", count), err=True)


@commitments.command("carry-over", help=N_(
    "Carry the open commitments of engagement PREVIOUS_ID over into engagement INTO_ID."))
@click.argument("previous_id", type=int)
@click.argument("into_id", type=int)
@click.option("--due-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help=N_("New due date for those due before the next cycle starts."))
@click.option("--reason", default="", help=N_("Recorded in each commitment's history."))
@command_transaction
def carry_over(previous_id, into_id, due_date, reason):
    carried = services.carry_over_open(get_engagement(previous_id), get_engagement(into_id),
                                       due_date=due_date.date() if due_date else None,
                                       reason=reason)
    for successor in carried:
        click.echo(f"{successor.carried_over_from.id} -> {successor.id}\t{successor.due_date}"
                   f"\t{_title(successor)}")
    click.echo(ngettext("%(num)d carried over.", "%(num)d carried over.", len(carried)),
               err=True)


@click.command("work", cls=Command, help=N_(
    "Show what waits for the person with EMAIL (as \"My work\" shows it to them: in their "
    "language, else the terminal's, with meetings at the school's local time)."))
@click.option("--weeks", type=click.IntRange(1, 52), default=4, show_default=True,
              help=N_("How far ahead meetings count as to prepare."))
@click.argument("email")
@with_appcontext
@command_transaction
def work(email, weeks):
    user = _user(email)
    with force_locale(normalize_language(user.language) or terminal_language()):
        for heading, lines in _work_sections(user, weeks):
            click.echo(_("%(heading)s: %(count)s", heading=heading, count=len(lines)))
            for line in lines:
                click.echo(f"  {line}")


def _work_sections(user, weeks: int) -> list[tuple[str, list[str]]]:
    from app.web.formatting import format_date, local_datetime
    from app.work.services import my_work

    found = my_work(principal_for(user), prepare_weeks=weeks)

    def proposal(p) -> str:
        if p.kind == "completion":
            return _("reported achieved")
        return _("new due date %(date)s proposed", date=format_date(p.proposed_due_date))

    return [
        (_("Follow-ups due"), [f"{c.id}\t{format_date(c.next_follow_up_on)}\t{_title(c)}"
                               for c in found.follow_ups_due]),
        (_("Overdue"), [f"{c.id}\t{format_date(c.due_date)}\t{_title(c)}"
                        for c in found.overdue]),
        (_("To acknowledge"), [f"{p.id}\t{proposal(p)}\t{p.commitment_id}\t{p.proposed_by}"
                               for p in found.to_acknowledge]),
        (_("Minutes to approve"), [
            f"{m.id}\t{local_datetime(m.starts_at, m.time_zone)}\t{m.organisation}"
            for m in found.minutes_to_approve]),
        (_("Meetings to prepare"), [
            f"{m.id}\t{local_datetime(m.starts_at, m.time_zone)}\t{m.organisation}"
            for m in found.meetings_to_prepare]),
    ]


def register(app) -> None:
    app.cli.add_command(commitments)
    app.cli.add_command(work)
