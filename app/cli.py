"""Command line: ``flask db``, ``flask seed``, ``flask translate`` and ``flask demo``.

``db``, ``translate`` and ``demo`` are registered as Flask plugin commands (entry points in
pyproject.toml) because they must work before the schema exists or without a database at all;
the rest are attached to the app and run inside one ``db_session`` each.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from pony.orm import db_session

from app.accounts.audit import audit_context
from app.common.commands import AppCommandGroup, Command, Group
from app.config import PROJECT_ROOT, load_config
from app.db import DatabaseUrl
from app.errors import StartupError
from app.i18n import N_, _, ngettext, terminal_context


def _configured_url() -> tuple[DatabaseUrl, dict]:
    config = load_config(PROJECT_ROOT / "instance")
    return DatabaseUrl.parse(config["DATABASE_URL"]), config


def in_db_session(func):
    """Run a command in one transaction: committed when it returns, rolled back if it fails.

    Changes are attributed to the command line in the audit log.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with audit_context(None, "cli"), db_session:
            return func(*args, **kwargs)

    return wrapper


def in_terminal_language(func):
    """Speak the operator's language (``NORDIALOG_LANGUAGE``, then the terminal's locale) in a
    command that runs without the app."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with terminal_context():
            return func(*args, **kwargs)

    return wrapper


# --- flask db -----------------------------------------------------------------------------

@click.group("db", cls=Group, help=N_("Apply and inspect the database migrations."))
def db_cli() -> None:
    pass


@db_cli.command("upgrade", help=N_("Apply every pending migration (safe to run again)."))
@in_terminal_language
def db_upgrade() -> None:
    from app.migrate import upgrade

    try:
        url, config = _configured_url()
        applied = upgrade(url, config["MIGRATIONS_DIR"])
    except StartupError as err:
        raise click.ClickException(err.for_operator()) from err
    if applied:
        click.echo(ngettext("Applied %(num)d migration to %(database)s: %(names)s",
                            "Applied %(num)d migrations to %(database)s: %(names)s",
                            len(applied), database=url.redacted, names=", ".join(applied)))
    else:
        click.echo(_("%(database)s is up to date.", database=url.redacted))


@db_cli.command("status", help=N_("Show the schema version and pending migrations."))
@in_terminal_language
def db_status() -> None:
    from app.migrate import status

    try:
        url, config = _configured_url()
        state = status(url, config["MIGRATIONS_DIR"])
    except StartupError as err:
        raise click.ClickException(err.for_operator()) from err
    click.echo(_("database: %(database)s", database=url.redacted))
    click.echo(_("schema version: %(version)s", version=state["version"] or _("(empty)")))
    click.echo(_("pending: %(names)s", names=", ".join(state["pending"]) or _("none")))


@db_cli.command("backup", help=N_(
    "Back up the database to FILE while it is in use (SQLite online backup; pg_dump for "
    "PostgreSQL), with a manifest of row counts and checksums per table in "
    "FILE.manifest.json."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@in_terminal_language
def db_backup(file: Path) -> None:
    from app.backup import backup

    try:
        url, _config = _configured_url()
        manifest = backup(url, file)
    except StartupError as err:
        raise click.ClickException(err.for_operator()) from err
    rows = sum(table["rows"] for table in manifest["tables"].values())
    click.echo(_("Backed up %(database)s to %(file)s: %(tables)s tables, %(rows)s rows.",
                 database=url.redacted, file=file, tables=len(manifest["tables"]), rows=rows))


@db_cli.command("restore", help=N_("Replace the database's contents with the backup in FILE, "
                                   "then check every table against the backup's manifest."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@in_terminal_language
def db_restore(file: Path, yes: bool) -> None:
    from app.backup import restore

    try:
        url, _config = _configured_url()
        if not yes:
            click.confirm(_("Replace everything in %(database)s with %(file)s?",
                            database=url.redacted, file=file), abort=True)
        restored = restore(url, file)
    except StartupError as err:
        raise click.ClickException(err.for_operator()) from err
    if restored:
        rows = sum(table["rows"] for table in restored.values())
        click.echo(_("Restored %(file)s into %(database)s: %(tables)s tables, %(rows)s rows, "
                     "each matching the backup's manifest.", file=file, database=url.redacted,
                     tables=len(restored), rows=rows))
    else:
        click.echo(_("Restored %(file)s into %(database)s (no manifest to check against).",
                     file=file, database=url.redacted))


# --- flask translate ----------------------------------------------------------------------

@click.group("translate", cls=Group,
             help=N_("Extract, update and compile the translation catalogs."))
def translate_cli() -> None:
    pass


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


LOCALES = PROJECT_ROOT / "locales"


@translate_cli.command("extract",
                       help=N_("Collect marked strings into locales/messages.pot."))
@in_terminal_language
def translate_extract() -> None:
    _pybabel("extract", "-F", str(LOCALES / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
             "-k", "N_",
             "--no-location", "--sort-output", "--project", "Nordialog",
             "--copyright-holder", "Nordialog", "-o", str(LOCALES / "messages.pot"),
             str(PROJECT_ROOT / "app"))
    click.echo(_("Wrote %(file)s", file="locales/messages.pot"))


@translate_cli.command("update", help=N_("Extract, then merge new strings into da, nb and sv."))
@click.pass_context
@in_terminal_language
def translate_update(ctx: click.Context) -> None:
    ctx.invoke(translate_extract)
    # The catalogs are wrapped at 100 columns; the default (76) would rewrap every entry.
    _pybabel("update", "-i", str(LOCALES / "messages.pot"), "-d", str(LOCALES), "-w", "100",
             "--no-fuzzy-matching", "--ignore-obsolete")
    click.echo(_("Updated da, nb and sv; translate the new empty entries, then compile."))


@translate_cli.command("compile", help=N_("Compile the catalogs to .mo files."))
@in_terminal_language
def translate_compile() -> None:
    from app.i18n import compile_catalogs

    compiled = compile_catalogs(LOCALES, force=True)
    click.echo(_("Compiled: %(languages)s", languages=", ".join(compiled) or _("nothing")))


# --- flask demo ---------------------------------------------------------------------------

@click.command("demo", cls=Command,
               help=N_("Migrate, load the programmes and demo data, and serve Nordialog."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("The address to serve on."))
@click.option("--port", default=5000, show_default=True, type=int,
              help=N_("The port to serve on."))
@click.option("--no-serve", is_flag=True, help=N_("Set up the database and stop."))
def demo_cli(host: str, port: int, no_serve: bool) -> None:
    from werkzeug.serving import run_simple

    from app import create_app
    from app.migrate import upgrade
    from app.seeding.demo import load_demo
    from app.seeding.programmes import load_programmes

    try:
        url, config = _configured_url()
        upgrade(url, config["MIGRATIONS_DIR"])
        app = create_app()
    except StartupError as err:
        raise click.ClickException(err.for_operator()) from err
    with app.app_context():
        with audit_context(None, "cli"), db_session:
            programmes = load_programmes(Path(app.config["SEED_DIR"]))
            demo = load_demo(Path(app.config["SEED_DIR"]))
        click.echo(programmes.summary())
        click.echo(demo.summary())
        if no_serve:
            return
        click.echo(_("Nordialog is running on %(address)s (database: %(database)s)",
                     address=f"http://{host}:{port}/", database=url.redacted))
    run_simple(host, port, app, use_reloader=False, threaded=True)


# --- flask seed (app-bound) ---------------------------------------------------------------

def register(app: Flask) -> None:
    seed = AppCommandGroup("seed", help=N_("Load programmes and demo data (idempotent)."))

    @seed.command("programmes", help=N_("Load or update the programmes in seed/."))
    @in_db_session
    def seed_programmes() -> None:
        from app.seeding.programmes import load_programmes

        click.echo(load_programmes(Path(current_app.config["SEED_DIR"])).summary())

    @seed.command("demo", help=N_("Load the demo owners, schools and their cycles."))
    @in_db_session
    def seed_demo() -> None:
        from app.seeding.demo import load_demo
        from app.seeding.programmes import load_programmes

        load_programmes(Path(current_app.config["SEED_DIR"]))
        click.echo(load_demo(Path(current_app.config["SEED_DIR"])).summary())

    @seed.command("synthetic", help=N_("Load a synthetic national-scale dataset (reproducible "
                                       "by seed); full size is 8,150 schools and 10 school "
                                       "years."))
    @click.option("--schools", default=8150, show_default=True, type=click.IntRange(1, 20000),
                  help=N_("How many schools."))
    @click.option("--years", default=10, show_default=True, type=click.IntRange(1, 20),
                  help=N_("How many school years, up to the date of --today."))
    @click.option("--seed", "seed_value", default=1, show_default=True, type=int,
                  help=N_("The same seed gives the same data."))
    @click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help=N_("The date the data is built up to (default: today)."))
    @with_appcontext
    @in_db_session
    def seed_synthetic(schools: int, years: int, seed_value: int, today) -> None:
        from app.seeding.files import SeedError
        from app.seeding.programmes import load_programmes
        from app.seeding.synthetic import Plan, SyntheticLoad

        load_programmes(Path(current_app.config["SEED_DIR"]))
        plan = Plan.make(schools, years, seed_value, today.date() if today else date.today())
        load = SyntheticLoad(plan, current_app.extensions["nordialog.database_url"].engine)
        try:
            with click.progressbar(load.run(), length=len(plan.owners),
                                   label=_("School owners and their schools")) as owners:
                for _owner in owners:
                    pass
        except SeedError as err:
            raise click.ClickException(str(err)) from err
        summary = (f"Synthetic dataset (seed {seed_value}, {schools} schools, {years} school "
                   "years): ") + ", ".join(
            f"{table}: {count}" for table, count in load.counts.items())
        from app.accounts import audit

        audit.record(current_app.extensions["nordialog.db"], "import", summary=summary)
        click.echo(summary)

    app.cli.add_command(seed)

    from app.accounts import cli as accounts_cli

    accounts_cli.register(app)

    from app.commitments import cli as commitments_cli

    commitments_cli.register(app)

    from app.notify import cli as notify_cli

    notify_cli.register(app)

    from app.indicators import cli as indicators_cli

    indicators_cli.register(app)
