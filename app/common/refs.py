"""Small output schemas shared by resources: a reference to another record, labels as data."""

from __future__ import annotations

from functools import cache

from app.common import fields
from app.common.model import etag
from app.common.schemas import OutputSchema
from app.i18n import localized


class Ref(OutputSchema):
    """Another record, by id and its name in the reader's language."""

    id = fields.Integer(required=True)
    name = fields.Method("name_of", required=True)

    def name_of(self, obj) -> str:
        if getattr(obj, "labels", None):
            return localized(obj.labels)
        return getattr(obj, "name", None) or getattr(obj, "title", None) or ""


class Labels(OutputSchema):
    en = fields.String()
    da = fields.String()
    nb = fields.String()
    sv = fields.String()


def label_field(source: str = "labels", **kwargs) -> fields.Function:
    """The reader's label from a ``{language: text}`` attribute."""
    return fields.Function(lambda obj: localized(getattr(obj, source) or {}), **kwargs)


def vocabulary_field(attribute: str, vocabulary: dict, **kwargs) -> fields.Function:
    """The translated label of a coded value (a status, a kind)."""
    return fields.Function(lambda obj: str(vocabulary.get(getattr(obj, attribute), "")),
                           **kwargs)


class Stamps(OutputSchema):
    """What every resource carries: its version and ETag (for If-Match), and UTC times."""

    version = fields.Integer(required=True)
    etag = fields.Function(lambda obj: f'"{etag(obj)}"', required=True, metadata={
        "description": "Send it as If-Match to change or delete this record."})
    created_at = fields.UtcDateTime(required=True)
    updated_at = fields.UtcDateTime(required=True)


@cache
def page_schema(item: type) -> type:
    """The paged list of ``item``: items plus the total, page and page size (one schema per
    item, however many lists use it)."""
    name = item.__name__.removesuffix("Out") + "Page"
    return type(name, (OutputSchema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })
