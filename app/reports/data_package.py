"""The data package for a meeting: the programme's indicators for the unit, each with its
trend against the owner and the country, and short highlights; confidential items marked."""

from __future__ import annotations

from app.accounts.access import can
from app.charts import data as charts
from app.charts.service import ChartRef
from app.i18n import _, localized
from app.reports.common import IndicatorPicture
from app.reports.render import Report, Table
from app.web.formatting import local_datetime


def data_package(principal, meeting) -> Report:
    engagement = meeting.engagement
    unit = engagement.organisation
    indicators = [link.indicator for link in sorted(engagement.programme.indicators,
                                                    key=lambda i: i.position)]
    picture = IndicatorPicture(principal, indicators)
    rows, note = picture.rows(unit)
    with_confidential = any(r["confidential"] for r in rows)
    # A value recorded as confidential (on an indicator that is not) is drawn only for those
    # who may read confidential data of the school, as in the table.
    confidential_ok = can(principal, "read_confidential", unit)
    figures = []
    for row in rows:
        values = picture.values(row["indicator"], unit.country)
        spec = charts.indicator_trend(unit, row["indicator"], values=values,
                                      with_confidential=confidential_ok)
        figures.append({"name": row["name"], "confidential": row["confidential"],
                        "svg": ChartRef("trend", spec)})
    columns = [_("Indicator"), _("Period"), _("Value"), _("Change since last period"),
               _("School owner"), _("Country"), _("Confidential")]
    table = Table(columns, [dict(zip(columns, (r["name"], r["period"], r["value"], r["change"],
                                               r["owner"], r["country"],
                                               _("yes") if r["confidential"] else ""),
                                     strict=True)) for r in rows])
    name = meeting.title or localized(meeting.meeting_type.labels)
    return Report(
        template="data_package.html", title=_("Data package"),
        subtitle=f"{unit.name} · {name} · {local_datetime(meeting.starts_at, unit)}",
        filename=f"data-package-{meeting.id}", confidential=with_confidential,
        context={"rows": rows, "note": note, "figures": figures,
                 "highlights": IndicatorPicture.highlights(rows, limit=5)},
        table=table,
    )
