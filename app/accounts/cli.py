"""``flask users``, ``flask tokens`` and ``flask audit``: accounts from the command line.

Each command runs in one transaction; changes are audited with the channel ``cli``.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, time, timedelta

import click

from app.accounts import services
from app.accounts.audit import audit_context
from app.accounts.roles import ROLES
from app.common.commands import Group
from app.common.model import utcnow
from app.db import db
from app.errors import DomainError
from app.i18n import N_, _, _l
from app.organisations.services import find_by_code, get_organisation


def _fail(err: DomainError) -> click.ClickException:
    details = "; ".join(f"{field}: {' '.join(str(m) for m in messages)}"
                        for field, messages in err.errors.items())
    return click.ClickException(f"{err.message}" + (f" ({details})" if details else ""))


def command_transaction(func):
    """One db_session per command, attributed to the command line in the audit log."""
    from functools import wraps

    from pony.orm import db_session

    @wraps(func)
    def wrapper(*args, **kwargs):
        with audit_context(None, "cli"), db_session:
            try:
                return func(*args, **kwargs)
            except DomainError as err:
                raise _fail(err) from err

    return wrapper


def _user(email: str):
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(_("No account with the e-mail address %(email)s.",
                                     email=email))
    return user


def _organisation(reference: str | None):
    """An organisation by id or by COUNTRY:code (e.g. DK:DEMO-DK-336)."""
    if not reference:
        return None
    if reference.isdigit():
        return get_organisation(int(reference))
    country, _sep, code = reference.partition(":")
    found = find_by_code(country.upper(), code)
    if found is None:
        raise click.ClickException(_("No organisation %(reference)s (use an id or "
                                     "COUNTRY:code).", reference=reference))
    return found


#: The copies of a person's name that pseudonymizing replaces (app.accounts.privacy).
COPIES = {
    "follow_ups": _l("follow-ups"),
    "commitment_events": _l("entries in commitments' history"),
    "participants": _l("meeting participants"),
}

users = Group("users", help=N_("Create accounts and assign roles."))
tokens = Group("tokens", help=N_("Issue and revoke personal API tokens."))
audit_group = Group("audit", help=N_("Export the audit log."))


@users.command("create", help=N_("Create an account for EMAIL."))
@click.argument("email")
@click.option("--name", required=True, help=N_("The person's name as others see it."))
@click.option("--language", type=click.Choice(["en", "da", "nb", "sv"]), default=None,
              help=N_("The language Nordialog speaks to the person (default: their browser's)."))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help=N_("At least 12 characters (prompted when not given)."))
@command_transaction
def users_create(email, name, language, password):
    user = services.create_user(email=email, name=name, password=password, language=language)
    click.echo(_("Created %(email)s.", email=user.email))


@users.command("list", help=N_("List every account with its roles (tab-separated)."))
@command_transaction
def users_list():
    for user in db.User.select().order_by(lambda u: u.email):
        roles = ", ".join(f"{r.role}@{r.organisation.name if r.organisation else '-'}"
                          for r in user.roles) or _("no roles")
        state = "" if user.active else " " + _("(inactive)")
        click.echo(f"{user.id}\t{user.email}\t{user.name}{state}\t{roles}")


@users.command("assign", help=N_("Give EMAIL the ROLE in ORGANISATION (an id or COUNTRY:code)."))
@click.argument("email")
@click.argument("role", type=click.Choice(sorted(ROLES)))
@click.argument("organisation", required=False)
@command_transaction
def users_assign(email, role, organisation):
    assignment = services.assign_role(_user(email), role, _organisation(organisation))
    where = assignment.organisation.name if assignment.organisation else _("the installation")
    click.echo(_("%(email)s is now %(role)s in %(where)s.", email=email, role=ROLES[role],
                 where=where))


@users.command("unassign", help=N_("Take the ROLE in ORGANISATION away from EMAIL."))
@click.argument("email")
@click.argument("role", type=click.Choice(sorted(ROLES)))
@click.argument("organisation", required=False)
@command_transaction
def users_unassign(email, role, organisation):
    found = db.RoleAssignment.get(user=_user(email), role=role,
                                  organisation=_organisation(organisation))
    if found is None:
        raise click.ClickException(_("The person does not hold that role there."))
    services.revoke_role(found)
    click.echo(_("Role removed."))


@users.command("deactivate", help=N_("Stop EMAIL from signing in and revoke their tokens."))
@click.argument("email")
@command_transaction
def users_deactivate(email):
    user = _user(email)
    user.active = False
    for token in user.tokens:
        services.revoke_token(token)
    click.echo(_("%(email)s can no longer sign in; their tokens are revoked.", email=email))


@users.command("pseudonymize", help=N_(
    "Replace a deactivated user's name, e-mail and password by a pseudonym (the audit log "
    "keeps its entries, which refer to the user by id)."))
@click.argument("email")
@command_transaction
def users_pseudonymize(email):
    from app.accounts.privacy import pseudonymize_user

    user = _user(email)
    replaced = pseudonymize_user(user)
    copies = ", ".join(_("%(label)s: %(count)s", label=COPIES[kind], count=count)
                       for kind, count in replaced.items())
    click.echo(_("%(email)s is now %(name)s (%(address)s); name replaced in %(copies)s.",
                 email=email, name=user.name, address=user.email, copies=copies))


@tokens.command("issue", help=N_(
    "Issue a token named NAME for EMAIL. It is printed once and cannot be shown again."))
@click.argument("email")
@click.argument("name")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None,
              help=N_("The token stops working after this many days (default: never)."))
@command_transaction
def tokens_issue(email, name, expires_days):
    expires = utcnow() + timedelta(days=expires_days) if expires_days else None
    issued = services.issue_token(_user(email), name, expires_at=expires)
    click.echo(issued.secret)
    click.echo(_("(token %(prefix)s... for %(email)s; store it now, it is not kept)",
                 prefix=issued.token.prefix, email=email), err=True)


@tokens.command("list", help=N_("List the tokens of EMAIL and whether each still works "
                                  "(tab-separated)."))
@click.argument("email")
@command_transaction
def tokens_list(email):
    now = utcnow()
    for token in sorted(_user(email).tokens, key=lambda t: t.id):
        state = services.TOKEN_STATES[services.token_state(token, now)]
        click.echo(f"{token.id}\t{token.prefix}...\t{token.name}\t{state}")


@tokens.command("revoke", help=N_("Revoke the token with the id TOKEN_ID."))
@click.argument("token_id", type=int)
@command_transaction
def tokens_revoke(token_id):
    token = db.ApiToken.get(id=token_id)
    if token is None:
        raise click.ClickException(_("No token with id %(id)s.", id=token_id))
    services.revoke_token(token)
    click.echo(_("Token %(prefix)s... revoked.", prefix=token.prefix))


AUDIT_COLUMNS = ("id", "occurred_at", "actor", "channel", "action", "entity", "entity_id",
                 "summary", "changes", "address")


def audit_rows(since: date | None):
    query = db.AuditEntry.select()
    if since is not None:
        start = datetime.combine(since, time())
        query = query.filter(lambda e: e.occurred_at >= start)
    for entry in query.order_by(lambda e: (e.occurred_at, e.id)):
        yield {
            "id": entry.id, "occurred_at": entry.occurred_at.isoformat() + "Z",
            "actor": entry.actor.id if entry.actor else None, "channel": entry.channel,
            "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
            "summary": entry.summary, "changes": entry.changes, "address": entry.address,
        }


@audit_group.command("export", help=N_("Write the audit log to standard output, oldest first."))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl",
              show_default=True, help=N_("CSV, or one JSON object per line."))
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help=N_("Only entries from this date on."))
@command_transaction
def audit_export(fmt, since):
    rows = audit_rows(since.date() if since else None)
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=AUDIT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "changes": json.dumps(row["changes"], ensure_ascii=False)})


def register(app) -> None:
    for group in (users, tokens, audit_group):
        app.cli.add_command(group)
