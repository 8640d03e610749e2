"""Click commands and groups whose ``--help`` reads in the operator's language.

Click keeps a command's help, short help and each option's help as plain strings when it is
declared (it cleans them up then), long before anyone's language is known. Nordialog's commands
declare them with ``N_`` (so ``flask translate extract`` collects them) and use the classes
here, which look each one up in the catalog when the help is shown: in the app's context when
there is one (it reads the terminal's language outside a request), else in the terminal's
language on its own (``flask db``, ``flask translate``: they run without the app).

Click's own words (``Usage:``, ``Options:``, ``[default: ...]``) and Flask's own commands
(``run``, ``shell``, ``routes``) are not Nordialog's and stay as their libraries print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from app.i18n import N_, _, terminal_context

# Click's text for every command's --help option, said in our catalogs as well.
HELP_OPTION = N_("Show this message and exit.")


def translated(text: str | None) -> str | None:
    """``text`` in the current language when the catalogs have it, else as it is."""
    return _(text) if text else text


@contextmanager
def _translated_params(params: Iterable[click.Parameter]) -> Iterator[None]:
    """Options' help in the current language while their help records are made."""
    kept = [(param, param.help) for param in params if getattr(param, "help", None)]
    try:
        for param, text in kept:
            param.help = translated(text)
        yield
    finally:
        for param, text in kept:
            param.help = text


class TranslatedHelp:
    """Mixin for click.Command subclasses: help looked up in the catalogs when shown."""

    @property
    def help(self) -> str | None:
        return translated(self._help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    @property
    def short_help(self) -> str | None:
        return translated(self._short_help)

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._short_help = value

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with terminal_context():
            super().format_help(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_params(self.get_params(ctx)):
            super().format_options(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with terminal_context():
            return super().get_short_help_str(limit)


class Command(TranslatedHelp, click.Command):
    pass


class Group(TranslatedHelp, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too


class AppCommandGroup(TranslatedHelp, AppGroup):
    """A group of commands that run inside the app's context (Flask's AppGroup)."""

    command_class = Command
    group_class = type
