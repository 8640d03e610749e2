"""Loading seed/: the programmes, their idempotence, the demo, and refusing bad files."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from pony.orm import count, db_session, select

from app.commitments.status import STATUSES
from app.seeding.demo import load_demo
from app.seeding.files import SeedError
from app.seeding.programmes import load_programmes

SEED = Path(__file__).resolve().parent.parent / "seed"


def versions(db) -> int:
    """A fingerprint of every row's version: unchanged iff nothing was updated or added."""
    total = 0
    for entity in (db.Programme, db.ProgrammePhase, db.MeetingType, db.AgendaTemplateItem,
                   db.MinutesSection, db.YearWheelTemplateStep, db.ProgrammeTheme,
                   db.ProgrammeIndicator, db.Theme, db.Indicator, db.Organisation):
        total += sum(row.version for row in entity.select()) + 1000 * count(entity.select())
    return total


def test_the_three_practices_load_as_programmes(tx):
    db = tx
    report = load_programmes(SEED)
    assert report.created["programmes"] == 5
    keys = set(select(p.key for p in db.Programme))
    assert keys == {"dk_skoleudviklingssamtale", "dk_ringsted", "dk_norddjurs",
                    "no_stavanger_dialogmote", "se_skoldialogen"}
    for programme in db.Programme.select():
        for labels in [programme.labels] + [p.labels for p in programme.phases]:
            assert set(labels) == {"en", "da", "nb", "sv"} and all(labels.values())


def test_stevns_agenda_and_svendborg_year_wheel(tx):
    db = tx
    load_programmes(SEED)
    talk = db.Programme.get(key="dk_skoleudviklingssamtale")
    [main] = [m for m in talk.meeting_types if m.position == 1]
    agenda = sorted(main.agenda_items, key=lambda i: i.position)
    assert agenda[0].kind == "evaluation" and agenda[0].duration_minutes == 15
    assert agenda[-1].kind == "agreements" and agenda[-1].duration_minutes == 15
    parties = {item.party for item in agenda}
    assert {"school", "political_committee", "administration", "ministry"} <= parties
    months = [step.month for step in sorted(talk.year_wheel, key=lambda s: s.position)]
    assert months[0] == 11 and {4, 5, 6} & set(months)
    required = {(r.theme.key, r.party) for r in talk.required_themes}
    assert {"reading", "mathematics"} <= {theme for theme, _party in required}


def test_the_variants_stavanger_and_skoldialogen(tx):
    db = tx
    load_programmes(SEED)
    ringsted = db.Programme.get(key="dk_ringsted")
    assert any(m.confidential for m in ringsted.meeting_types)
    assert any(m.per_year == 6 for m in ringsted.meeting_types)
    assert "daycare_unit" in db.Programme.get(key="dk_norddjurs").participant_kinds
    stavanger = db.Programme.get(key="no_stavanger_dialogmote")
    assert "forpliktende" in stavanger.commitment_terms["nb"]
    contents = {c for report in stavanger.reports for c in report["required_contents"]}
    assert {"national_tests", "grades", "learning_environment", "dropout"} <= contents
    skoldialogen = db.Programme.get(key="se_skoldialogen")
    assert skoldialogen.run_by.name == "Skolverket"
    assert skoldialogen.participant_kinds == ["school_owner"]
    assert 24 <= skoldialogen.duration_months <= 36
    assert len(skoldialogen.phases) >= 8


def test_loading_again_changes_nothing(tx):
    db = tx
    load_programmes(SEED)
    before = versions(db)
    again = load_programmes(SEED)
    assert not again.changed
    assert versions(db) == before


def test_demo_has_every_status_overdue_items_and_years_of_data(tx):
    db = tx
    load_programmes(SEED)
    report = load_demo(SEED)
    assert report.created["owners"] == 6
    owners = db.Organisation.select(lambda o: o.kind == "school_owner")
    assert {o.country for o in owners} == {"DK", "NO", "SE"}
    assert all(o.is_demo for o in db.Organisation.select(lambda o: o.kind != "national_agency"))
    statuses = set(select(c.status for c in db.Commitment))
    assert statuses == set(STATUSES)
    today = date.today()
    overdue = select(c for c in db.Commitment if c.status in ("agreed", "in_progress", "at_risk")
                     and c.due_date < today).count()
    assert overdue >= 3
    meeting_statuses = set(select(m.status for m in db.Meeting))
    assert {"planned", "published", "minutes_drafted"} <= meeting_statuses
    assert db.MinutesPublication.select().count() > 0
    assert db.FollowUp.select().count() > 20
    periods = set(select(o.period for o in db.Observation))
    assert len(periods) == 5
    phases = set(select(e.current_phase.key for e in db.Engagement if e.status == "active"))
    assert len(phases) >= 3, "engagements stand in different phases"
    # Each country's office (or agency) has a completion to acknowledge.
    waiting = select(p for p in db.CommitmentProposal if p.state == "pending")[:]
    assert {p.commitment.engagement.organisation.country for p in waiting} == {"DK", "NO", "SE"}
    assert all(p.proposed_by.email.endswith(".demo") for p in waiting)


def test_demo_loads_once(tx):
    db = tx
    load_programmes(SEED)
    load_demo(SEED)
    counted = (db.Organisation.select().count(), db.Commitment.select().count(),
               db.Observation.select().count())
    again = load_demo(SEED)
    assert again.unchanged["owners"] == 6 and not again.changed
    assert (db.Organisation.select().count(), db.Commitment.select().count(),
            db.Observation.select().count()) == counted


# --- bad files ------------------------------------------------------------------------------

@pytest.fixture
def seed_copy(tmp_path):
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def refused(seed_dir: Path) -> str:
    with pytest.raises(SeedError) as error:
        load_programmes(seed_dir)
    return str(error.value)


def test_a_duplicate_key_names_file_and_line(tx, seed_copy):
    ringsted = seed_copy / "programmes" / "dk_ringsted.toml"
    edit(ringsted, 'cadence = "', 'country = "DK"\ncadence = "')
    message = refused(seed_copy)
    assert "dk_ringsted.toml" in message and "line" in message


def test_a_missing_translation_names_the_place(tx, seed_copy):
    path = seed_copy / "themes.toml"
    text = path.read_text()
    start = text.index("[[themes]]")
    first_sv = text.index(", sv = ", start)
    end = text.index("}", first_sv)
    path.write_text(text[:first_sv] + text[end:])
    message = refused(seed_copy)
    assert "themes.toml" in message
    assert "themes #1" in message and "> sv" in message
    assert "Missing data for required field" in message


def test_an_unknown_phase_is_refused(tx, seed_copy):
    path = seed_copy / "programmes" / "se_skoldialogen.toml"
    text = path.read_text()
    start = text.index("[[meeting_types]]")
    phase_at = text.index('phase = "', start)
    end = text.index("\n", phase_at)
    path.write_text(text[:phase_at] + 'phase = "no_such_phase"' + text[end:])
    message = refused(seed_copy)
    assert "se_skoldialogen.toml" in message and "Unknown phase 'no_such_phase'" in message


def test_a_wrong_type_is_refused(tx, seed_copy):
    path = seed_copy / "programmes" / "no_stavanger_dialogmote.toml"
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("duration_months"))
    path.write_text(text.replace(line, 'duration_months = "twelve"'))
    message = refused(seed_copy)
    assert "no_stavanger_dialogmote.toml: duration_months: Not a valid integer." in message


def test_unknown_references_and_fields_are_refused(tx, seed_copy):
    path = seed_copy / "programmes" / "dk_skoleudviklingssamtale.toml"
    edit(path, "[[required_themes]]\ntheme = \"", "[[required_themes]]\ntheme = \"astrology_")
    norddjurs = seed_copy / "programmes" / "dk_norddjurs.toml"
    edit(norddjurs, 'cadence = "', 'colour = "blue"\ncadence = "')
    message = refused(seed_copy)
    assert "unknown theme 'astrology_" in message
    assert "dk_norddjurs.toml: colour: Unknown field." in message


def test_a_bad_file_writes_nothing(tx, seed_copy):
    db = tx
    (seed_copy / "programmes" / "dk_ringsted.toml").write_text('key = "broken"\n')
    refused(seed_copy)
    assert db.Programme.select().count() == 0
    assert db.Theme.select().count() == 0
    load_programmes(SEED)
    before = versions(db)
    refused(seed_copy)
    assert versions(db) == before


def test_removing_a_phase_that_is_in_use_is_refused(app, seed_copy):
    from tests.factories import make_engagement, make_school

    with app.app_context(), db_session:
        load_programmes(SEED)
        db = app.extensions["nordialog.db"]
        programme = db.Programme.get(key="dk_skoleudviklingssamtale")
        make_engagement(programme, make_school())
        first = min(programme.phases, key=lambda p: p.position).key
    path = seed_copy / "programmes" / "dk_skoleudviklingssamtale.toml"
    text = path.read_text()
    start = text.index(f'key = "{first}"')
    block_start = text.rindex("[[phases]]", 0, start)
    block_end = text.index("[[phases]]", start)
    text = text[:block_start] + text[block_end:]
    path.write_text(text.replace(f'phase = "{first}"\n', ""))
    with app.app_context(), db_session:
        with pytest.raises(SeedError, match="in use"):
            load_programmes(seed_copy)
