"""/api/v1/commitments and /api/v1/follow-ups, with bulk export and import."""

from __future__ import annotations

from flask import Response, g, stream_with_context
from pony.orm import db_session, desc, rollback, select

from app.accounts.access import Principal, visible_commitments, visible_follow_ups
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    fetch,
    idempotent,
    page_of,
    require_if_match,
    signed_in,
    with_etag,
)
from app.commitments import acknowledgement, bulk, schemas, services, tracking
from app.common.refs import page_schema
from app.common.spreadsheets import iter_csv, read_table, write_xlsx
from app.db import db
from app.engagements.services import get_engagement
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.indicators.services import get_indicator
from app.meetings.services import get_meeting
from app.organisations.services import get_organisation

blp = ApiBlueprint("Commitments", __name__, url_prefix="/api/v1",
                   description="Commitments, their history and follow-ups, and bulk files.")

ORDER = {
    "due_date": lambda c: (c.due_date, c.id),
    "-due_date": lambda c: (desc(c.due_date), desc(c.id)),
    "title": lambda c: (c.title, c.id),
    "status": lambda c: (c.status, c.due_date, c.id),
    "created_at": lambda c: (c.created_at, c.id),
    "-created_at": lambda c: (desc(c.created_at), desc(c.id)),
    "updated_at": lambda c: (c.updated_at, c.id),
    "-updated_at": lambda c: (desc(c.updated_at), desc(c.id)),
}


#: Filters on where a commitment stands today, each in its organisation's own time zone.
TRACKING_FILTERS = {
    "overdue": tracking.overdue_filter,
    "at_risk": tracking.at_risk_filter,
    "follow_up_due": tracking.follow_up_due_filter,
    "awaiting_acknowledgement": tracking.awaiting_acknowledgement_filter,
}


def filtered_commitments(principal: Principal, filters: dict):
    """The caller's commitments narrowed by the list filters (also used by exports)."""
    query = visible_commitments(principal)
    if filters.get("status"):
        statuses = tuple(filters["status"])
        query = query.filter(lambda c: c.status in statuses)
    if filters.get("theme"):
        theme = filters["theme"]
        query = query.filter(lambda c: c.theme.key == theme)
    for name, expression in (
        ("organisation", lambda value: lambda c: c.engagement.organisation.id == value),
        ("responsible", lambda value: lambda c: c.responsible_organisation.id == value),
        ("programme", lambda value: lambda c: c.engagement.programme.id == value),
        ("engagement", lambda value: lambda c: c.engagement.id == value),
        ("meeting", lambda value: lambda c: c.meeting.id == value),
        ("country", lambda value: lambda c: c.engagement.organisation.country == value),
        ("period", lambda value: lambda c: c.engagement.period == value),
        ("due_before", lambda value: lambda c: c.due_date < value),
        ("due_after", lambda value: lambda c: c.due_date > value),
    ):
        if filters.get(name) is not None:
            query = query.filter(expression(filters[name]))
    if filters.get("within"):
        prefix = fetch(get_organisation, filters["within"]).path
        query = query.filter(lambda c: c.engagement.organisation.path.startswith(prefix))
    for flag, make in TRACKING_FILTERS.items():
        if filters.get(flag) is not None:
            condition = make()
            query = (condition if filters[flag] else condition.negated()).apply(query)
    if filters.get("confidential") is not None:
        confidential = filters["confidential"]
        query = query.filter(lambda c: c.confidential == confidential)
    return query.order_by(ORDER[filters.get("sort") or "due_date"])


def _with_references(query):
    # Everything a commitment shows comes in a fixed number of queries, whatever the page size.
    # (Attributes, not entity classes: prefetching a class also loads each row's reverse
    # one-to-one links, one query per row.) The meeting and the commitment carried over from
    # show only as ids, which the commitment's own row holds: loading them is wasted work.
    return query.prefetch(db.Commitment.engagement, db.Engagement.organisation,
                          db.Commitment.theme, db.Commitment.responsible_organisation,
                          db.Commitment.target_indicator)


class CommitmentListQuery(schemas.CommitmentQuery, PageQuery):
    pass


@blp.get("/commitments")
@blp.arguments(CommitmentListQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.CommitmentOut))
def list_commitments(page=1, per_page=50, **filters):
    query = _with_references(filtered_commitments(signed_in(), filters))
    body, headers = page_of(query, {"page": page, "per_page": per_page})
    g.tracking = tracking.track_many(body["items"])  # the page's flags in a few queries
    return body, 200, headers


@blp.get("/commitments/<id:commitment_id>")
@blp.response(200, schemas.CommitmentDetailOut)
def get_commitment(commitment_id):
    signed_in()
    return with_etag(fetch(services.get_commitment, commitment_id))


