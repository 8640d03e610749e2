"""/api/v1/programmes and /api/v1/themes: the frameworks and vocabulary (public)."""

from __future__ import annotations

from app.api.support import ApiBlueprint, PageQuery, idempotent, page_of, signed_in, with_etag
from app.common import fields
from app.common.refs import Labels, page_schema
from app.common.schemas import BaseSchema, OutputSchema
from app.db import db
from app.errors import Forbidden
from app.i18n import _
from app.programmes import services
from app.programmes.schemas import ProgrammeOut, ProgrammeQuery, ProgrammeSummaryOut
from app.themes import services as themes

blp = ApiBlueprint("Programmes", __name__, url_prefix="/api/v1",
                   description="Dialogue programmes (each practice as data) and themes.")

ProgrammePage = page_schema(ProgrammeSummaryOut)


class ProgrammeListQuery(ProgrammeQuery, PageQuery):
    pass


@blp.get("/programmes")
@blp.arguments(ProgrammeListQuery, location="query", as_kwargs=True)
@blp.response(200, ProgrammePage)
@blp.doc(security=[])
def list_programmes(page=1, per_page=50, country=None):
    """Programmes are public: anyone may read how a practice works."""
    query = db.Programme.select()
    if country:
        query = query.filter(lambda p: p.country == country)
    return page_of(query.order_by(lambda p: p.key), {"page": page, "per_page": per_page})


@blp.get("/programmes/<id:programme_id>")
@blp.response(200, ProgrammeOut)
@blp.doc(security=[])
def get_programme(programme_id):
    return with_etag(services.get_programme(programme_id))


class ThemeOut(OutputSchema):
    id = fields.Integer(required=True)
    key = fields.String(allow_none=True, required=True)
    name = fields.Function(themes.theme_name, required=True)
    labels = fields.Nested(Labels, allow_none=True, required=True)
    free = fields.Function(lambda t: t.key is None, required=True)


class FreeThemeIn(BaseSchema):
    title = fields.String(required=True, validate=fields.length(min=1, max=200))


@blp.get("/themes")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(ThemeOut))
@blp.doc(security=[])
def list_themes(page=1, per_page=50):
    """The controlled theme vocabulary, in the reader's alphabetical order."""
    return page_of(themes.vocabulary(), {"page": page, "per_page": per_page})


@blp.post("/themes")
@idempotent
@blp.arguments(FreeThemeIn)
@blp.response(201, ThemeOut)
def create_free_theme(data):
    """A theme in a party's own words (reused if the same title exists)."""
    caller = signed_in()
    if not caller.has("propose_theme"):
        raise Forbidden(_("You do not have access to this."))
    return with_etag(themes.free_theme(data["title"]), 201)



