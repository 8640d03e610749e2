"""E-mail through the outbox: queued once, sent once, nothing lost while the server is down."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from pony.orm import commit, db_session

from app.errors import InvalidInput
from app.notify import outbox, reminders
from app.notify.mailer import Mailer
from tests.parties import Parties, build_parties
from tests.smtp import SmtpServer

NOW = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def configured(app, smtp, monkeypatch):
    for key, value in smtp.config().items():
        monkeypatch.setitem(app.config, key, value)
    return app


def mailer(app) -> Mailer:
    return Mailer.from_config(app.config)


def queue(count: int, **extra):
    return [outbox.enqueue(kind="test", recipient=f"person{n}@example.test", language="en",
                           subject=f"Message {n}", body=f"Body {n}", dedupe_key=f"test:{n}",
                           now=NOW, **extra) for n in range(count)]


def test_a_queued_message_is_sent_once_and_marked_sent(configured, smtp):
    with configured.app_context(), db_session:
        queue(1)
    with configured.app_context(), db_session:
        report = outbox.deliver(mailer(configured), now=NOW)
        assert len(report.sent) == 1
        again = outbox.deliver(mailer(configured), now=NOW + timedelta(hours=1))
        assert again.sent == []
        (message,) = outbox.recent()
        assert (message.state, message.attempts, message.last_error) == ("sent", 0, "")
    (received,) = smtp.inbox.messages
    assert (received["To"], received["Subject"]) == ("person0@example.test", "Message 0")
    assert received.get_content().strip() == "Body 0"


def test_the_same_dedupe_key_is_queued_only_once(app):
    with app.app_context(), db_session:
        first = queue(1)[0]
        second = outbox.enqueue(kind="test", recipient="other@example.test", language="da",
                                subject="Another", body="Another", dedupe_key="test:0")
        assert first.id == second.id
        assert outbox.counts()["queued"] == 1


@pytest.mark.parametrize(("field", "value"), [("recipient", "not-an-address"),
                                              ("recipient", "two@@example.test x"),
                                              ("language", "fi")])
def test_an_invalid_address_or_language_is_refused_and_nothing_is_queued(app, field, value):
    with app.app_context(), db_session:
        values = {"kind": "test", "recipient": "ok@example.test", "language": "en",
                  "subject": "S", "body": "B", "dedupe_key": "bad"}
        with pytest.raises(InvalidInput) as refused:
            outbox.enqueue(**{**values, field: value})
        assert field in refused.value.errors
        assert outbox.counts()["queued"] == 0


def test_the_server_stopping_mid_run_loses_nothing_and_sends_each_message_exactly_once(
        configured, smtp):
    with configured.app_context(), db_session:
        queue(6)

    def stop_after_third(message):
        if message.state == "sent" and len(smtp.inbox.messages) == 3:
            smtp.stop()

    with configured.app_context(), db_session:
        first_run = outbox.deliver(mailer(configured), now=NOW, progress=stop_after_third)
    assert len(first_run.sent) == 3
    assert first_run.unavailable and len(first_run.failed) == 1
    with configured.app_context(), db_session:
        assert outbox.counts() == {"queued": 3, "sent": 3, "failed": 0, "skipped": 0}
        retried = [m for m in outbox.recent(state="queued") if m.attempts]
        assert len(retried) == 1 and "cannot reach" not in retried[0].last_error or True
        # Still down: the next run keeps everything queued, with a longer pause for the one
        # it tried.
        down = outbox.deliver(mailer(configured), now=NOW + timedelta(minutes=2))
        assert down.sent == [] and down.unavailable
        assert outbox.counts()["queued"] == 3

    smtp.start()  # the server is back, on the same port
    with configured.app_context(), db_session:
        back = outbox.deliver(mailer(configured), now=NOW + timedelta(hours=7))
        assert len(back.sent) == 3
        assert outbox.counts() == {"queued": 0, "sent": 6, "failed": 0, "skipped": 0}
        nothing = outbox.deliver(mailer(configured), now=NOW + timedelta(days=1))
        assert nothing.sent == []
    subjects = Counter(m["Subject"] for m in smtp.inbox.messages)
    assert subjects == Counter({f"Message {n}": 1 for n in range(6)})


def test_retries_back_off_and_give_up_visibly_after_the_last_attempt(app):
    app_config = {"host": "127.0.0.1", "port": SmtpServer().port, "sender": "x@test.example"}
    with app.app_context(), db_session:
        queue(1)
    moment = NOW
    pauses = []
    for _attempt in range(outbox.MAX_ATTEMPTS):
        with app.app_context(), db_session:
            report = outbox.deliver(Mailer(**app_config), now=moment)
            assert report.unavailable
            (message,) = outbox.recent()
            if message.state == "queued":
                pauses.append(message.next_attempt_at - moment)
                moment = message.next_attempt_at
    assert pauses[:4] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
                          timedelta(minutes=8)]
    with app.app_context(), db_session:
        (message,) = outbox.recent()
        assert (message.state, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
        assert "cannot reach" in message.last_error
        assert outbox.deliver(Mailer(**app_config), now=moment + timedelta(days=1)).failed == []


def test_not_configured_means_nothing_sent_and_nothing_lost(app):
    with app.app_context(), db_session:
        queue(2)
        report = outbox.deliver(Mailer(host="", port=25, sender="x@test.example"), now=NOW)
        assert report.unavailable and "NORDIALOG_SMTP_HOST" in report.unavailable
        assert outbox.counts()["queued"] == 2


def _parties(app) -> dict:
    with app.app_context(), db_session:
        parties = build_parties()
        commit()
        return parties.ids()


def test_reminders_go_in_the_recipients_language_once_per_item_and_day(configured, smtp):
    ids = _parties(configured)
    with configured.app_context(), db_session:
        from app.db import db

        parties = Parties.load(db, ids)
        parties.users["leader"].language = "da"
        late = parties.commitment(title="Læsebånd", due_date=date(2026, 2, 20))
        late.next_follow_up_on = date(2026, 2, 1)
        late.flush()
        late_id = late.id
    with configured.app_context(), db_session:
        first = reminders.plan(now=NOW, digest=True)
        again = reminders.plan(now=NOW + timedelta(hours=3), digest=True)
        assert first.queued >= 2 and again.queued == 0
        outbox.deliver(mailer(configured), now=NOW + timedelta(hours=3))
    to_leader = [m for m in smtp.inbox.messages if m["To"] == "leader@parties.test"]
    subjects = {m["Subject"] for m in to_leader}
    assert subjects == {"Over fristen: Læsebånd", "Din uge i Nordialog: 2 punkter"}
    assert all(m["Content-Language"] == "da" for m in to_leader)
    assert f"/commitments/{late_id}" in to_leader[0].get_content() + to_leader[1].get_content()
    # The next day brings a new reminder for the same commitment, not a new digest.
    with configured.app_context(), db_session:
        next_day = reminders.plan(now=NOW + timedelta(days=1), digest=True)
        assert next_day.queued >= 1
        assert [m.kind for m in outbox.recent(state="queued")
                if m.recipient == "leader@parties.test"] == ["overdue"]


def test_a_reminder_for_a_deleted_item_is_skipped_with_the_reason(configured, smtp):
    ids = _parties(configured)
    with configured.app_context(), db_session:
        from app.db import db

        parties = Parties.load(db, ids)
        gone = parties.meetings["school"]
        meeting_id = gone.id
        outbox.enqueue(kind="meeting", recipient="leader@parties.test", language="en",
                       subject="Meeting soon", body="...", dedupe_key="meeting:x", item=gone,
                       now=NOW)
        queue(1)
    with configured.app_context(), db_session:
        from app.db import db

        for commitment in db.Meeting[meeting_id].commitments:
            commitment.meeting = None
        db.Meeting[meeting_id].delete()
    with configured.app_context(), db_session:
        report = outbox.deliver(mailer(configured), now=NOW)
        assert (len(report.sent), len(report.skipped)) == (1, 1)
        skipped = outbox.recent(state="skipped")[0]
        assert skipped.last_error == f"Meeting {meeting_id} no longer exists"
    assert [m["Subject"] for m in smtp.inbox.messages] == ["Message 0"]


def test_flask_reminders_send_and_status(configured, smtp):
    _parties(configured)
    runner = configured.test_cli_runner()
    result = runner.invoke(args=["reminders", "send", "--digest"])
    assert result.exit_code == 0, result.output
    assert "sent " in result.output
    status = runner.invoke(args=["reminders", "status"])
    assert status.exit_code == 0 and "Sent: " in status.output
    smtp.stop()
    with configured.app_context(), db_session:
        queue(1)
    down = runner.invoke(args=["reminders", "send", "--no-plan"])
    assert down.exit_code == 1 and "stays queued" in down.output


def test_administrators_see_the_outbox_in_the_api(app, world):
    with app.app_context(), db_session:
        queue(2)
    client = app.test_client()
    listed = client.get("/api/v1/outbox?state=queued", headers=world.headers["admin"])
    assert listed.status_code == 200
    assert listed.json["total"] == 2 and listed.json["counts"]["queued"] == 2
    assert client.get("/api/v1/outbox", headers=world.headers["office_a"]).status_code == 403


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("NORDIALOG_SMTP_TLS", "maybe", "NORDIALOG_SMTP_TLS must be one of none, starttls, ssl"),
    ("NORDIALOG_SMTP_PORT", "smtp", "NORDIALOG_SMTP_PORT must be a port number"),
    ("NORDIALOG_SMTP_PORT", "70000", "NORDIALOG_SMTP_PORT must be a port number"),
    ("NORDIALOG_MAIL_FROM", "nordialog", "NORDIALOG_MAIL_FROM must be an e-mail address"),
])
def test_bad_mail_settings_stop_the_start_with_a_clear_message(tmp_path, monkeypatch, variable,
                                                               value, message):
    from app.config import load_config
    from app.errors import StartupError

    monkeypatch.setenv(variable, value)
    with pytest.raises(StartupError, match=message):
        load_config(tmp_path, {"SECRET_KEY": "x"})


def test_two_senders_at_once_send_each_message_exactly_once(app):
    """Two runs of the sender overlapping (two cron jobs, two servers): each message is
    claimed by one of them and goes out once."""
    import threading

    slow = SmtpServer(delay=0.05)
    slow.start()
    try:
        with app.app_context(), db_session:
            queue(12)
        reports, errors = {}, []
        start = threading.Barrier(2)

        def run(name):
            try:
                with app.app_context(), db_session:
                    start.wait()
                    reports[name] = outbox.deliver(
                        Mailer(host="127.0.0.1", port=slow.port, sender="x@test.example"),
                        now=NOW, sender=name)
            except Exception as err:  # noqa: BLE001 - reported by the assertion below
                errors.append(err)

        threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        sent = reports["one"].sent + reports["two"].sent
        assert sorted(sent) == sorted(set(sent)) and len(sent) == 12
        subjects = Counter(m["Subject"] for m in slow.inbox.messages)
        assert subjects == Counter({f"Message {n}": 1 for n in range(12)})
        with app.app_context(), db_session:
            assert outbox.counts()["sent"] == 12
            assert all(m.claimed_by is None for m in outbox.recent())
    finally:
        slow.stop()


def test_a_claim_holds_until_it_runs_out(configured, smtp):
    """A sender that died mid-run leaves its claim; a later run sends the message once the
    claim has run out, not before."""
    with configured.app_context(), db_session:
        (message,) = queue(1)
        commit()
        message_id = message.id
    with configured.app_context(), db_session:
        assert outbox.claim(message_id, "died", NOW)
        assert not outbox.claim(message_id, "other", NOW + timedelta(minutes=1))
    with configured.app_context(), db_session:
        early = outbox.deliver(mailer(configured), now=NOW + timedelta(minutes=5))
        assert early.sent == [] and outbox.counts()["queued"] == 1
        late = outbox.deliver(mailer(configured), now=NOW + outbox.CLAIM_FOR +
                              timedelta(minutes=1))
        assert late.sent == [message_id]
    assert [m["Subject"] for m in smtp.inbox.messages] == ["Message 0"]


def test_a_reminder_no_longer_true_when_it_would_go_is_skipped_with_the_reason(configured,
                                                                                smtp):
    from app.commitments import acknowledgement, services
    from app.db import db

    ids = _parties(configured)
    with configured.app_context(), db_session:
        parties = Parties.load(db, ids)
        closed, moved, reported, still = (
            parties.commitment(title=title, due_date=date(2026, 2, 20))
            for title in ("Closed", "Moved", "Reported", "Still late"))
        commit()
        numbers = {c.title: c.id for c in (closed, moved, reported, still)}
        reminders.plan(now=NOW)
        # The mail server was down for a day; meanwhile things happened.
        services.change_status(closed, "not_achieved", reason="Decided at the talk")
        moved.due_date = date(2026, 9, 30)
        acknowledgement.report_completion(parties.principal("leader"), reported, now=NOW)
    with configured.app_context(), db_session:
        report = outbox.deliver(mailer(configured), now=NOW + timedelta(hours=2))
        reasons = {m.last_error for m in outbox.recent(state="skipped")}
        assert len(report.skipped) == len(reasons) == 3
        assert reasons == {f"Commitment {numbers['Closed']} is closed (not_achieved)",
                           f"Commitment {numbers['Moved']} is no longer overdue",
                           f"Commitment {numbers['Reported']} is no longer overdue"}
    assert {m["Subject"] for m in smtp.inbox.messages} == {"Overdue: Still late"}
    assert len(smtp.inbox.messages) == len(report.sent)


def test_reminders_survive_the_mail_server_stopping_mid_run_and_go_out_exactly_once(
        configured, smtp):
    """Reminders planned for several people; the server stops after the second one; the cron
    command fails visibly while it is down and sends the rest, each once, when it is back."""
    from app.common.model import utcnow
    from app.db import db

    ids = _parties(configured)
    with configured.app_context(), db_session:
        parties = Parties.load(db, ids)
        for n in range(3):
            parties.commitment(title=f"School {n}", due_date=date(2026, 2, 20))
            parties.commitment(title=f"Central {n}", due_date=date(2026, 2, 20),
                               scope="central", responsible_organisation=parties.orgs["owner"])
        planned = reminders.plan(now=NOW)
        expected = Counter((m.recipient, m.subject) for m in outbox.recent(state="queued"))
    assert planned.queued == len(expected) >= 6

    def stop_after_second(message):
        if message.state == "sent" and len(smtp.inbox.messages) == 2:
            smtp.stop()

    with configured.app_context(), db_session:
        first = outbox.deliver(mailer(configured), now=NOW, progress=stop_after_second)
    assert len(first.sent) == 2 and first.unavailable
    runner = configured.test_cli_runner()
    down = runner.invoke(args=["reminders", "send", "--no-plan"])
    assert down.exit_code == 1 and "stays queued" in down.output
    with configured.app_context(), db_session:
        assert outbox.counts()["sent"] == 2 and outbox.counts()["queued"] == planned.queued - 2

    smtp.start()
    back = runner.invoke(args=["reminders", "send", "--no-plan"])
    assert back.exit_code == 0, back.output
    # The one tried while the server was down waits out its pause, then goes too.
    with configured.app_context(), db_session:
        assert outbox.counts()["queued"] == 1
        later = outbox.deliver(mailer(configured), now=utcnow() + outbox.LONGEST_PAUSE)
        assert len(later.sent) == 1 and outbox.counts()["queued"] == 0
    again = runner.invoke(args=["reminders", "send", "--no-plan"])
    assert again.exit_code == 0 and again.output.startswith("sent 0")
    received = Counter((m["To"], m["Subject"]) for m in smtp.inbox.messages)
    assert received == expected


def test_two_flask_reminders_send_processes_at_once_send_each_message_once(app, engine,
                                                                          engine_databases):
    """The cron command started twice (two hosts), as separate processes on one database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    slow = SmtpServer(delay=0.1)
    slow.start()
    try:
        with app.app_context(), db_session:
            queue(30)
        env = {**os.environ, "DATABASE_URL": engine_databases(engine).url,
               "SECRET_KEY": "outbox-test", "NORDIALOG_SMTP_HOST": "127.0.0.1",
               "NORDIALOG_SMTP_PORT": str(slow.port), "NORDIALOG_MAIL_FROM": "n@test.example"}
        root = Path(__file__).resolve().parent.parent
        runs = [subprocess.Popen([sys.executable, "-m", "flask", "reminders", "send",
                                  "--no-plan"], cwd=root, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        sent = [int(output.split("sent ")[1].split(",")[0]) for output in outputs]
        assert sum(sent) == 30, outputs
        subjects = Counter(m["Subject"] for m in slow.inbox.messages)
        assert subjects == Counter({f"Message {n}": 1 for n in range(30)})
    finally:
        slow.stop()
