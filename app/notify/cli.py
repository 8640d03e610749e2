"""``flask reminders send|status``: queue and send reminders and digests (fit for cron)."""

from __future__ import annotations

import click
from pony.orm import db_session

from app.accounts.audit import audit_context
from app.common.commands import AppCommandGroup
from app.i18n import N_, _, ngettext
from app.notify import outbox, reminders
from app.notify.mailer import Mailer

group = AppCommandGroup("reminders",
                        help=N_("E-mail reminders and digests through the outbox."))


@group.command("send", help=N_(
    "Queue today's reminders, then send every queued message whose time has come.\n\n"
    "Exits with status 1 when the mail server could not be reached (what was not sent stays "
    "queued for the next run)."))
@click.option("--digest", is_flag=True,
              help=N_("Also queue this week's digest for each person."))
@click.option("--no-plan", is_flag=True,
              help=N_("Only send what is queued; queue nothing new."))
@click.option("--limit", default=500, show_default=True, help=N_("Send at most this many."))
def send(digest: bool, no_plan: bool, limit: int) -> None:
    with audit_context(None, "cli"):
        if not no_plan:
            with db_session:
                planned = reminders.plan(digest=digest)
            click.echo(_("queued %(new)s new, %(already)s already queued",
                         new=planned.queued, already=planned.already))
            for problem in planned.problems:
                click.echo(_("not planned: %(problem)s", problem=problem), err=True)
        with db_session:
            report = outbox.deliver(Mailer.from_config(), limit=limit)
    click.echo(_("sent %(sent)s, retry later %(failed)s, skipped %(skipped)s, given up "
                 "%(given_up)s", sent=len(report.sent), failed=len(report.failed),
                 skipped=len(report.skipped), given_up=len(report.given_up)))
    if report.unavailable:
        raise click.ClickException(_("mail server unavailable: %(reason)s; the rest stays "
                                     "queued", reason=report.unavailable))
    if not no_plan and planned.problems:
        raise click.ClickException(ngettext(
            "%(num)d person's reminders could not be planned (see above); everyone else's were",
            "%(num)d people's reminders could not be planned (see above); everyone else's were",
            len(planned.problems)))


@group.command("status", help=N_("Counts per state and the latest messages (tab-separated)."))
@click.option("--state", type=click.Choice(list(outbox.STATES)), default=None,
              help=N_("Only the messages in this state."))
@click.option("--limit", default=20, show_default=True,
              help=N_("Show at most this many messages."))
def status(state: str | None, limit: int) -> None:
    with db_session:
        click.echo("  ".join(_("%(label)s: %(count)s", label=outbox.STATES[name], count=count)
                             for name, count in outbox.counts().items()))
        for m in outbox.recent(limit, state):
            click.echo(f"{m.id}\t{outbox.STATES.get(m.state, m.state)}\t"
                       f"{outbox.KINDS.get(m.kind, m.kind)}\t{m.attempts}\t"
                       f"{m.next_attempt_at:%Y-%m-%d %H:%M}\t{m.recipient}\t{m.last_error}")


def register(app) -> None:
    app.cli.add_command(group)