def _references(data: dict) -> dict:
    """Turn the ids and keys of an input into records, refusing unknown or invisible ones."""
    values = dict(data)
    if "theme_id" in values:
        theme_id = values.pop("theme_id")
        values["theme"] = db.Theme.get(id=theme_id) if theme_id else None
        if theme_id and values["theme"] is None:
            raise InvalidInput(_("The commitment could not be saved."),
                               {"theme_id": [_("No such theme.")]})
    if "responsible_organisation_id" in values:
        values["responsible_organisation"] = fetch(get_organisation,
                                                   values.pop("responsible_organisation_id"))
    if "target_indicator" in values:
        key = values.pop("target_indicator")
        values["target_indicator"] = get_indicator(key) if key else None
    return values


@blp.post("/commitments")
@idempotent
@blp.arguments(schemas.CommitmentCreate)
@blp.response(201, schemas.CommitmentDetailOut)
def record_commitment(data):
    """Record what a meeting (or the engagement) binds someone to do."""
    signed_in()
    engagement = fetch(get_engagement, data.pop("engagement_id"), "manage")
    meeting_id = data.pop("meeting_id")
    meeting = fetch(get_meeting, meeting_id) if meeting_id else None
    values = _references(data)
    values.setdefault("responsible_organisation", engagement.organisation)
    commitment = services.record_commitment(engagement, meeting=meeting,
                                            actor=_actor(), **values)
    return with_etag(commitment, 201, location="/api/v1/commitments/{id}")


def _actor() -> str:
    return g.user.name if g.get("user") is not None else ""


@blp.patch("/commitments/<id:commitment_id>")
@blp.arguments(schemas.CommitmentUpdate)
@blp.response(200, schemas.CommitmentDetailOut)
def update_commitment(changes, commitment_id):
    commitment = fetch(services.get_commitment, commitment_id, "manage")
    require_if_match(commitment)
    acknowledgement.update(signed_in(), commitment, _references(changes), actor=_actor())
    return with_etag(commitment)


@blp.post("/commitments/<id:commitment_id>/status")
@blp.arguments(schemas.StatusChangeIn)
@blp.response(200, schemas.CommitmentDetailOut)
def change_status(data, commitment_id):
    """Move the commitment along the status graph (reopening needs a reason)."""
    commitment = fetch(services.get_commitment, commitment_id, "manage")
    require_if_match(commitment, required=False)
    acknowledgement.change_status(signed_in(), commitment, data["status"],
                                  reason=data["reason"], actor=_actor())
    return with_etag(commitment)


@blp.post("/commitments/<id:commitment_id>/carry-over")
@blp.arguments(schemas.CarryOverIn)
@blp.response(201, schemas.CommitmentDetailOut)
def carry_over(data, commitment_id):
    """Carry an open commitment into a later cycle; answers with the successor."""
    commitment = fetch(services.get_commitment, commitment_id, "manage")
    require_if_match(commitment, required=False)
    into = fetch(get_engagement, data["engagement_id"], "manage")
    successor = services.carry_over(commitment, into, due_date=data["due_date"],
                                    reason=data["reason"], actor=_actor())
    return with_etag(successor, 201, location="/api/v1/commitments/{id}")


@blp.get("/commitments/<id:commitment_id>/history")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.EventOut))
def commitment_history(commitment_id, page=1, per_page=50):
    signed_in()
    return page_of(services.history(fetch(services.get_commitment, commitment_id)),
                   {"page": page, "per_page": per_page})


@blp.get("/commitments/<id:commitment_id>/follow-ups")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.FollowUpOut))
def commitment_follow_ups(commitment_id, page=1, per_page=50):
    signed_in()
    return page_of(services.follow_ups(fetch(services.get_commitment, commitment_id)),
                   {"page": page, "per_page": per_page})


@blp.post("/commitments/<id:commitment_id>/follow-ups")
@idempotent
@blp.arguments(schemas.FollowUpIn)
@blp.response(201, schemas.FollowUpOut)
def add_follow_up(data, commitment_id):
    """A dated follow-up; it may move the status, the progress and the next follow-up date."""
    commitment = fetch(services.get_commitment, commitment_id, "follow_up")
    follow_up = services.add_follow_up(commitment, author=_actor(), **data)
    return with_etag(follow_up, 201, location="/api/v1/follow-ups/{id}")


class FollowUpListQuery(schemas.FollowUpQuery, PageQuery):
    pass


