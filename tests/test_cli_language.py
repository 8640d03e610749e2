"""Commands speak the operator's language: NORDIALOG_LANGUAGE, then the terminal's locale
(LC_ALL, LC_MESSAGES, LANG), then English; `flask work` speaks the person's own language."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from pony.orm import commit, db_session

from app.cli import db_cli
from app.i18n import terminal_language
from tests.conftest import fresh_database_url, postgres_admin_url, worker_id
from tests.factories import make_commitment, make_meeting
from tests.parties import build_parties

#: Only the variable under test decides: the machine running the tests may have its own.
CLEAN = {"NORDIALOG_LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


def terminal(**variables) -> dict:
    return {**CLEAN, **variables}


@pytest.mark.parametrize("environ,expected", [
    ({"LANG": "da_DK.UTF-8"}, "da"),
    ({"LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "no_NO"}, "nb"),
    ({"LANG": "nn_NO.UTF-8"}, "nb"),
    ({"LANG": "sv_FI.UTF-8"}, "sv"),
    ({"LANG": "da_DK@euro"}, "da"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "da_DK.UTF-8"}, "sv"),
    ({"LC_ALL": "C", "LANG": "da_DK.UTF-8"}, "en"),  # the operator asked for no translation
    ({"NORDIALOG_LANGUAGE": "no", "LC_ALL": "sv_SE.UTF-8"}, "nb"),
    ({"NORDIALOG_LANGUAGE": "xx", "LANG": "da_DK.UTF-8"}, "da"),
])
def test_the_terminal_language_follows_the_posix_order(environ, expected):
    assert terminal_language(environ) == expected


def test_overdue_and_carry_over_summaries_in_the_terminals_language(app, runner):
    with app.app_context(), db_session:
        make_commitment(title="Reading band", due_date=date(2026, 2, 20))
        make_commitment(title="Leadership plan", due_date=date(2026, 2, 25), confidential=True)
        commit()
    args = ["commitments", "overdue", "--as-of", "2026-03-02"]
    danish = runner.invoke(args=args, env=terminal(LANG="da_DK.UTF-8"))
    assert danish.exit_code == 0, danish.output
    assert "2 overskredet." in danish.stderr and "overdue" not in danish.stderr
    assert danish.stdout.splitlines()[1].endswith("[Fortroligt]")
    swedish = runner.invoke(args=args, env=terminal(LC_ALL="sv_SE.UTF-8", LANG="da_DK.UTF-8"))
    assert "2 försenade." in swedish.stderr
    english = runner.invoke(args=args, env=terminal(LANG="C.UTF-8"))
    assert "2 overdue." in english.stderr


def test_an_unknown_account_is_refused_in_the_terminals_language(app, runner):
    refused = runner.invoke(args=["work", "nobody@example.test"],
                            env=terminal(LANG="nb_NO.UTF-8"))
    assert refused.exit_code != 0
    assert "Det finnes ingen konto med e-postadressen nobody@example.test." in refused.output


def test_seed_summary_in_norwegian(app, runner):
    seeded = runner.invoke(args=["seed", "programmes"], env=terminal(LANG="no_NO"))
    assert seeded.exit_code == 0, seeded.output
    assert seeded.stdout.startswith("Programmer: ")
    assert "programmer: 5 opprettet, 0 oppdatert, 0 uendret" in seeded.stdout
    assert "trinn i årshjulet:" in seeded.stdout and "created" not in seeded.stdout


def test_work_speaks_the_persons_language_with_the_schools_local_time(app, runner):
    """The leader chose Swedish: the list is Swedish whatever the terminal says, and the
    meeting stands at Copenhagen's time, not at UTC."""
    starts = (datetime.now(UTC) + timedelta(days=7)).replace(hour=7, minute=0, second=0,
                                                               microsecond=0, tzinfo=None)
    with app.app_context(), db_session:
        parties = build_parties()
        parties.users["leader"].language = "sv"
        parties.users["office"].language = None
        parties.commitment(title="Late", due_date=date.today() - timedelta(days=3))
        make_meeting(parties.engagements["school"], starts_at=starts)
        zone = parties.orgs["school"].time_zone
        commit()
    local = starts.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    assert local.hour != starts.hour  # the test means something only where the zone differs

    leader = runner.invoke(args=["work", "leader@parties.test"],
                           env=terminal(LANG="da_DK.UTF-8"))
    assert leader.exit_code == 0, leader.output
    assert "Försenat: 1" in leader.stdout and "Att bekräfta: 0" in leader.stdout
    assert "Möten att förbereda: 1" in leader.stdout
    assert f"{local:%H:%M}" in leader.stdout and f"{starts:%H:%M}" not in leader.stdout
    assert "Overdue" not in leader.stdout

    # Without a setting of their own, the person reads the terminal's language.
    office = runner.invoke(args=["work", "office@parties.test"], env=terminal(LANG="nb_NO"))
    assert office.exit_code == 0, office.output
    assert "Forsinket: 0" in office.stdout


def test_token_states_in_the_terminals_language(app, runner):
    """Active, expired by its date, revoked by a person: each said in Danish, not as a code."""
    from app.accounts import services
    from app.common.model import utcnow

    with app.app_context(), db_session:
        user = services.create_user(email="tokens@example.test", name="Tove")
        services.issue_token(user, "Live")
        services.issue_token(user, "Old", expires_at=utcnow() - timedelta(days=1))
        services.revoke_token(services.issue_token(user, "Gone").token)
        commit()
    with app.app_context():  # as `flask` runs it
        listed = runner.invoke(args=["tokens", "list", "tokens@example.test"],
                               env=terminal(LANG="da_DK.UTF-8"))
    assert listed.exit_code == 0, listed.output
    states = [line.split("\t")[-1] for line in listed.stdout.splitlines()]
    assert states == ["aktiv", "udløbet", "tilbagekaldt"]


def test_outbox_states_and_kinds_in_the_terminals_language(app, runner):
    from app.notify import outbox

    with app.app_context(), db_session:
        outbox.enqueue(kind="digest", recipient="someone@example.test", language="sv",
                       subject="S", body="B", dedupe_key="cli-language")
        commit()
    status = runner.invoke(args=["reminders", "status"], env=terminal(LANG="sv_SE.UTF-8"))
    assert status.exit_code == 0, status.output
    counts, message = status.stdout.splitlines()[:2]
    assert counts == "I kö: 1  Skickat: 0  Misslyckades: 0  Överhoppat: 0"
    assert message.split("\t")[1:3] == ["I kö", "Veckosammanfattning"]


@pytest.fixture
def migrated_url(engine, tmp_path):
    if engine == "postgresql":
        postgres_admin_url()
    return fresh_database_url(engine, f"nordialog_cli_language_{worker_id()}", tmp_path)


def test_database_commands_speak_before_the_app_exists(migrated_url):
    """`flask db` runs without the app (the schema may not exist yet) and still translates."""
    runner = CliRunner()
    environment = {**terminal(LANG="da_DK.UTF-8"), "DATABASE_URL": migrated_url,
                   "SECRET_KEY": "cli-test", "NORDIALOG_ENV": "test"}
    applied = runner.invoke(db_cli, ["upgrade"], env=environment)
    assert applied.exit_code == 0, applied.output
    assert "migreringer kørt på" in applied.output
    again = runner.invoke(db_cli, ["upgrade"], env=environment)
    assert "er opdateret." in again.output
    status = runner.invoke(db_cli, ["status"], env={**environment, "LANG": "sv_SE.UTF-8"})
    assert "schemaversion: " in status.output and "återstår: inga" in status.output
