"""Who reads and what: the benchmark's people (with fresh API tokens) and the records the hot
paths open, chosen the same way at every scale."""

from __future__ import annotations

from dataclasses import dataclass, field

from pony.orm import commit, count, db_session, desc, select

PASSWORD = "bench-password-1"


@dataclass
class Subjects:
    owner: int = 0
    school: int = 0
    agency: int = 0
    programme: int = 0
    commitment: int = 0
    engagement: int = 0
    theme: str = ""
    theme_id: int = 0
    owner_path: str = ""
    owner_schools: int = 0
    school_path: str = ""
    headers: dict = field(default_factory=dict)
    emails: dict = field(default_factory=dict)
    open_commitments: list[int] = field(default_factory=list)


def _user(email: str, name: str, role: str, organisation):
    from app.accounts.services import assign_role, create_user, find_user

    user = find_user(email)
    if user is None:
        user = create_user(email=email, name=name, password=PASSWORD, language="en")
        assign_role(user, role, organisation)
    return user


def prepare(app, owner_schools: int | None = None) -> Subjects:
    """Pick the records and make the people (idempotent); tokens are new on every run.

    The owner is the one with most schools, or with ``owner_schools`` the one whose number of
    schools is closest to it (a peer of the smaller dataset's owner, for the growth figures).
    """
    from app.accounts.audit import audit_context
    from app.accounts.services import issue_token

    found = Subjects()
    with app.app_context(), audit_context(None, "cli"), db_session:
        db = app.extensions["nordialog.db"]
        # The owner with most schools among those whose schools hold their own engagements
        # (Danish and Norwegian); at the demo scale, the first demo owner.
        owners = select((o, count(c for c in db.Organisation if c.parent == o))
                        for o in db.Organisation
                        if o.kind == "school_owner" and o.country in ("DK", "NO"))
        if owner_schools is None:
            owner = sorted(owners, key=lambda pair: (-pair[1], pair[0].id))[0][0]
        else:
            owner = sorted(owners, key=lambda pair: (abs(pair[1] - owner_schools),
                                                     pair[0].id))[0][0]
        found.owner_schools = count(s for s in db.Organisation if s.parent == owner
                                    and s.kind == "school")
        school = select(s for s in db.Organisation if s.parent == owner
                        and s.kind == "school").order_by(lambda s: s.id).first()
        agency = db.Organisation.get(kind="national_agency", country="SE")
        programme = db.Programme.get(key="se_skoldialogen")
        prefix = owner.path
        commitment = select(c for c in db.Commitment
                            if c.engagement.organisation.path.startswith(prefix)
                            and not c.confidential).order_by(
            lambda c: (desc(count(c.follow_ups)), c.id)).first()
        open_ = select(c.id for c in db.Commitment
                       if c.engagement.organisation.path.startswith(prefix)
                       and c.status in ("agreed", "in_progress", "at_risk"))[:2000]
        engagement = select(e for e in db.Engagement if e.organisation == school).order_by(
            lambda e: desc(e.starts_on)).first()
        # A peer owner's office is another person: a role, once given, stays with its owner.
        office = "office@bench.test" if owner_schools is None else "peer-office@bench.test"
        people = {
            "owner": _user(office, "Bench Office", "school_office", owner),
            "agency": _user("agency@bench.test", "Bench Agency", "agency_officer", agency),
            "admin": _user("admin@bench.test", "Bench Admin", "administrator", None),
        }
        for name, user in people.items():
            issued = issue_token(user, "bench")
            found.headers[name] = {"Authorization": f"Bearer {issued.secret}"}
            found.emails[name] = user.email
        theme = commitment.theme
        found.owner, found.school, found.agency = owner.id, school.id, agency.id
        found.programme, found.commitment = programme.id, commitment.id
        found.engagement = engagement.id
        found.theme, found.theme_id = theme.key, theme.id
        found.owner_path, found.school_path = owner.path, school.path
        found.open_commitments = list(open_)
        commit()
    return found
