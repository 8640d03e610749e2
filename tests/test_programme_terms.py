"""A programme's own word for a commitment (Stavanger's "forpliktende avtale") is what readers
see on commitment and meeting pages and in reports, explained in their language when it is not
the programme's, and marked with its language."""

from pony.orm import commit, db_session

from app.programmes.terms import commitment_term
from tests.parties import build_parties
from tests.sessions import sign_in

STAVANGER = {"en": "binding agreement", "da": "forpligtende aftale",
             "nb": "forpliktende avtale", "sv": "bindande överenskommelse"}
FOREIGN = '<span lang="nb">forpliktende avtale</span>'


class _Programme:
    def __init__(self, country, terms):
        self.country, self.commitment_terms = country, terms


def test_the_programmes_word_is_explained_only_to_readers_of_another_language():
    stavanger = _Programme("NO", STAVANGER)
    assert commitment_term(stavanger, "nb") == "forpliktende avtale"
    assert commitment_term(stavanger, "en") == f"{FOREIGN} (binding agreement)"
    assert commitment_term(stavanger, "sv") == f"{FOREIGN} (bindande överenskommelse)"
    assert commitment_term(stavanger, "da") == f"{FOREIGN} (forpligtende aftale)"
    # A programme whose home word is missing falls back to the reader's, unmarked.
    assert commitment_term(_Programme("NO", {"en": "agreement", "da": "aftale"}), "da") == "aftale"
    assert commitment_term(_Programme("SE", None), "sv") == ""
    # Text entered by someone is escaped, never taken for markup.
    tricky = _Programme("DK", {"da": "<b>aftale</b>", "en": "agreement"})
    assert commitment_term(tricky, "en") == ('<span lang="da">&lt;b&gt;aftale&lt;/b&gt;</span> '
                                             "(agreement)")


def _stavanger_meeting(app) -> tuple[int, int, int, int, int]:
    """A dialogue meeting in a Norwegian programme with one binding agreement, and an
    administrator who may read it all."""
    with app.app_context(), db_session:
        parties = build_parties()
        programme = parties.engagements["school"].programme
        programme.country, programme.commitment_terms = "NO", STAVANGER
        parties.engagements["se"].programme.commitment_terms = {
            "en": "commitment", "da": "forpligtelse", "nb": "forpliktelse", "sv": "åtagande"}
        commitment = parties.commitment(title="Lesing hver dag")
        commit()
        return (parties.users["admin"].id, parties.meetings["school"].id, commitment.id,
                programme.id, parties.engagements["se"].id)


def test_pages_and_reports_name_the_programmes_word(app, client):
    admin, meeting, commitment, programme, swedish_engagement = _stavanger_meeting(app)
    sign_in(client, admin)
    for address in (f"/commitments/{commitment}", f"/meetings/{meeting}",
                    f"/programmes/{programme}", f"/reports/minutes/{meeting}"):
        english = client.get(f"{address}?lang=en&language=en")
        assert english.status_code == 200, address
        assert f"{FOREIGN} (binding agreement)" in english.text, address
        norwegian = client.get(f"{address}?lang=nb&language=nb")
        assert "forpliktende avtale" in norwegian.text, address
        assert FOREIGN not in norwegian.text and "(binding agreement)" not in norwegian.text
        swedish = client.get(f"{address}?lang=sv&language=sv")
        assert f"{FOREIGN} (bindande överenskommelse)" in swedish.text, address
    # An agency's interim report on a Swedish owner names Skoldialogen's word for it.
    interim = client.get(f"/reports/engagements/{swedish_engagement}/interim?language=da")
    assert interim.status_code == 200
    assert '<span lang="sv">åtagande</span> (forpligtelse)' in interim.text
