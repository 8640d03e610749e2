"""/api/v1/organisations"""

from __future__ import annotations

from app.accounts.access import require, visible_organisations
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
from app.common.refs import page_schema
from app.errors import Forbidden
from app.i18n import _
from app.organisations import services
from app.organisations.schemas import (
    OrganisationCreate,
    OrganisationOut,
    OrganisationQuery,
    OrganisationUpdate,
)

blp = ApiBlueprint("Organisations", __name__, url_prefix="/api/v1/organisations",
                   description="Agencies, school owners, schools and daycare units, as a tree.")


OrganisationPage = page_schema(OrganisationOut)


class OrganisationListQuery(OrganisationQuery, PageQuery):
    pass


@blp.get("")
@blp.arguments(OrganisationListQuery, location="query", as_kwargs=True)
@blp.response(200, OrganisationPage)
def list_organisations(page=1, per_page=50, kind=None, country=None, parent=None,
                       within=None, q=None):
    """Organisations the caller may see."""
    query = visible_organisations(signed_in())
    if kind:
        query = query.filter(lambda o: o.kind == kind)
    if country:
        query = query.filter(lambda o: o.country == country)
    if parent:
        query = query.filter(lambda o: o.parent.id == parent)
    if within:
        root = fetch(services.get_organisation, within)
        prefix = root.path
        query = query.filter(lambda o: o.path.startswith(prefix))
    if q:
        needle = q.lower()
        query = query.filter(lambda o: needle in o.name.lower())
    return page_of(query.order_by(lambda o: (o.name, o.id)),
                   {"page": page, "per_page": per_page})


@blp.get("/<id:organisation_id>")
@blp.response(200, OrganisationOut)
def get_organisation(organisation_id):
    signed_in()
    return with_etag(fetch(services.get_organisation, organisation_id))


@blp.post("")
@idempotent
@blp.arguments(OrganisationCreate)
@blp.response(201, OrganisationOut)
def create_organisation(data):
    """A new organisation under one the caller manages (a root only for administrators)."""
    caller = signed_in()
    parent_id = data.pop("parent_id")
    if parent_id is None:
        if not caller.is_admin():
            raise Forbidden(_("Only administrators create organisations at the top of the tree."))
        parent = None
    else:
        parent = require(caller, "manage", services.get_organisation(parent_id))
    organisation = services.create_organisation(parent=parent, **data)
    return with_etag(organisation, 201, location="/api/v1/organisations/{id}")


@blp.patch("/<id:organisation_id>")
@blp.arguments(OrganisationUpdate)
@blp.response(200, OrganisationOut)
def update_organisation(changes, organisation_id):
    organisation = fetch(services.get_organisation, organisation_id, "manage")
    require_if_match(organisation)
    services.update_organisation(organisation, changes)
    return with_etag(organisation)

