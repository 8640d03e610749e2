"""The reports a reader can choose, what each is about, and its address."""

from __future__ import annotations

from flask import url_for

from app.i18n import _l

#: report key -> (label, subject kind: meeting, owner, engagement or None)
REPORTS = {
    "minutes": (_l("Minutes"), "meeting"),
    "data_package": (_l("Data package for a meeting"), "meeting"),
    "owner_summary": (_l("Summary of a cycle's talks for the political committee"), "owner"),
    "quality": (_l("Annual quality report"), "owner"),
    "interim": (_l("Interim report"), "engagement"),
    "final": (_l("Final report"), "engagement"),
    "comparison": (_l("Comparison of the process across programmes, owners and countries"),
                   None),
}

FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "csv": "CSV", "xlsx": "XLSX"}


def report_url(report: str, subject_id: int | None, **args) -> str:
    args = {k: v for k, v in args.items() if v}
    if report == "minutes":
        return url_for("reports.minutes", meeting_id=subject_id, **args)
    if report == "data_package":
        return url_for("reports.data_package", meeting_id=subject_id, **args)
    if report == "owner_summary":
        return url_for("reports.owner_summary", organisation_id=subject_id, **args)
    if report == "quality":
        return url_for("reports.quality", organisation_id=subject_id, **args)
    if report in ("interim", "final"):
        return url_for("reports.agency", engagement_id=subject_id, kind=report, **args)
    return url_for("reports.comparison", **args)
