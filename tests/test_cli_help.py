"""`--help` of Nordialog's own commands, and the errors that stop a start, read in the
operator's language (NORDIALOG_LANGUAGE, then the terminal's locale, then English)."""

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from app import create_app
from app.cli import db_cli, demo_cli, translate_cli
from app.common.commands import TranslatedHelp
from app.config import load_config
from app.errors import StartupError

ROOT = Path(__file__).resolve().parent.parent
CLEAN = {"NORDIALOG_LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}
#: Flask's own commands and flask-smorest's: not Nordialog's words, left as their libraries
#: print them.
LIBRARIES_OWN = {"run", "shell", "routes", "openapi"}


def terminal(**variables) -> dict:
    return {**CLEAN, **variables}


def every_command(command: click.Command, path: str = ""):
    yield path or command.name, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from every_command(sub, f"{path or command.name} {name}")


def nordialogs_commands(app):
    commands = [db_cli, translate_cli, demo_cli]
    commands += [c for name, c in app.cli.commands.items() if name not in LIBRARIES_OWN]
    for command in commands:
        yield from every_command(command)


def test_every_commands_help_is_in_the_catalogs(app):
    """Each command and group, and each of its options, has help that the catalogs translate
    and a class that looks it up when the help is shown."""
    with (ROOT / "locales" / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        msgids = {m.id for m in read_po(handle, locale="sv") if m.id}
    problems = []
    found = dict(nordialogs_commands(app))
    assert {"users create", "tokens list", "reminders status", "seed synthetic", "db upgrade",
            "commitments carry-over", "indicators import", "work", "demo"} <= set(found)
    for path, command in found.items():
        if not isinstance(command, TranslatedHelp):
            problems.append(f"{path}: {type(command).__name__} does not translate its help")
        texts = {"help": command._help} if isinstance(command, TranslatedHelp) else {}
        texts |= {f"option {p.name}": p.help for p in command.params
                  if isinstance(p, click.Option)}
        for what, text in texts.items():
            if not text:
                problems.append(f"{path}: {what} has no help")
            elif text not in msgids:
                problems.append(f"{path}: {what} help is not in the catalogs: {text!r}")
    assert problems == []


def test_users_help_in_danish_and_swedish(app):
    runner = app.test_cli_runner()
    danish = runner.invoke(args=["users", "--help"], env=terminal(LANG="da_DK.UTF-8"))
    assert danish.exit_code == 0, danish.output
    assert "Opret konti, og tildel roller." in danish.output
    assert "Opret en konto til EMAIL." in danish.output  # a command's short help
    assert "Vis denne hjælp, og afslut." in danish.output
    assert "Create accounts" not in danish.output

    swedish = runner.invoke(args=["users", "create", "--help"],
                            env=terminal(NORDIALOG_LANGUAGE="sv", LANG="da_DK.UTF-8"))
    assert swedish.exit_code == 0, swedish.output
    assert "Skapa ett konto för EMAIL." in swedish.output
    assert "Personens namn så som andra ser det." in swedish.output  # an option's help
    english = runner.invoke(args=["users", "create", "--help"], env=terminal(LANG="C.UTF-8"))
    assert "The person's name as others see it." in english.output


def test_help_of_a_command_that_runs_without_the_app_in_norwegian():
    shown = CliRunner().invoke(db_cli, ["--help"], env=terminal(LANG="nb_NO.UTF-8"))
    assert shown.exit_code == 0, shown.output
    assert "Kjør databasens migreringer og se status for dem." in shown.output
    assert "Kjør alle migreringer som gjenstår" in shown.output
    restore = CliRunner().invoke(db_cli, ["restore", "--help"], env=terminal(LANG="nb_NO"))
    assert "Ikke spør om bekreftelse." in restore.output


def test_flask_help_lists_the_commands_in_the_terminals_language(app):
    """The real `flask --help`: the app's commands and the plugin commands in Danish."""
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "cli-test",
           "NORDIALOG_ENV": "test", "LANG": "da_DK.UTF-8"}
    for name in ("NORDIALOG_LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    shown = subprocess.run([sys.executable, "-m", "flask", "--help"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "Opret konti, og tildel roller." in shown.stdout
    assert "Kør databasens migreringer" in shown.stdout
    assert "Aftaler med overskredet frist" in shown.stdout


def test_a_bad_database_url_is_refused_in_norwegian():
    refused = CliRunner().invoke(db_cli, ["status"], env={
        **terminal(LANG="nb_NO.UTF-8"), "DATABASE_URL": "mysql://x/y", "SECRET_KEY": "x",
        "NORDIALOG_ENV": "test"})
    assert refused.exit_code == 1
    assert ("DATABASE_URL må begynne med sqlite:/// eller postgresql://, ikke mysql://."
            in refused.output)


def test_an_unmigrated_database_stops_the_start_in_swedish(tmp_path):
    @click.command()
    def start():
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "SECRET_KEY": "x"})

    refused = CliRunner().invoke(start, env=terminal(LC_ALL="sv_SE.UTF-8"))
    assert refused.exit_code == 1
    assert "har schemaversion (tom); migreringar som återstår: 0001" in refused.output
    assert "Kör `flask db upgrade` först." in refused.output


def test_a_missing_secret_key_in_production_in_danish(tmp_path, monkeypatch):
    for name in CLEAN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("NORDIALOG_ENV", "production")
    monkeypatch.setenv("LANG", "da_DK.UTF-8")
    with pytest.raises(StartupError) as failed:
        load_config(tmp_path)
    assert failed.value.for_operator() == (
        "SECRET_KEY skal være sat i miljøet, når NORDIALOG_ENV=production.")