@blp.get("/follow-ups")
@blp.arguments(FollowUpListQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.FollowUpOut))
def list_follow_ups(page=1, per_page=50, commitment=None, within=None, since=None,
                    until=None):
    query = visible_follow_ups(signed_in())
    if commitment:
        query = query.filter(lambda f: f.commitment.id == commitment)
    if within:
        prefix = fetch(get_organisation, within).path
        query = query.filter(
            lambda f: f.commitment.engagement.organisation.path.startswith(prefix))
    if since:
        query = query.filter(lambda f: f.occurred_on >= since)
    if until:
        query = query.filter(lambda f: f.occurred_on <= until)
    query = query.order_by(lambda f: (f.occurred_on, f.id)).prefetch(db.FollowUp.commitment)
    return page_of(query, {"page": page, "per_page": per_page})


def _follow_up(follow_up_id: int):
    found = db.FollowUp.get(id=follow_up_id)
    if found is None:
        raise NotFound(_("Nothing was found at this address."))
    return found


@blp.get("/follow-ups/<id:follow_up_id>")
@blp.response(200, schemas.FollowUpOut)
def get_follow_up(follow_up_id):
    signed_in()
    return with_etag(fetch(_follow_up, follow_up_id))


# --- bulk files ------------------------------------------------------------------------------

#: Records held at once while exporting: a whole programme's commitments would not fit.
EXPORT_BATCH = 1000


def _in_batches(ids: list[int], load, to_row):
    """Export rows of the records ``ids`` (in the export's order), loaded a batch at a time.

    Each batch is read in a session of its own when the answer is streamed (after the
    request's session has closed), or within the request's, whose cache is then let go of:
    either way a worker's memory stays flat however many records the export has.
    """
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start:start + EXPORT_BATCH]
        with db_session:
            found = {record.id: record for record in load(chunk)}
            rows = [to_row(found[ident]) for ident in chunk if ident in found]
            rollback()  # only reads happened: this lets go of the batch's records
        yield from rows


def _file_response(columns, rows, fmt: str, name: str) -> Response:
    if fmt == "xlsx":
        content = write_xlsx(columns, rows, title=name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        # Streamed as it is written: the file of a whole programme need not fit in memory.
        content = stream_with_context(iter_csv(columns, rows))
        mimetype = "text/csv; charset=utf-8"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


FILE_RESPONSE = {"content": {"text/csv": {"schema": {"type": "string"}},
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                             {"schema": {"type": "string", "format": "binary"}}}}


@blp.get("/commitments/export")
@blp.arguments(schemas.ExportQuery, location="query", as_kwargs=True)
@blp.doc(responses={"200": {"description": "The file", **FILE_RESPONSE}})
def export_commitments(format="csv", **filters):  # noqa: A002 - the query parameter's name
    """The commitments of the list's filters, in the columns the import accepts."""
    return commitments_file(signed_in(), filters, format)


def commitments_file(principal: Principal, filters: dict, fmt: str) -> Response:
    """The file of the commitments ``filters`` select (the API's export and the web list's)."""
    query = filtered_commitments(principal, filters)
    rows = _in_batches(list(select(c.id for c in query)), lambda ids: _with_references(
        db.Commitment.select(lambda c: c.id in ids)), bulk.commitment_row)
    return _file_response(bulk.COMMITMENT_COLUMNS, rows, fmt, "commitments")


@blp.get("/follow-ups/export")
@blp.arguments(schemas.ExportQuery, location="query", as_kwargs=True)
@blp.doc(responses={"200": {"description": "The file", **FILE_RESPONSE}})
def export_follow_ups(format="csv", **filters):  # noqa: A002
    """The follow-ups of the commitments the filters select."""
    commitments = filtered_commitments(signed_in(), filters)
    query = db.FollowUp.select(lambda f: f.commitment in commitments).order_by(
        lambda f: (f.commitment.id, f.occurred_on, f.id))
    rows = _in_batches(list(select(f.id for f in query)), lambda ids: db.FollowUp.select(
        lambda f: f.id in ids).prefetch(db.FollowUp.commitment), bulk.follow_up_row)
    return _file_response(bulk.FOLLOW_UP_COLUMNS, rows, format, "follow-ups")


def _uploaded(files) -> tuple:
    upload = files["file"]
    return read_table(upload.read(), upload.filename or "")[1]


@blp.post("/commitments/import")
@blp.arguments(schemas.ImportFile, location="files")
@blp.response(200, schemas.ImportResult)
def import_commitments(files):
    """CSV or XLSX in the export's columns: every row checked, then all written or none."""
    outcome = bulk.import_commitments(signed_in(), _uploaded(files))
    return outcome


@blp.post("/follow-ups/import")
@blp.arguments(schemas.ImportFile, location="files")
@blp.response(200, schemas.ImportResult)
def import_follow_ups(files):
    """CSV or XLSX in the export's columns: new follow-ups are added, known ones left alone."""
    return bulk.import_follow_ups(signed_in(), _uploaded(files))
