"""Meetings, their agenda, participants and themes in and out of the API."""

from __future__ import annotations

from app.common import fields
from app.common.refs import Labels, Ref, Stamps, vocabulary_field
from app.common.schemas import AuditEntryOut, BaseSchema, OutputSchema
from app.engagements.schemas import ID, a_date
from app.i18n import localized
from app.meetings.lifecycle import STATUSES
from app.meetings.models import ATTENDANCE, PARTICIPANT_ROLES
from app.programmes.models import AGENDA_ITEM_KINDS, PARTIES
from app.themes.services import theme_name

_REF = Ref()  # reused for every item of a list (a schema is costly to build)


class AgendaItemOut(Stamps):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.Function(lambda i: i.title or localized(i.labels or {}), required=True)
    labels = fields.Nested(Labels, allow_none=True, required=True)
    duration_minutes = fields.Integer(allow_none=True, required=True)
    party = fields.String(required=True)
    party_label = vocabulary_field("party", PARTIES, required=True)
    kind = fields.String(required=True)
    kind_label = vocabulary_field("kind", AGENDA_ITEM_KINDS, required=True)
    minutes = fields.String(required=True)


class ParticipantOut(Stamps):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    role_label = vocabulary_field("role", PARTICIPANT_ROLES, required=True)
    organisation = fields.Nested(Ref, allow_none=True, required=True)
    email = fields.String(required=True)
    invited = fields.Boolean(required=True)
    attendance = fields.String(required=True)


class MeetingThemeOut(OutputSchema):
    id = fields.Integer(required=True)
    theme_id = fields.Function(lambda t: t.theme.id, required=True)
    name = fields.Function(lambda t: theme_name(t.theme), required=True)
    party = fields.String(required=True)
    party_label = vocabulary_field("party", PARTIES, required=True)
    background = fields.String(required=True)


