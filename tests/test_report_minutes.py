"""(a) Minutes in the programme's minutes template: Norddjurs' three theme levels, each theme as
focus area, background and current situation, and actions, the board's comments in their own
section; the public version (from the publication) leaves out everything confidential."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pony.orm import commit, db_session

from app.commitments.services import record_commitment
from app.engagements.services import start_engagement
from app.meetings.services import (
    add_agenda_item,
    agenda,
    approve_minutes,
    mark_held,
    plan_meeting,
    publish_minutes,
    write_minutes,
)
from app.seeding.programmes import load_programmes
from app.themes.services import choose_theme
from tests.factories import make_owner, make_school
from tests.sessions import sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"
LANGUAGES = ("da", "nb", "sv", "en")
READING = {"da": "Læsning", "nb": "Lesing", "sv": "Läsning", "en": "Reading"}
INCLUSION = {"da": "Inklusion og fællesskaber for alle", "nb": "Inkludering og fellesskap for alle",
             "sv": "Inkludering och gemenskap för alla", "en": "Inclusion and communities for all"}
LEVELS = {  # the template's sections, in the reader's language
    1: {"da": "Niveau 1: nationale og kommunale mål",
        "en": "Level 1: national and municipal goals",
        "nb": "Nivå 1: nasjonale og kommunale mål", "sv": "Nivå 1: nationella och kommunala mål"},
    2: {"da": "Niveau 2: fælles strategiske indsatser",
        "en": "Level 2: shared strategic initiatives",
        "nb": "Nivå 2: felles strategiske satsinger",
        "sv": "Nivå 2: gemensamma strategiska insatser"},
    3: {"da": "Niveau 3: enhedens egne strategiske indsatser",
        "en": "Level 3: the unit's own strategic initiatives",
        "nb": "Nivå 3: enhetens egne strategiske satsinger",
        "sv": "Nivå 3: enhetens egna strategiska insatser"},
}
BOARD = {"da": "Bemærkninger fra bestyrelse, medarbejdere og elevråd",
         "nb": "Kommentarer fra styret, de ansatte og elevrådet",
         "sv": "Synpunkter från styrelsen, medarbetarna och elevrådet",
         "en": "Comments from the board, staff and pupils' council"}
FOCUS = {"da": "Fokusområde", "nb": "Fokusområde", "sv": "Fokusområde", "en": "Focus area"}
SITUATION = {"da": "Baggrund og nuværende situation", "nb": "Bakgrunn og situasjonen nå",
             "sv": "Bakgrund och nuläge", "en": "Background and current situation"}
ACTIONS = {"da": "Indsatser", "nb": "Tiltak", "sv": "Insatser", "en": "Actions"}
SECRET = "HEMMELIG-INDSATS-51c2"


@pytest.fixture
def norddjurs_talk(app):
    """A Norddjurs development talk, held and published: reading chosen by the committee
    (level 1), inclusion by the administration (level 2); an agreement on each, a confidential
    one on reading, and the board's comments under an item of the board's own."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        load_programmes(SEED)
        school = make_school(make_owner("Norddjurs"))
        engagement = start_engagement(db.Programme.get(key="dk_norddjurs"), school,
                                      period="2025/26", starts_on=date(2025, 8, 1))
        meeting = plan_meeting(engagement, meeting_type="development_talk",
                               starts_at=datetime(2026, 3, 2, 8, 0), place="Skolen")
        reading, inclusion = db.Theme.get(key="reading"), db.Theme.get(key="inclusion")
        choose_theme(meeting, reading, party="political_committee",
                     background="Læsescoren i 3. klasse er faldet to år i træk.")
        choose_theme(meeting, inclusion, party="administration",
                     background="Flere elever skal trives i fællesskabet.")
        for title, theme, confidential in (("Daglig læsebånd", reading, False),
                                           (SECRET, reading, True),
                                           ("Makkerskab i frikvartererne", inclusion, False)):
            record_commitment(engagement, meeting=meeting, title=title, theme=theme,
                              actions=f"Handling: {title}", confidential=confidential,
                              due_date=date(2026, 6, 30), responsible_organisation=school)
        board = add_agenda_item(meeting, title="Bestyrelsens bemærkninger", party="school_board")
        mark_held(meeting, held_at=meeting.starts_at)
        write_minutes(board, "Bestyrelsen bakker op om læsebåndet.")
        write_minutes(next(i for i in agenda(meeting) if i.kind == "evaluation"),
                      "Sidste års indsatser er gennemgået.")
        approve_minutes(meeting)
        publish_minutes(meeting)
        admin = db.User.get(email="admin@example.test")
        if admin is None:
            from app.accounts.services import assign_role, create_user
            admin = create_user(email="admin@example.test", name="Admin",
                                password="correct horse battery", language="en")
            assign_role(admin, "administrator", None)
        commit()
        ids = {"meeting": meeting.id, "admin": admin.id}
    return ids


def sections(html: str) -> dict[str, str]:
    """Each section's body by its heading, tags removed."""
    found = {}
    for part in re.findall(r"<section>(.*?)</section>", html, flags=re.S):
        heading = re.search(r"<h2>(.*?)</h2>", part, flags=re.S)
        if heading:
            text = re.sub(r"<[^>]+>", " ", part)
            found[heading.group(1).replace("&#39;", "'")] = " ".join(text.split())
    return found


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
def test_minutes_follow_the_norddjurs_template_in_every_language(app, norddjurs_talk, public):
    client = app.test_client()
    if public:
        path = f"/public/reports/minutes/{norddjurs_talk['meeting']}"
    else:
        sign_in(client, norddjurs_talk["admin"])
        path = f"/reports/minutes/{norddjurs_talk['meeting']}"
    for language in LANGUAGES:
        response = client.get(path, query_string={"language": language})
        assert response.status_code == 200, (path, language)
        html = response.get_data(as_text=True).replace("&#39;", "'")
        found = sections(html)
        level_1, level_2 = found[LEVELS[1][language]], found[LEVELS[2][language]]
        # Reading under level 1 as focus area, with its situation as written and its actions.
        assert f"{FOCUS[language]}: {READING[language]}" in level_1
        assert SITUATION[language] in level_1 and ACTIONS[language] in level_1
        assert "Læsescoren i 3. klasse er faldet to år i træk." in level_1
        assert "Daglig læsebånd" in level_1 and "Handling: Daglig læsebånd" in level_1
        assert "Makkerskab" not in level_1 and INCLUSION[language] not in level_1
        # Inclusion under level 2, nothing under level 3 (the school chose no theme).
        assert f"{FOCUS[language]}: {INCLUSION[language]}" in level_2
        assert "Flere elever skal trives i fællesskabet." in level_2
        assert "Makkerskab i frikvartererne" in level_2 and "Daglig" not in level_2
        assert FOCUS[language] not in found[LEVELS[3][language]]
        # The board's comments in their own section, and not again under "Other items".
        assert "Bestyrelsen bakker op om læsebåndet." in found[BOARD[language]]
        assert html.count("Bestyrelsen bakker op om læsebåndet.") == 1
        if public:
            assert SECRET not in html and "Handling: " + SECRET not in html
        else:
            assert SECRET in level_1  # those allowed read it, marked as confidential
            assert {"da": "Fortroligt", "nb": "Fortrolig", "sv": "Konfidentiellt",
                    "en": "Confidential"}[language] in level_1
