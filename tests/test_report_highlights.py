"""Highlights in data packages and summaries: per indicator, the change since the last period and
the school against its owner and its country, judged by the indicator's good direction, in the
reader's language with the reader's numbers."""

import pytest
from flask_babel import force_locale

from app.organisations.services import create_organisation
from app.reports.common import IndicatorPicture
from tests.factories import labels, make_owner, make_school


@pytest.fixture
def highlight_world(tx):
    owner = make_owner("Highby")
    school, second, third = (make_school(owner) for _ in range(3))
    far = make_school(make_owner("Farby"))
    agency = create_organisation(name="Styrelsen", kind="national_agency", country="DK",
                                 official_code="highlight-agency")

    def indicator(key, name, unit, direction, decimals=1):
        return tx.Indicator(key=key, labels=labels(name), unit=unit, direction=direction,
                            source="Test", min_group_size=5, decimals=decimals)

    reading = indicator("hl_reading", "Reading", "percent", "higher_is_better")
    absence = indicator("hl_absence", "Absence", "days", "lower_is_better")
    pupils = indicator("hl_pupils", "Pupils", "count", "neutral", decimals=0)
    wellbeing = indicator("hl_wellbeing", "Well-being", "score", "higher_is_better")
    rows = [  # (indicator, organisation, period, value, group size)
        # Reading went up (better); the owner's mean (72.5 + 60 + 65) / 3 = 65.8 is lower
        # (the school is better), the national figure 75 higher (the school is worse).
        (reading, school, "2023/24", 70.0, 40), (reading, school, "2024/25", 72.5, 40),
        (reading, second, "2024/25", 60.0, 40), (reading, third, "2024/25", 65.0, 40),
        (reading, agency, "2024/25", 75.0, 9000),
        # Absence went down: better, as fewer days absent are better. Owner's mean
        # (6.5 + 9 + 7) / 3 = 7.5 (more: the school is better); no national figure, so the
        # country is all units' mean (6.5 + 9 + 7 + 3) / 4 = 6.375 (the school is worse).
        (absence, school, "2023/24", 8.0, 40), (absence, school, "2024/25", 6.5, 40),
        (absence, second, "2024/25", 9.0, 40), (absence, third, "2024/25", 7.0, 40),
        (absence, far, "2024/25", 3.0, 40),
        # Pupils: neither direction is better; it rose. No one else to compare with.
        (pupils, school, "2023/24", 300, 300), (pupils, school, "2024/25", 310, 310),
        # Well-being: a single period, the same as the owner's own figure, and the
        # earlier value from too small a group is neither shown nor compared.
        (wellbeing, school, "2023/24", 1.0, 3), (wellbeing, school, "2024/25", 3.9, 40),
        (wellbeing, owner, "2024/25", 3.94, 400),
    ]
    for ind, organisation, period, value, size in rows:
        tx.Observation(organisation=organisation, indicator=ind, period=period, value=value,
                       group_size=size)
    return {"owner": owner, "school": school,
            "indicators": [reading, absence, pupils, wellbeing]}


EXPECTED = {
    "en": [
        "Reading improved from 70% in 2023/24 to 72.5% in 2024/25. That is better than "
        "{owner} (65.8%) and worse than Denmark (75%).",
        "Absence improved from 8.0 in 2023/24 to 6.5 in 2024/25. That is better than "
        "{owner} (7.5) and worse than Denmark (6.4).",
        "Pupils rose from 300 in 2023/24 to 310 in 2024/25.",
        "Well-being was 3.9 in 2024/25, the same as {owner} (3.9).",
    ],
    "da": [
        "Reading (da) er forbedret fra 70 % i 2023/24 til 72,5 % i 2024/25. Det er bedre end "
        "{owner} (65,8 %) og dårligere end Danmark (75 %).",
        "Absence (da) er forbedret fra 8,0 i 2023/24 til 6,5 i 2024/25. Det er bedre end "
        "{owner} (7,5) og dårligere end Danmark (6,4).",
        "Pupils (da) steg fra 300 i 2023/24 til 310 i 2024/25.",
        "Well-being (da) var 3,9 i 2024/25, det samme som {owner} (3,9).",
    ],
    "nb": [
        "Reading (nb) er forbedret fra 70 % i 2023/24 til 72,5 % i 2024/25. Det er bedre enn "
        "{owner} (65,8 %) og svakere enn Danmark (75 %).",
        "Absence (nb) er forbedret fra 8,0 i 2023/24 til 6,5 i 2024/25. Det er bedre enn "
        "{owner} (7,5) og svakere enn Danmark (6,4).",
        "Pupils (nb) steg fra 300 i 2023/24 til 310 i 2024/25.",
        "Well-being (nb) var 3,9 i 2024/25, det samme som {owner} (3,9).",
    ],
    "sv": [
        "Reading (sv) förbättrades från 70 % (2023/24) till 72,5 % (2024/25). Det är bättre än "
        "{owner} (65,8 %) och sämre än Danmark (75 %).",
        "Absence (sv) förbättrades från 8,0 (2023/24) till 6,5 (2024/25). Det är bättre än "
        "{owner} (7,5) och sämre än Danmark (6,4).",
        "Pupils (sv) steg från 300 (2023/24) till 310 (2024/25).",
        "Well-being (sv) låg på 3,9 (2024/25), samma som {owner} (3,9).",
    ],
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_highlights_judge_the_change_and_the_standing_in_the_readers_language(
        app, highlight_world, language):
    school, owner = highlight_world["school"], highlight_world["owner"]
    picture = IndicatorPicture(None, highlight_world["indicators"], public=True)
    with app.test_request_context(), force_locale(language):
        rows, _note = picture.rows(school)
        found = IndicatorPicture.highlights(rows, limit=10)
    expected = [text.format(owner=owner.name) for text in EXPECTED[language]]
    # Pupils changed most (by 10), then reading (2.5), absence (1.5); well-being has no change.
    expected = [expected[2], expected[0], expected[1], expected[3]]
    assert [" ".join(str(h).replace("\xa0", " ").split()) for h in found] == expected


def test_a_worse_value_is_called_worse_whichever_way_the_number_moved(app, tx):
    owner = make_owner("Turnby")
    school = make_school(owner)
    absence = tx.Indicator(key="hl_absence_up", labels=labels("Absence"), unit="days",
                           direction="lower_is_better", source="Test")
    reading = tx.Indicator(key="hl_reading_down", labels=labels("Reading"), unit="score",
                           direction="higher_is_better", source="Test")
    for indicator, before, after in ((absence, 5.0, 7.0), (reading, 50.0, 48.0)):
        tx.Observation(organisation=school, indicator=indicator, period="2023", value=before)
        tx.Observation(organisation=school, indicator=indicator, period="2024", value=after)
    picture = IndicatorPicture(None, [absence, reading], public=True)
    with app.test_request_context(), force_locale("en"):
        found = [str(h) for h in IndicatorPicture.highlights(picture.rows(school)[0])]
    assert found == ["Absence worsened from 5.0 in 2023 to 7.0 in 2024.",
                     "Reading worsened from 50.0 in 2023 to 48.0 in 2024."]
