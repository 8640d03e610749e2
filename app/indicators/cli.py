"""``flask indicators import FILE``: observations from a CSV or XLSX file, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click

from app.accounts.access import principal_for
from app.accounts.cli import _user, command_transaction
from app.common.commands import AppCommandGroup
from app.i18n import N_, _, ngettext
from app.indicators.importing import ImportRefused, import_observations
from app.indicators.presets import get_preset, presets
from app.indicators.reading import Table, Unreadable

indicators = AppCommandGroup("indicators", help=N_("Indicator observations."))


class _Bars:
    """A progress bar for checking (bytes or rows read), then one for writing (values)."""

    def __init__(self, check_total: int) -> None:
        self.bar = click.progressbar(length=check_total, label=_("Checking"), file=None)
        self.bar.__enter__()

    def __call__(self, stage: str, amount: int) -> None:
        if stage == "write-total":
            self.finish()
            self.bar = click.progressbar(length=amount, label=_("Writing"), file=None)
            self.bar.__enter__()
        else:
            self.bar.update(amount)

    def finish(self) -> None:
        self.bar.__exit__(None, None, None)


@indicators.command("import", help=N_(
    "Import observations from FILE (CSV or XLSX): every row is checked first, then all are "
    "written or none."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preset", "preset_key", default=None, type=click.Choice(list(presets())),
              help=N_("Column layout of the file (default: the documented long format)."))
@click.option("--dry-run", is_flag=True, help=N_("Check every row and report; write nothing."))
@click.option("--as", "as_email", default=None,
              help=N_("Import with this person's access (default: every organisation)."))
@command_transaction
def import_command(file: Path, preset_key: str | None, dry_run: bool, as_email: str | None):
    preset = get_preset(preset_key)
    principal = principal_for(_user(as_email)) if as_email else None
    try:
        table = Table(lambda: file.open("rb"), file.name, preset.delimiter)
    except Unreadable as err:
        raise click.ClickException(_("Nothing was imported: %(reason)s",
                                     reason=err.message)) from err
    bars = _Bars(table.row_count_hint() or file.stat().st_size)
    try:
        report = import_observations(principal, table, preset, dry_run=dry_run,
                                     progress=bars)
    except ImportRefused as err:
        bars.finish()
        _print_refusal(err.report)
        raise click.ClickException(_("Nothing was imported.")) from err
    bars.finish()
    summary = str(report.summary())
    click.echo(_("Dry run, nothing written. %(summary)s", summary=summary) if dry_run
               else summary)


def _print_refusal(report) -> None:
    for message in report.file_errors:
        click.echo(_("file: %(message)s", message=message), err=True)
    for error in report.errors:
        if error.column:
            click.echo(_("row %(row)s [%(column)s]: %(message)s", row=error.row,
                         column=error.column, message=error.message), err=True)
        else:
            click.echo(_("row %(row)s: %(message)s", row=error.row, message=error.message),
                       err=True)
    hidden = report.errors_total - len(report.errors)
    if hidden > 0:
        click.echo(ngettext("... and %(num)d more error.", "... and %(num)d more errors.",
                            hidden), err=True)


def register(app) -> None:
    app.cli.add_command(indicators)
