"""Scenario 02 (domain brief section 8): the rejection and re-proposal loop.

Portaal submits a small dwelling in Overvecht; Het Vierde Huis proposes three candidates from
three care providers; Portaal rejects all three with the spreading and liveability reasons
(`area_concentration`, `liveability_complex` in seeds/reason_codes.csv) and free text.

The product's names for the brief's words: the round that closes with every candidate rejected
is a proposal in state `rejected` (the brief's NO_MATCH_MOTIVATED: each rejection carries its
reason), and the dwelling returns to `submitted` for a new set. The "matching was bottleneck"
counter is the quarter report's `matching.bottleneck_dwellings` (dwellings that needed two or
more rounds). The number of candidates (3) is the brief's PARAM example; the dates are chosen
in the third quarter of 2019, after the 1 August start.
"""

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from matching.models import Candidate, Proposal
from matching.reports.build import quarter_report
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.matching import suggest_for_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData, make_user

PROVIDERS = ("Lister", "De Tussenvoorziening", "Leger des Heils")
REASONS = ("area_concentration", "liveability_complex", "area_concentration")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _portaal_figures(session: Session, matcher) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """The quarter report's matching section and Portaal's quota row for 2019 Q3."""
    report = quarter_report(session, quarter="2019Q3", actor=matcher, today=date(2019, 9, 30))
    quota = next(row for row in report["quotas"] if row["corporation"] == "Portaal")
    return report["matching"], quota


def test_scenario_02_three_rejected_with_reasons_lead_to_a_new_set_and_count_as_bottleneck(
    reference: Session,
):
    session = reference
    portaal = make_user(session, "Portaal", "corporation")
    matcher = make_user(session, "Het Vierde Huis", "matcher")
    providers = [make_user(session, name, "care_provider") for name in PROVIDERS]
    clients = []
    for index in range(6):  # two waiting clients per care provider
        provider = providers[index % 3]
        client = register_client(session, data=ClientData(), actor=provider,
                                 now=at(date(2019, 7, 1)))
        approve_client(session, client_id=client.id, actor=matcher, now=at(date(2019, 7, 2)))
        clients.append(client)

    # A small dwelling in Overvecht (2 rooms, 48 m²), submitted in the third quarter.
    dwelling = create_dwelling(session, data=DwellingData(wijk="Overvecht", rooms=2,
                                                          floor_area_m2=48),
                               actor=portaal, now=at(date(2019, 8, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=portaal, now=at(date(2019, 8, 1)))
    first_set = [clients[0], clients[1], clients[2]]  # one per care provider
    assert len({c.care_provider_id for c in first_set}) == 3
    first = propose_candidates(session, dwelling_id=dwelling.id,
                               client_ids=[c.id for c in first_set], actor=matcher,
                               motivation="Drie kandidaten van drie zorgaanbieders",
                               now=at(date(2019, 8, 2)))
    matching_before, quota_before = _portaal_figures(session, matcher)
    assert matching_before["bottleneck_dwellings"] == 0
    assert quota_before["submitted"] == 1

    # Portaal rejects all three, each with a reason code and free text.
    texts = [f"Portiek {n} heeft al veel begeleide huurders" for n in (1, 2, 3)]
    for client, reason, text in zip(first_set, REASONS, texts, strict=True):
        decide_candidate(session, proposal_id=first.id, client_id=client.id, decision="reject",
                         reason_code=reason, motivation=text, actor=portaal,
                         now=at(date(2019, 8, 5)))

    # The round closes as a motivated no-match; the dwelling waits for a new set.
    assert first.state == "rejected"
    assert dwelling.state == "submitted"
    assert {c.state for c in first_set} == {"waiting"}  # back in the queue, wait kept
    stored = session.exec(select(Candidate).where(Candidate.proposal_id == first.id)
                          .order_by(Candidate.position)).all()
    assert [(c.client_id, c.state, c.reason_code, c.motivation) for c in stored] == [
        (client.id, "rejected", reason, text)
        for client, reason, text in zip(first_set, REASONS, texts, strict=True)]

    # Het Vierde Huis proposes a new set: the engine leaves the rejected three out.
    suggestions = suggest_for_dwelling(session, dwelling_id=dwelling.id, actor=matcher,
                                       now=at(date(2019, 8, 6)))
    suggested = {s.client.id for s in suggestions.suggestions}
    assert suggested == {clients[3].id, clients[4].id, clients[5].id}
    second = propose_candidates(session, dwelling_id=dwelling.id, client_ids=sorted(suggested),
                                actor=matcher, now=at(date(2019, 8, 6)))
    assert (second.round_no, second.state, dwelling.state) == (2, "open", "proposed")
    rounds = session.exec(select(Proposal.round_no, Proposal.state)
                          .where(Proposal.dwelling_id == dwelling.id)
                          .order_by(Proposal.round_no)).all()
    assert rounds == [(1, "rejected"), (2, "open")]

    # The report: one more bottleneck dwelling, the three reasons counted, and the quota still
    # counts the dwelling once as submitted.
    matching_after, quota_after = _portaal_figures(session, matcher)
    assert matching_after["bottleneck_dwellings"] == matching_before["bottleneck_dwellings"] + 1
    assert matching_after["rejected"] == 3
    assert matching_after["reasons"] == [
        {"reason_code": "area_concentration", "count": 2},
        {"reason_code": "liveability_complex", "count": 1}]
    assert quota_after["submitted"] == quota_before["submitted"] == 1