class AttachmentOut(OutputSchema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    confidential = fields.Boolean(required=True)


class MeetingOut(Stamps):
    id = fields.Integer(required=True)
    engagement_id = fields.Function(lambda m: m.engagement.id, required=True)
    organisation = fields.Function(lambda m: _REF.dump(m.engagement.organisation),
                                   required=True, metadata={"type": "object"})
    meeting_type = fields.Function(lambda m: m.meeting_type.key, required=True)
    meeting_type_name = fields.Function(lambda m: localized(m.meeting_type.labels),
                                        required=True)
    title = fields.String(required=True)
    starts_at = fields.UtcDateTime(required=True)
    ends_at = fields.UtcDateTime(allow_none=True, required=True)
    place = fields.String(required=True)
    status = fields.String(required=True)
    status_label = vocabulary_field("status", STATUSES, required=True)
    confidential = fields.Boolean(required=True)
    minutes_revision = fields.Integer(required=True)
    held_at = fields.UtcDateTime(allow_none=True, required=True)
    approved_at = fields.UtcDateTime(allow_none=True, required=True)
    published_at = fields.UtcDateTime(allow_none=True, required=True)


def _sorted(attribute: str, schema: type, key=lambda row: row.id):
    return fields.Function(lambda m: schema(many=True).dump(sorted(getattr(m, attribute),
                                                                   key=key)),
                           required=True, metadata={"type": "array", "items": {"type": "object"}})


class MeetingDetailOut(MeetingOut):
    agenda = _sorted("agenda_items", AgendaItemOut, key=lambda i: (i.position, i.id))
    participants = _sorted("participants", ParticipantOut)
    themes = _sorted("themes", MeetingThemeOut)
    attachments = _sorted("attachments", AttachmentOut)


class MeetingQuery(BaseSchema):
    engagement = fields.Integer(**ID)
    within = fields.Integer(**ID)
    status = fields.String(validate=fields.one_of(STATUSES))
    meeting_type = fields.String(validate=fields.length(min=1, max=64))
    starts_after = a_date()
    starts_before = a_date()


class MeetingCreate(BaseSchema):
    engagement_id = fields.Integer(required=True, **ID)
    meeting_type = fields.String(required=True, validate=fields.length(min=1, max=64))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(allow_none=True, load_default=None)
    place = fields.String(load_default="", validate=fields.length(max=200))
    title = fields.String(load_default="", validate=fields.length(max=200))


class MeetingUpdate(BaseSchema):
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime(allow_none=True)
    place = fields.String(validate=fields.length(max=200))
    title = fields.String(validate=fields.length(max=200))


class HeldIn(BaseSchema):
    held_at = fields.AwareDateTime(allow_none=True, load_default=None)


class ParticipantIn(BaseSchema):
    name = fields.String(required=True, validate=fields.length(min=1, max=200))
    role = fields.String(required=True, validate=fields.one_of(PARTICIPANT_ROLES))
    organisation_id = fields.Integer(allow_none=True, load_default=None, **ID)
    email = fields.Email(load_default="", validate=fields.length(max=254))
    invited = fields.Boolean(load_default=True)


class ParticipantUpdate(BaseSchema):
    name = fields.String(validate=fields.length(min=1, max=200))
    role = fields.String(validate=fields.one_of(PARTICIPANT_ROLES))
    email = fields.Email(validate=fields.length(max=254))
    invited = fields.Boolean()
    attendance = fields.String(validate=fields.one_of(ATTENDANCE))


class AgendaItemIn(BaseSchema):
    title = fields.String(required=True, validate=fields.length(min=1, max=200))
    duration_minutes = fields.Integer(allow_none=True, load_default=None,
                                      validate=fields.between(0, 600))
    party = fields.String(required=True, validate=fields.one_of(PARTIES))
    kind = fields.String(load_default="other", validate=fields.one_of(AGENDA_ITEM_KINDS))


class AgendaItemUpdate(BaseSchema):
    title = fields.String(validate=fields.length(min=1, max=200))
    duration_minutes = fields.Integer(allow_none=True, validate=fields.between(0, 600))
    minutes = fields.String(validate=fields.length(max=100_000))


class MeetingThemeIn(BaseSchema):
    theme_id = fields.Integer(allow_none=True, load_default=None, **ID)
    title = fields.String(allow_none=True, load_default=None, validate=fields.length(min=1,
                                                                                     max=200))
    party = fields.String(required=True, validate=fields.one_of(PARTIES))
    background = fields.String(load_default="", validate=fields.length(max=20_000))


class AttachmentIn(BaseSchema):
    filename = fields.String(required=True, validate=fields.length(min=1, max=255))
    content_type = fields.String(required=True, validate=fields.length(min=1, max=128))
    size_bytes = fields.Integer(required=True, validate=fields.between(0, 2**40))
    sha256 = fields.String(required=True, validate=fields.length(min=64, max=64))
    confidential = fields.Boolean(load_default=False)


class PublicationOut(OutputSchema):
    revision = fields.Integer(required=True)
    published_at = fields.UtcDateTime(required=True)
    content = fields.Dict(required=True)


class EvaluationOut(OutputSchema):
    """One of the last cycle's commitments, as the evaluation item shows it."""

    commitment_id = fields.Function(lambda e: e.commitment.id, required=True)
    title = fields.Function(lambda e: e.commitment.title, required=True)
    status = fields.Function(lambda e: e.commitment.status, required=True)
    due_date = fields.Function(lambda e: e.commitment.due_date.isoformat(), required=True)
    responsible = fields.Function(lambda e: e.commitment.responsible_organisation.name,
                                  required=True)
    overdue = fields.Function(lambda e: e.tracking.overdue, required=True)
    at_risk = fields.Function(lambda e: e.tracking.at_risk, required=True)
    note = fields.String(required=True)
    successor_id = fields.Function(lambda e: e.successor.id if e.successor else None,
                                   allow_none=True, required=True)


class EvaluationNoteIn(BaseSchema):
    note = fields.String(required=True, validate=fields.length(max=20_000))


class BoardCommentIn(BaseSchema):
    body = fields.String(required=True, validate=fields.length(min=1, max=4000))


class BoardCommentOut(Stamps):
    id = fields.Integer(required=True)
    meeting_id = fields.Function(lambda c: c.meeting.id, required=True)
    author = fields.Function(lambda c: {"id": c.author.id, "name": c.author.name},
                             required=True)
    body = fields.String(required=True)


class HistoryEntryOut(AuditEntryOut):
    """One entry of a record's history, from the audit log (who by name)."""
