"""``flask reminders send|status``: queue and send reminders and digests (fit for cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from pony.orm import db_session

from app.accounts.audit import audit_context
from app.notify import outbox, reminders
from app.notify.mailer import Mailer

group = AppGroup("reminders", help="E-mail reminders and digests through the outbox.")


@group.command("send")
@click.option("--digest", is_flag=True, help="Also queue this week's digest for each person.")
@click.option("--no-plan", is_flag=True, help="Only send what is queued; queue nothing new.")
@click.option("--limit", default=500, show_default=True, help="Send at most this many.")
def send(digest: bool, no_plan: bool, limit: int) -> None:
    """Queue today's reminders, then send every queued message whose time has come.

    Exits with status 1 when the mail server could not be reached (what was not sent stays
    queued for the next run)."""
    with audit_context(None, "cli"):
        if not no_plan:
            with db_session:
                planned = reminders.plan(digest=digest)
            click.echo(f"queued {planned.queued} new, {planned.already} already queued")
            for problem in planned.problems:
                click.echo(f"not planned: {problem}", err=True)
        with db_session:
            report = outbox.deliver(Mailer.from_config(), limit=limit)
    click.echo(f"sent {len(report.sent)}, retry later {len(report.failed)}, "
               f"skipped {len(report.skipped)}, given up {len(report.given_up)}")
    if report.unavailable:
        raise click.ClickException(f"mail server unavailable: {report.unavailable}; "
                                   "the rest stays queued")
    if not no_plan and planned.problems:
        raise click.ClickException(f"{len(planned.problems)} people's reminders could not be "
                                   "planned (see above); everyone else's were")


@group.command("status")
@click.option("--state", type=click.Choice(list(outbox.STATES)), default=None)
@click.option("--limit", default=20, show_default=True)
def status(state: str | None, limit: int) -> None:
    """Counts per state and the latest messages (tab-separated)."""
    with db_session:
        click.echo("  ".join(f"{name}: {count}" for name, count in outbox.counts().items()))
        for m in outbox.recent(limit, state):
            click.echo(f"{m.id}\t{m.state}\t{m.kind}\t{m.attempts}\t"
                       f"{m.next_attempt_at:%Y-%m-%d %H:%M}\t{m.recipient}\t{m.last_error}")


def register(app) -> None:
    app.cli.add_command(group)
