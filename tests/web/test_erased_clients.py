"""A client whose personal fields retention erased: the pages say so instead of showing
empty values, and a past round that names the client still opens."""

from dateutil.relativedelta import relativedelta

from matching.services.clients import withdraw_client
from matching.services.proposals import decide_candidate
from matching.services.timers import run_tick
from matching.vocabulary import utcnow
from tests.corporation_data import open_round


def _erased_candidate(reference, users):  # type: ignore[no-untyped-def]
    made = open_round(reference, corporation=users["corporation"], provider=users["care_provider"],
                      matcher=users["matcher"], count=2,
                      client_data={"annual_income": 16321, "birth_year": 1966})
    gone, stays = made.clients
    decide_candidate(reference, proposal_id=made.proposal.id, client_id=gone.id,
                     decision="reject", reason_code="other", motivation="zorgen over de buren",
                     actor=users["corporation"])
    withdraw_client(reference, client_id=gone.id, reason="verhuisd naar Amersfoort",
                    actor=users["care_provider"])
    run_tick(reference, now=utcnow() + relativedelta(months=25))
    return made, gone, stays


def test_the_client_page_says_the_personal_fields_were_erased(reference, users, signed_in):
    _made, gone, _stays = _erased_candidate(reference, users)
    page = signed_in("care_provider").get(f"/clienten/{gone.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "gewist op" in text
    assert "1966" not in text and "16.321" not in text
    assert "verhuisd naar Amersfoort" not in text


def test_the_round_page_of_an_erased_candidate_still_opens_without_the_income(
        reference, users, signed_in):
    made, _gone, _stays = _erased_candidate(reference, users)
    page = signed_in("corporation").get(f"/corporatie/voorstellen/{made.proposal.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "gewist (bewaartermijn verstreken)" in text
    assert "huurtoeslaggrens" in text  # the other candidate's income band still shows
    assert "zorgen over de buren" not in text


def test_the_api_answers_an_erased_client_with_empty_fields_and_the_moment_of_erasure(
        reference, users, app):
    from matching.services.users import create_api_token

    made, gone, stays = _erased_candidate(reference, users)
    token = create_api_token(reference, user=users["care_provider"])
    answer = app.test_client().get(f"/api/v1/clients/{gone.id}",
                                   headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["birth_year"], body["annual_income"], body["needs"]) == (None, None, [])
    assert body["erased_at"] is not None
    assert all("verhuisd" not in str(event) for event in body["history"])
    # The corporation's round still answers, the erased candidate without the fields.
    token = create_api_token(reference, user=users["corporation"])
    round_ = app.test_client().get(f"/api/v1/proposals/{made.proposal.id}",
                                   headers={"Authorization": f"Bearer {token}"})
    assert round_.status_code == 200
    shown = {c["client_id"]: c for c in round_.get_json()["candidates"]}
    assert shown[gone.id]["client"]["annual_income"] is None
    assert shown[gone.id]["motivation"] is None
    assert shown[stays.id]["client"]["annual_income"] == 16321
