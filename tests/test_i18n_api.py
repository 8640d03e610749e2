"""The API's error messages, field errors included, in Danish, Norwegian and Swedish: no English
source message left, and each differs from what an English client reads."""

import pytest

from tests.test_i18n_crawl import leftovers_in


def _texts(answer) -> list[str]:
    """The message and every field error of one JSON error answer."""
    body = answer.json
    texts = [body["message"]]

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.append(node)

    walk(body.get("errors") or {})
    return texts


def _errors(client, world, language: str) -> dict[str, list[str]]:
    """One answer of each kind a client meets, asked in ``language``."""
    headers = {**world.headers["office_a"], "Accept-Language": language}
    commitment = f"/api/v1/commitments/{world.c_a1}"
    answers = {
        404: client.get("/api/v1/no-such-thing", headers=headers),
        401: client.get("/api/v1/me", headers={"Accept-Language": language}),
        403: client.patch(commitment, json={"title": "Not mine"}, headers={
            **world.headers["board_a1"], "Accept-Language": language, "If-Match": '"x"'}),
        428: client.patch(commitment, json={"title": "Blind"}, headers=headers),
        422: client.post("/api/v1/commitments", headers=headers,
                         json={"title": "", "engagement_id": world.e_a1, "colour": "red"}),
    }
    found = {}
    for status, answer in answers.items():
        assert answer.status_code == status, (status, answer.status_code, answer.json)
        found[status] = _texts(answer)
    return found


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_api_errors_are_in_the_clients_language(client, world, engine, language):
    if engine == "postgresql" and language != "nb":
        pytest.skip("the messages do not differ by engine; one language is enough there")
    english = _errors(client, world, "en")
    translated = _errors(client, world, language)
    texts = {f"{status} #{index}": text for status, found in translated.items()
             for index, text in enumerate(found)}
    assert leftovers_in(texts, language) == []
    for status, found in translated.items():
        assert len(found) == len(english[status]) and found[0] != english[status][0], status
        if status == 422:
            assert len(found) >= 3  # the title, the unknown field and a missing field at least
            assert set(found[1:]).isdisjoint(english[status][1:])
