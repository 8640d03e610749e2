"""(c) The Norwegian annual quality report (kvalitets- og utviklingsmelding, tilstandsrapport).

The Education Act requires it to cover national test results, grades (grunnskolepoeng), the
learning environment from Elevundersøkelsen, and dropout (completion of upper secondary); to
these Nordialog adds the cycle's commitments and their follow-up. Each required content is
filled from the indicators whose key names it (``CONTENTS``), per school against the owner
and the country.
"""

from __future__ import annotations

from datetime import date

from app.charts import data as charts
from app.charts.service import ChartRef
from app.checks.rules import engagement_checks, warnings
from app.db import db
from app.i18n import _, _l, localized
from app.reports.common import IndicatorPicture, commitment_rows, value_text
from app.reports.cycle import cycle_commitments, cycle_engagements, the_programme
from app.reports.render import Report, Table

#: Required content -> (heading, parts of the indicator keys that report it).
CONTENTS = {
    "national_tests": (_l("National test results"), ("national_test",)),
    "grades": (_l("Grades"), ("grunnskolepoeng", "exam_grade", "meritvarde")),
    "learning_environment": (_l("Learning environment (pupil survey)"),
                             ("pupil_survey", "bullying", "skolenkaten", "well_being")),
    "dropout": (_l("Completion and dropout"), ("completion", "transition", "eligible")),
}


def _indicators(country: str, parts: tuple[str, ...]) -> list:
    found = db.Indicator.select(lambda i: i.country == country or i.country is None
                                ).order_by(lambda i: i.key)
    return [i for i in found if any(part in i.key for part in parts)]


def quality_report(principal, owner, period: str | None = None, *,
                   today: date | None = None) -> Report:
    today = today or date.today()
    period, engagements = cycle_engagements(principal, owner, period)
    units = sorted({e.organisation for e in engagements}, key=lambda u: u.name)
    if not units:
        units = sorted((u for u in owner.children), key=lambda u: u.name)
    picture = IndicatorPicture(principal, [])
    sections, table_rows, secret = [], [], False
    for key, (heading, parts) in CONTENTS.items():
        blocks = []
        for indicator in _indicators(owner.country, parts):
            if not charts.may_see_indicator(principal, indicator, owner):
                continue
            secret = secret or indicator.confidential
            values = picture.values(indicator, owner.country)
            owner_trend = charts.indicator_trend(owner, indicator, values=values)
            seen = sorted({p for u in units for p in values.by_org.get(u.id, {})})
            latest = seen[-1] if seen else None
            rows = []
            for unit in units:
                value = values.own(unit, latest, with_confidential=False) if latest else None
                rows.append({"name": unit.name, "value": value_text(indicator, value),
                             "suppressed": bool(latest and values.suppressed(unit, latest))})
                table_rows.append({_("Content"): str(heading),
                                   _("Indicator"): localized(indicator.labels),
                                   _("School"): unit.name, _("Period"): latest or "",
                                   _("Value"): value_text(indicator, value)})
            blocks.append({
                "name": localized(indicator.labels), "period": latest,
                "owner": value_text(indicator, values.owner_value(owner, latest)
                                    if latest else None),
                "country": value_text(indicator, values.country_value(latest)
                                      if latest else None),
                "rows": rows, "note": charts.suppression_note(indicator)
                if any(r["suppressed"] for r in rows) else None,
                "svg": ChartRef("trend", owner_trend) if owner_trend["periods"] else None,
            })
        sections.append({"key": key, "heading": str(heading), "blocks": blocks})
    commitments = cycle_commitments(principal, engagements)
    rows = commitment_rows(commitments, today)
    timeliness = (ChartRef("stacked", charts.follow_up_timeliness(commitments, today))
                  if commitments else None)
    columns = [_("Content"), _("Indicator"), _("School"), _("Period"), _("Value")]
    checks = [f"{e.organisation.name}: {warning}" for e in engagements
              for warning in warnings(engagement_checks(e, report="quality_report"))]
    return Report(
        template="quality.html", checks=checks,
        title=_("Quality and development report %(period)s", period=period),
        subtitle=owner.name, filename=f"quality-report-{owner.id}",
        confidential=secret or any(r["confidential"] for r in rows),
        context={"sections": sections, "commitments": rows, "timeliness": timeliness,
                 "period": period},
        table=Table(columns, table_rows), programme=the_programme(engagements),
    )
