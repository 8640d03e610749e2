"""Charts: a school against its owner and country, commitments, follow-up timeliness and the
year wheel; localized labels, suppression, content caching and access to the chart routes."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import matplotlib
import pytest
from flask_babel import force_locale
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app.charts import data
from app.charts.cache import ChartCache
from app.charts.render import DRAW, render
from app.charts.service import cache, draw
from app.charts.svg import PRESENTATION_ATTRIBUTES, declarations
from app.organisations.services import create_organisation
from tests.factories import labels, make_commitment, make_owner, make_school
from tests.sessions import sign_in

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


@pytest.fixture
def indicator_world(tx):
    owner = make_owner("Chartby")
    schools = [make_school(owner) for _ in range(3)]
    other_owner = make_owner("Elsewhere")
    far = make_school(other_owner)
    agency = create_organisation(name="Styrelsen", kind="national_agency", country="DK",
                                 official_code="chart-agency")
    indicator = tx.Indicator(key="chart_reading", labels=labels("Reading"), unit="percent",
                             direction="higher_is_better", source="Test", min_group_size=5)
    rows = [  # (organisation, period, value, group size)
        (schools[0], "2023/24", 70.5, 40), (schools[0], "2024/25", 71.5, 40),
        (schools[0], "2025/26", 90.0, 3),  # too small a group: suppressed everywhere
        (schools[1], "2023/24", 60.0, 40), (schools[1], "2024/25", 62.0, 40),
        (schools[2], "2024/25", 64.0, 40), (far, "2023/24", 50.0, 40),
        (far, "2024/25", 52.0, 40),
        (owner, "2023/24", 66.0, 400),   # the owner's official figure wins over the mean
        (agency, "2024/25", 58.0, 50000),
    ]
    for organisation, period, value, size in rows:
        tx.Observation(organisation=organisation, indicator=indicator, period=period,
                       value=value, group_size=size)
    return {"owner": owner, "schools": schools, "indicator": indicator}


def test_a_school_is_shown_against_its_owner_and_its_country(app, indicator_world):
    school, indicator = indicator_world["schools"][0], indicator_world["indicator"]
    spec = data.indicator_trend(school, indicator)
    assert spec["periods"] == ["2023/24", "2024/25", "2025/26"]
    own, owner, country = (s["values"] for s in spec["series"])
    assert own == [70.5, 71.5, None]            # 2025/26 suppressed (3 < 5)
    assert owner[0] == 66.0                     # the owner's own observation
    assert owner[1] == pytest.approx((71.5 + 62.0 + 64.0) / 3)  # else its schools' mean
    assert owner[2] is None                     # nothing publishable that year
    assert country[1] == 58.0                   # the national agency's figure
    assert country[0] == pytest.approx((70.5 + 60.0 + 50.0) / 3)  # else all units' mean
    assert "5" in spec["note"]


def test_chart_labels_and_numbers_are_in_the_readers_language(app, indicator_world):
    school, indicator = indicator_world["schools"][0], indicator_world["indicator"]
    with app.test_request_context(), force_locale("da"):
        danish = texts(draw("trend", data.indicator_trend(school, indicator)))
    with app.test_request_context(), force_locale("en"):
        english = texts(draw("trend", data.indicator_trend(school, indicator)))
    assert "71,5" in danish and "71.5" not in danish
    assert "71.5" in english
    assert "Reading (da)" in danish and "Reading" in english
    assert "Danmark" in danish and "Denmark" in english
    # The suppressed value is not drawn (the names carry a running number: not values).
    drawn = danish.replace("2025", "").replace(school.name, "").replace(
        indicator_world["owner"].name, "")
    assert "90" not in drawn


PLAIN_SPECS = {
    "trend": {"title": "Læsning", "periods": ["2024/25", "2025/26"], "percent": True,
              "series": [{"label": "Skole", "values": [70.0, 71.5]},
                         {"label": "Kommune", "values": [65.0, None]}], "note": "n < 5"},
    "stacked": {"title": "Status", "categories": ["Trivsel", "Læsning"],
                "stacks": [{"key": "agreed", "label": "Aftalt", "values": [1, 2]},
                           {"key": "at_risk", "label": "I fare", "values": [0, 1]}]},
    "year_wheel": {"title": "Årshjul", "months": [str(m) for m in range(1, 13)],
                   "current_month": 4, "legend": True,
                   "steps": [{"month": 4, "done": True, "month_name": "april",
                              "label": "Samtale"}]},
    "hbars": {"title": "Fravær", "categories": ["A", "B"], "values": [4.5, None],
              "references": [{"label": "Kommune", "value": 5.0}], "note": "n < 5"},
}


@pytest.mark.parametrize("kind", sorted(PLAIN_SPECS))
def test_svg_charts_carry_no_inline_css_and_keep_every_declaration(kind):
    """The pages' policy refuses inline CSS (style="..." and <style>): an SVG chart says the
    same with presentation attributes, every declaration matplotlib wrote kept as one."""
    svg = render(kind, PLAIN_SPECS[kind], "da").decode()
    assert not re.search(r"\sstyle=|<style", svg)
    root = ET.fromstring(svg)  # well-formed: no attribute written twice
    assert root.get("stroke-linecap") == "butt" and root.get("stroke-linejoin") == "round"
    fills = {element.get("fill") for element in root.iter()} - {None}
    assert "#ffffff" in fills and len(fills) > 2  # colours kept, not just the background
    # What matplotlib itself writes is all presentation attributes, so nothing is dropped.
    figure = Figure(figsize=(6.4, 3.2))
    FigureCanvasAgg(figure)
    DRAW[kind](figure, PLAIN_SPECS[kind], "da")
    raw = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(raw, format="svg")
    written = {name for css in re.findall(r'style="([^"]*)"', raw.getvalue())
               for name, _value in declarations(css)}
    assert written and written <= PRESENTATION_ATTRIBUTES, written - PRESENTATION_ATTRIBUTES


def test_commitments_and_timeliness_charts_count_by_theme_status_and_month(app, tx):
    first = make_commitment(title="A", follow_up_interval_days=30)
    make_commitment(first.engagement, title="B", status="proposed")
    with app.test_request_context(), force_locale("sv"):
        spec = data.commitments_by_status_and_theme(first.engagement.commitments)
        assert spec["categories"] == ["Inget tema"]
        assert {s["key"]: s["values"] for s in spec["stacks"]} == {"proposed": [1],
                                                                   "agreed": [1]}
        timely = data.follow_up_timeliness([first], date(2027, 1, 1))
        assert sum(sum(s["values"]) for s in timely["stacks"]) == 1  # one follow-up overdue
        svg = texts(draw("stacked", timely))
    assert "okt. 2025" in svg or "okt 2025" in svg  # the month it was expected, in Swedish


def test_the_year_wheel_names_months_in_the_readers_language(app, tx):
    from app.engagements.services import year_wheel
    commitment = make_commitment()
    engagement = commitment.engagement
    with app.test_request_context(), force_locale("nb"):
        spec = data.year_wheel(engagement, year_wheel(engagement), date(2026, 3, 1))
        svg = texts(draw("year_wheel", spec))
    assert "nov." in svg or "nov" in svg
    assert "november" in svg  # the legend lists each step with its month


def test_a_repeated_chart_comes_from_the_cache_quickly(app, indicator_world):
    school, indicator = indicator_world["schools"][0], indicator_world["indicator"]
    with app.test_request_context(), force_locale("da"):
        spec = data.indicator_trend(school, indicator)
        before = cache().misses
        first = draw("trend", spec, "png")
        again = draw("trend", spec, "png")
        assert cache().misses == before + 1
        assert again is first  # its speed is bench/reports_bench.py's to measure
        assert first.startswith(b"\x89PNG")
        # Another language is another chart.
        draw("trend", spec, "png", language="sv")
        assert cache().misses == before + 2


def test_the_disk_cache_keeps_charts_across_processes(tmp_path):
    spec = {"title": "T", "periods": ["2024"], "series": [{"label": "S", "values": [1.0]}]}
    calls = []

    def drawn():
        calls.append(1)
        return render("trend", spec, "en")

    ChartCache(directory=tmp_path).get_or_render("k" * 64, drawn)
    fresh = ChartCache(directory=tmp_path)
    assert fresh.get_or_render("k" * 64, drawn).startswith(b"<?xml")
    assert len(calls) == 1 and fresh.hits == 1


def _signed_in(app, world, person):
    client = app.test_client()
    sign_in(client, world.ids[person])
    return client


def test_confidential_indicator_charts_only_for_readers_allowed(app, world):
    leader = _signed_in(app, world, "leader_a1")
    board = _signed_in(app, world, "board_a1")
    path = f"/charts/organisations/{world.a1}/indicators/test_national_test.svg"
    shown = leader.get(path)
    assert shown.status_code == 200 and shown.mimetype == "image/svg+xml"
    assert b"987,7" in shown.data or b"987.7" in shown.data
    assert board.get(path).status_code == 404
    assert board.get(path.replace("test_national_test", "test_well_being")).status_code == 200
    assert app.test_client().get(path).status_code == 302  # to sign in


def test_inline_charts_escape_the_names_they_draw(app, tx):
    """Charts go into pages as SVG markup (the one Markup in the app): whatever a theme or a
    title holds is drawn as text, never as markup."""
    from app.charts.service import inline_svg

    first = make_commitment(title="A")
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    with app.test_request_context(), force_locale("da"):
        spec = data.commitments_by_status_and_theme(first.engagement.commitments)
        spec = spec | {"categories": [hostile], "title": hostile}
        svg = str(inline_svg("stacked", spec))
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed
