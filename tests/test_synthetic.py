"""The synthetic national dataset: reproducible by seed, the sizes asked for, the model's
invariants kept although the rows are written in bulk."""

from __future__ import annotations

from datetime import date

from pony.orm import count, db_session, select

from app.organisations.services import create_organisation
from app.seeding.synthetic import Plan

TODAY = "2026-11-23"


def load(runner, *args: str):
    result = runner.invoke(args=["seed", "synthetic", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return result


def fingerprint(db) -> tuple:
    """Every synthetic row's content (ids included: the databases start empty)."""
    return (
        tuple(select((o.id, o.name, o.official_code, o.path) for o in db.Organisation)
              .order_by(1)),
        tuple(select((c.id, c.title, c.due_date, c.status, c.progress, c.version,
                      c.responsible_organisation.id, c.next_follow_up_on) for c in db.Commitment)
              .order_by(1)),
        tuple(select((f.id, f.commitment.id, f.occurred_on, f.progress) for f in db.FollowUp)
              .order_by(1)),
        tuple(select((o.id, o.value, o.period) for o in db.Observation).order_by(1)),
    )


def test_the_same_seed_builds_the_same_dataset_and_another_seed_another(
        app, runner, engine, engine_databases):
    load(runner, "--schools", "30", "--years", "3", "--seed", "7")
    with app.app_context(), db_session:
        first = fingerprint(app.extensions["nordialog.db"])
    engine_databases(engine).reset()
    load(runner, "--schools", "30", "--years", "3", "--seed", "7")
    with app.app_context(), db_session:
        assert fingerprint(app.extensions["nordialog.db"]) == first
    engine_databases(engine).reset()
    load(runner, "--schools", "30", "--years", "3", "--seed", "8")
    with app.app_context(), db_session:
        assert fingerprint(app.extensions["nordialog.db"]) != first


def test_sizes_follow_the_national_proportions(app, runner):
    result = load(runner, "--schools", "60", "--years", "4", "--seed", "3")
    assert "Synthetic dataset (seed 3, 60 schools, 4 school years)" in result.output
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        schools = {c: count(o for o in db.Organisation if o.kind == "school" and o.country == c)
                   for c in ("DK", "NO", "SE")}
        assert schools == {"DK": 8, "NO": 17, "SE": 35}
        owners = count(o for o in db.Organisation if o.kind == "school_owner")
        assert 3 <= owners <= 9
        assert count(o for o in db.Organisation if o.kind == "national_agency") == 3
        # Danish and Norwegian schools: one engagement per school year in their programme.
        for country in ("DK", "NO"):
            assert count(e for e in db.Engagement
                         if e.organisation.country == country) == schools[country] * 4
        # About five commitments per school and held talk, about four follow-ups each.
        commitments = count(c for c in db.Commitment)
        assert 60 * 3 * 5 <= commitments <= 60 * 4 * 5
        assert 3 * commitments <= count(f for f in db.FollowUp) <= 5 * commitments
        per_school = count(o for o in db.Observation if o.organisation.kind == "school")
        assert per_school == sum(schools[c] * 4 * n for c, n in
                                 (("DK", 8), ("NO", 8), ("SE", 5)))


def test_bulk_rows_keep_the_model_invariants(app, runner):
    load(runner, "--schools", "20", "--years", "3", "--seed", "5")
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        for commitment in db.Commitment.select():
            kinds = [e.kind for e in sorted(commitment.events, key=lambda e: e.occurred_at)]
            assert kinds[0] == "created"
            assert kinds.count("follow_up") == commitment.follow_ups.count()
            closed = commitment.status not in ("agreed", "in_progress", "at_risk")
            # Each follow-up and the closing were one saved change each.
            assert commitment.version == 1 + commitment.follow_ups.count() + closed
            assert commitment.created_at <= commitment.updated_at
            assert (commitment.next_follow_up_on is None) == closed
        for engagement in db.Engagement.select():
            assert engagement.transitions.count() >= 1
            assert engagement.year_wheel.count() >= 1
        for organisation in db.Organisation.select(lambda o: o.kind == "school"):
            assert organisation.path == f"{organisation.parent.path}{organisation.id}/"
        audit = db.AuditEntry.select(lambda a: a.action == "import").first()
        assert audit is not None and "seed 5" in audit.summary
        # New records continue after the bulk ids (PostgreSQL's sequences were moved on).
        created = create_organisation(name="Ny skole", kind="school", country="DK")
        assert created.id > max(select(o.id for o in db.Organisation if o.id != created.id))


def test_loading_the_same_seed_twice_is_refused_without_writing(app, runner):
    load(runner, "--schools", "5", "--years", "1", "--seed", "9")
    with app.app_context(), db_session:
        before = count(c for c in app.extensions["nordialog.db"].Commitment)
    result = runner.invoke(args=["seed", "synthetic", "--schools", "5", "--years", "1",
                                 "--seed", "9", "--today", TODAY])
    assert result.exit_code != 0
    assert "already loaded" in result.output
    with app.app_context(), db_session:
        assert count(c for c in app.extensions["nordialog.db"].Commitment) == before


def test_full_size_plan_is_the_three_countries():
    plan = Plan.make(8150, 10, 1, date(2026, 11, 23))
    by_country = {c: sum(o.schools for o in plan.owners if o.country == c)
                  for c in ("DK", "NO", "SE")}
    assert by_country == {"DK": 1070, "NO": 2280, "SE": 4800}
    assert len(plan.owners) == 750
