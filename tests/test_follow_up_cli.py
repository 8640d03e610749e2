"""`flask commitments overdue|carry-over` and `flask work` in one transaction each."""

from datetime import date, timedelta

from pony.orm import commit, db_session

from app.commitments import acknowledgement as ack
from tests.factories import make_commitment, make_engagement, make_programme, make_school
from tests.parties import build_parties


def test_overdue_lists_open_commitments_past_their_date_without_confidential_titles(app, runner):
    with app.app_context(), db_session:
        late = make_commitment(title="Reading band", due_date=date(2026, 2, 20))
        make_commitment(title="Leadership plan", due_date=date(2026, 2, 25), confidential=True)
        make_commitment(title="Not yet", due_date=date(2026, 3, 10))
        commit()
        late_id = late.id
    result = runner.invoke(args=["commitments", "overdue", "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[0] == str(late_id)
    assert lines[0].split("\t")[2] == "10"
    assert lines[1].endswith("[Confidential]")
    assert "2 overdue." in result.stderr
    assert "Leadership plan" not in result.output


def test_carry_over_moves_the_open_ones_and_refuses_bad_input_plainly(app, runner):
    with app.app_context(), db_session:
        programme, school = make_programme(), make_school()
        last = make_engagement(programme, school, period="2024/25", starts_on=date(2024, 8, 1))
        current = make_engagement(programme, school, period="2025/26")
        make_commitment(last, title="Maths coach", due_date=date(2025, 5, 1))
        commit()
        ids = (str(last.id), str(current.id))
    refused = runner.invoke(args=["commitments", "carry-over", *ids])
    assert refused.exit_code != 0
    assert "due_date" in refused.output
    done = runner.invoke(args=["commitments", "carry-over", *ids, "--due-date", "2026-06-19"])
    assert done.exit_code == 0, done.output
    assert "2026-06-19\tMaths coach" in done.stdout and "1 carried over." in done.stderr
    with app.app_context(), db_session:
        events = app.extensions["nordialog.db"].AuditEntry.select(
            lambda e: e.entity == "Commitment" and e.channel == "cli")
        assert events.count() >= 2


def test_work_shows_a_persons_lists(app, runner):
    with app.app_context(), db_session:
        parties = build_parties()
        reported = parties.commitment(title="Reading band")
        ack.report_completion(parties.principal("leader"), reported, comment="Done")
        parties.commitment(title="Late", due_date=date.today() - timedelta(days=3))
        commit()
    office = runner.invoke(args=["work", "office@parties.test"])
    assert office.exit_code == 0, office.output
    assert "To acknowledge: 1" in office.stdout and "Overdue: 0" in office.stdout
    leader = runner.invoke(args=["work", "leader@parties.test"])
    assert "Overdue: 1" in leader.stdout and "To acknowledge: 0" in leader.stdout
    assert runner.invoke(args=["work", "nobody@parties.test"]).exit_code != 0
