"""Creating and finding organisations, and reading the tree."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pony.orm import flush

from app.db import db
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.organisations.models import COUNTRIES, COUNTRY_TIME_ZONES, KINDS


def get_organisation(organisation_id: int):
    organisation = db.Organisation.get(id=organisation_id)
    if organisation is None:
        raise NotFound(_("No organisation with id %(id)s.", id=organisation_id))
    return organisation


def find_by_code(country: str, official_code: str):
    return db.Organisation.get(country=country, official_code=official_code)


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def create_organisation(*, name: str, kind: str, country: str, parent=None,
                        official_code: str | None = None, time_zone: str | None = None,
                        is_demo: bool = False):
    """Create an organisation under ``parent`` (or as a root) and place it in the tree."""
    errors: dict[str, list] = {}
    if not name or not name.strip():
        errors["name"] = [_("A name is required.")]
    if kind not in KINDS:
        errors["kind"] = [_("Unknown organisation kind %(kind)s.", kind=kind)]
    if country not in COUNTRIES:
        errors["country"] = [_("Unknown country %(country)s.", country=country)]
    time_zone = time_zone or COUNTRY_TIME_ZONES.get(country, "UTC")
    if not valid_time_zone(time_zone):
        errors["time_zone"] = [_("Unknown time zone %(zone)s.", zone=time_zone)]
    if official_code and country in COUNTRIES and find_by_code(country, official_code):
        errors["official_code"] = [_("Another organisation already has this code.")]
    if errors:
        raise InvalidInput(_("The organisation could not be saved."), errors)

    organisation = db.Organisation(
        name=name.strip(), kind=kind, country=country, parent=parent,
        official_code=official_code or None, time_zone=time_zone, is_demo=is_demo,
        path="/",  # replaced below, once the id is known
    )
    flush()
    organisation.path = f"{parent.path if parent else '/'}{organisation.id}/"
    return organisation


def subtree(root):
    """A query of ``root`` and everything below it (one indexed prefix match)."""
    prefix = root.path
    return db.Organisation.select(lambda o: o.path.startswith(prefix))


def ancestors(organisation) -> list:
    """From the root down to the organisation's parent."""
    ids = [int(part) for part in organisation.path.strip("/").split("/")[:-1] if part]
    found = {o.id: o for o in db.Organisation.select(lambda o: o.id in ids)} if ids else {}
    return [found[i] for i in ids if i in found]


def owner_of(organisation):
    """The nearest school owner above (or at) the organisation, if any."""
    if organisation.kind == "school_owner":
        return organisation
    for ancestor in reversed(ancestors(organisation)):
        if ancestor.kind == "school_owner":
            return ancestor
    return None


def update_organisation(organisation, changes: dict) -> None:
    """Rename, re-code or move an organisation to another time zone (not in the tree)."""
    errors: dict[str, list] = {}
    if "name" in changes and not (changes["name"] or "").strip():
        errors["name"] = [_("A name is required.")]
    if "time_zone" in changes and not valid_time_zone(changes["time_zone"]):
        errors["time_zone"] = [_("Unknown time zone %(zone)s.", zone=changes["time_zone"])]
    code = changes.get("official_code")
    if code:
        other = find_by_code(organisation.country, code)
        if other is not None and other.id != organisation.id:
            errors["official_code"] = [_("Another organisation already has this code.")]
    if errors:
        raise InvalidInput(_("The organisation could not be saved."), errors)
    for name, value in changes.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
