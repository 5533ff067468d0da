"""The quarterly report: figures a reader would check against what happened."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from matching.reports import quarter_report, year_report
from matching.reports.export import to_csv, to_xlsx
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.errors import PermissionDenied, ValidationFailed
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData, make_user


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


@pytest.fixture
def quarter_with_one_letting(reference: Session):
    """Portaal submits one dwelling in 2019Q3; a first round is rejected, the second leads to
    a letting; seven Lister clients are waiting or were proposed."""
    session = reference
    portaal = make_user(session, "Portaal", "corporation")
    matcher = make_user(session, "Het Vierde Huis", "matcher")
    lister = make_user(session, "Lister", "care_provider")
    clients = []
    for _ in range(7):
        client = register_client(session, data=ClientData(), actor=lister, now=at(date(2019, 4, 1)))
        approve_client(session, client_id=client.id, actor=matcher, now=at(date(2019, 4, 2)))
        clients.append(client)
    dwelling = create_dwelling(session, data=DwellingData(), actor=portaal,
                               now=at(date(2019, 8, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=portaal, now=at(date(2019, 8, 1)))
    first = propose_candidates(session, dwelling_id=dwelling.id, actor=matcher,
                               client_ids=[c.id for c in clients[:2]], now=at(date(2019, 8, 2)))
    for client in clients[:2]:
        decide_candidate(session, proposal_id=first.id, client_id=client.id, decision="reject",
                         reason_code="liveability_complex", motivation="te veel begeleiding",
                         actor=portaal, now=at(date(2019, 8, 5)))
    second = propose_candidates(session, dwelling_id=dwelling.id, actor=matcher,
                                client_ids=[clients[2].id], now=at(date(2019, 8, 6)))
    decide_candidate(session, proposal_id=second.id, client_id=clients[2].id, decision="accept",
                     actor=portaal, now=at(date(2019, 8, 7)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2019, 8, 8)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2019, 9, 1),
                 lease_type="direct", actor=portaal, now=at(date(2019, 8, 15)))
    users = {
        "portaal": portaal, "matcher": matcher, "lister": lister,
        "mitros": make_user(session, "Mitros", "corporation"),
        "analyst": make_user(session, "Gemeente Utrecht", "analyst"),
    }
    return session, users


def test_the_quarter_report_counts_rounds_decisions_and_the_bottleneck(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    report = quarter_report(session, quarter="2019Q3", actor=users["matcher"])
    matching = report["matching"]
    assert (matching["rounds"], matching["candidates_proposed"]) == (2, 3)
    assert (matching["accepted"], matching["rejected"]) == (1, 2)
    assert matching["bottleneck_dwellings"] == 1
    assert matching["reasons"] == [{"reason_code": "liveability_complex", "count": 2}]
    portaal = next(row for row in report["quotas"] if row["corporation"] == "Portaal")
    assert portaal["submitted"] == 1
    assert [row["lettings"] for row in report["speed"]] == [1]


def test_a_corporation_reads_only_its_own_figures(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    theirs = quarter_report(session, quarter="2019Q3", actor=users["mitros"])
    assert [row["corporation"] for row in theirs["quotas"]] == ["Mitros"]
    assert theirs["matching"]["rounds"] == 0
    assert theirs["waiting"] == [] and theirs["contingents"] == []


def test_the_municipality_never_sees_a_count_of_fewer_than_five_clients(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    analyst = quarter_report(session, quarter="2019Q3", actor=users["analyst"])
    matcher = quarter_report(session, quarter="2019Q3", actor=users["matcher"])
    group = ClientData()["target_group"]
    seen_by_matcher = next(r for r in matcher["waiting"] if r["target_group"] == group)
    assert seen_by_matcher["waiting"] == 6  # seven approved, one housed
    # A waiting group of one to four: test_a_group_with_one_to_four_waiting_is_hidden_...
    lister = next(r for r in analyst["contingents"] if r["care_provider"] == "Lister")
    assert lister["housed"] is None and lister["suppressed"]


def _a_few_waiting(session: Session, users: dict, organisation: str, group: str,
                   count: int) -> None:
    """`count` clients of `organisation` in `group`, approved before the quarter."""
    provider = make_user(session, organisation, "care_provider")
    for _ in range(count):
        client = register_client(session, data=ClientData(target_group=group), actor=provider,
                                 now=at(date(2019, 4, 1)))
        approve_client(session, client_id=client.id, actor=users["matcher"],
                       now=at(date(2019, 4, 3)))


@pytest.mark.parametrize("few", [1, 4])
def test_a_group_with_one_to_four_waiting_is_hidden_from_the_municipality_with_its_waits(
        quarter_with_one_letting, few):
    session, users = quarter_with_one_letting
    _a_few_waiting(session, users, "De Tussenvoorziening", "wonen_na_detentie", few)
    analyst = quarter_report(session, quarter="2019Q3", actor=users["analyst"])
    matcher = quarter_report(session, quarter="2019Q3", actor=users["matcher"])

    # The matcher sees the count and the waits; the analyst sees neither, nor the median or
    # share that would let the count be worked out.
    group = next(r for r in matcher["waiting"] if r["target_group"] == "wonen_na_detentie")
    assert (group["waiting"], group["suppressed"]) == (few, False)
    assert group["median_days"] is not None and group["p90_days"] is not None
    assert group["share_past_three_months"] is not None
    hidden = next(r for r in analyst["waiting"] if r["target_group"] == "wonen_na_detentie")
    assert hidden["suppressed"] is True
    assert (hidden["waiting"], hidden["median_days"], hidden["p90_days"],
            hidden["share_past_three_months"]) == (None, None, None, None)
    # The group of six stays visible to both.
    shown = next(r for r in analyst["waiting"] if r["target_group"] == ClientData()["target_group"])
    assert (shown["waiting"], shown["suppressed"]) == (6, False)
    assert shown["median_days"] is not None

    # The same per care provider: De Tussenvoorziening has only these few.
    per_provider = {r["care_provider"]: r for r in analyst["waiting_per_care_provider"]}
    assert per_provider["De Tussenvoorziening"]["suppressed"] is True
    assert per_provider["De Tussenvoorziening"]["waiting"] is None
    assert per_provider["De Tussenvoorziening"]["median_days"] is None
    assert (per_provider["Lister"]["waiting"], per_provider["Lister"]["suppressed"]) == (6, False)
    matcher_rows = {r["care_provider"]: r for r in matcher["waiting_per_care_provider"]}
    assert matcher_rows["De Tussenvoorziening"]["waiting"] == few


def test_a_care_provider_may_not_read_the_report(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    with pytest.raises(PermissionDenied):
        quarter_report(session, quarter="2019Q3", actor=users["lister"])


def test_a_malformed_quarter_is_refused_with_the_field_named(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    with pytest.raises(ValidationFailed) as refused:
        quarter_report(session, quarter="2019-3", actor=users["matcher"])
    assert "quarter" in refused.value.fields


def test_the_year_report_exports_to_csv_and_xlsx(quarter_with_one_letting):
    session, users = quarter_with_one_letting
    report = year_report(session, year=2019, actor=users["matcher"])
    text = to_csv(report)
    assert text.splitlines()[0] == "section,row,metric,value"
    assert "matching,,rounds,2" in text
    assert to_xlsx(report)[:2] == b"PK"  # a zip container, as XLSX files are


def test_a_flip_lease_extension_counts_in_its_own_quarter_only(reference: Session):
    from matching.services.leases import extend_lease
    from matching.services.timers import run_tick
    from tests.web.test_leases import let_flip_lease

    landlord = make_user(reference, "Mitros", "corporation")
    matcher = make_user(reference, "Het Vierde Huis", "matcher")
    tenant = make_user(reference, "Lister", "care_provider")
    lease = let_flip_lease(reference, landlord, matcher, tenant)
    run_tick(reference, now=at(date(2021, 6, 16)))  # the review of 1 September 2021 is due
    extend_lease(reference, lease_id=lease.id, review_on=date(2022, 3, 1), reason="nog niet klaar",
                 actor=tenant, now=at(date(2021, 7, 1)))

    def extended(quarter: str) -> int:
        report = quarter_report(reference, quarter=quarter, actor=matcher,
                                today=date(2022, 1, 1))
        return report["leases"]["flip_extended_in_period"]

    assert (extended("2021Q2"), extended("2021Q3"), extended("2021Q4")) == (0, 1, 0)
    year = year_report(reference, year=2021, actor=matcher)
    assert year["leases"]["flip_extended_in_period"] == 1
