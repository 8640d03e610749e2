"""Access: deny by default; lists contain only what the reader may see; confidential stays so."""

import json

import pytest
from pony.orm import db_session

from app.accounts import access
from app.accounts.access import ANONYMOUS, principal_for
from app.errors import Forbidden, NotFound
from tests.world import SENTINEL_TITLE, SENTINEL_VALUE


@pytest.fixture
def as_user(app, world):
    """Run a check as one of the world's people, inside a fresh session."""
    def principal(name):
        if name == "anonymous":
            return ANONYMOUS
        db = app.extensions["nordialog.db"]
        return principal_for(db.User[world.ids[name]])
    return principal


def ids(query) -> set:
    return {row.id for row in query}


EXPECTED_ENGAGEMENTS = {
    "admin": {"e_a1", "e_b1", "e_s", "e_s_local"},
    "office_a": {"e_a1"},
    "leader_a1": {"e_a1"},
    "board_a1": {"e_a1"},
    "officer": {"e_s"},
    "office_b": {"e_b1"},
    "nobody": set(),
    "anonymous": set(),
}

EXPECTED_COMMITMENTS = {
    "admin": {"c_a1", "c_a1_conf", "c_b1", "c_s", "c_s_local"},
    "office_a": {"c_a1", "c_a1_conf"},
    "leader_a1": {"c_a1", "c_a1_conf"},
    "board_a1": {"c_a1"},
    "officer": {"c_s"},
    "office_b": {"c_b1"},
    "nobody": set(),
    "anonymous": set(),
}

EXPECTED_OBSERVATIONS = {
    "admin": {"obs_a1", "obs_a1_conf", "obs_b1", "obs_s1"},
    "office_a": {"obs_a1", "obs_a1_conf"},
    "leader_a1": {"obs_a1", "obs_a1_conf"},
    "board_a1": {"obs_a1"},
    "officer": {"obs_s1"},
    "office_b": {"obs_b1"},
    "nobody": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("person", sorted(EXPECTED_ENGAGEMENTS))
def test_lists_contain_exactly_what_each_reader_may_see(app, world, as_user, person):
    with app.app_context(), db_session:
        principal = as_user(person)

        def named(query, prefix):
            # Ids repeat across tables, so map them back per kind of record.
            names = {value: key for key, value in world.ids.items() if key.startswith(prefix)}
            return {names[i] for i in ids(query) if i in names}

        assert named(access.visible_engagements(principal), "e_") == EXPECTED_ENGAGEMENTS[person]
        assert named(access.visible_commitments(principal), "c_") == EXPECTED_COMMITMENTS[person]
        assert named(access.visible_observations(principal), "obs_") == \
            EXPECTED_OBSERVATIONS[person]
        # Counts come from the same scoped queries.
        assert access.visible_commitments(principal).count() == \
            len(EXPECTED_COMMITMENTS[person])


def test_confidential_meetings_reach_only_confidential_readers(app, world, as_user):
    with app.app_context(), db_session:
        for person, expected in [("leader_a1", {world.m_a1, world.m_a1_conf, world.m_pub}),
                                 ("board_a1", {world.m_a1, world.m_pub}),
                                 ("office_b", {world.m_b1})]:
            assert ids(access.visible_meetings(as_user(person))) == expected, person


def test_agency_officers_see_the_organisations_in_their_programmes(app, world, as_user):
    with app.app_context(), db_session:
        seen = ids(access.visible_organisations(as_user("officer")))
        assert seen == {world.agency, world.owner_s, world.s1}
        assert ids(access.visible_organisations(as_user("office_a"))) == {
            world.owner_a, world.a1, world.a2}
        assert ids(access.visible_organisations(as_user("board_a1"))) == {world.a1}


def test_capabilities_differ_by_role(app, world, as_user):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        commitment = db.Commitment[world.c_a1]
        assert access.can(as_user("office_a"), "manage", commitment)
        assert access.can(as_user("leader_a1"), "follow_up", commitment)
        assert not access.can(as_user("leader_a1"), "manage", commitment)
        assert not access.can(as_user("board_a1"), "follow_up", commitment)
        assert access.can(as_user("board_a1"), "board_comment", db.Meeting[world.m_a1])
        assert not access.can(as_user("office_b"), "read", commitment)
        assert not access.can(ANONYMOUS, "read", commitment)
        assert access.can(as_user("officer"), "manage", db.Commitment[world.c_s])
        assert not access.can(as_user("officer"), "read", db.Commitment[world.c_s_local])
        assert access.can(ANONYMOUS, "read", db.Programme.select().first())


def test_refusals_reveal_nothing_to_outsiders(app, world, as_user):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        commitment = db.Commitment[world.c_a1]
        with pytest.raises(NotFound):
            access.require(as_user("office_b"), "manage", commitment)
        with pytest.raises(Forbidden):
            access.require(as_user("board_a1"), "manage", commitment)
        with pytest.raises(NotFound):
            access.require(as_user("board_a1"), "read", db.Commitment[world.c_a1_conf])
        assert access.require(as_user("leader_a1"), "read", db.Commitment[world.c_a1_conf])


def test_the_audit_log_never_holds_confidential_values(app, world):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        entries = json.dumps([entry.changes for entry in db.AuditEntry.select()],
                             ensure_ascii=False, default=str)
        assert SENTINEL_TITLE not in entries
        assert "SENTINEL-ACTIONS" not in entries
        assert str(SENTINEL_VALUE) not in entries
        assert "correct horse battery" not in entries and "scrypt:" not in entries
        created = db.AuditEntry.select(lambda e: e.entity == "Commitment"
                                       and e.entity_id == world.c_a1_conf).first()
        assert created.changes["title"]["after"] == "[confidential]"
        assert created.changes["status"]["after"] == "agreed"
        user = db.AuditEntry.select(lambda e: e.entity == "User").first()
        assert user.changes["email"]["after"] == "[redacted]"
