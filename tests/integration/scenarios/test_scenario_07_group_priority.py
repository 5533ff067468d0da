"""Scenario 07 (domain brief section 8): group priority when supply is tight.

Three groups wait: MO/BW outflow with its one-time backlog of 550 (the seeds' figure) and an
average wait above the 3-month ambition, statushouders and women's shelter outflow (other
urgent groups) with shorter waits. The 2019 criteria (domain brief 3.5) rank the groups:
1. the longer average wait, 2. the more people waiting, 3. the lower share of the lettings of
the last twelve months; each tie goes to the next criterion (matching/engine/ranking.py). The
first group gets the policy's full group points, the last none.

The waiting counts of the other groups and every average wait are not in the seeds (the
brief's PARAM): the values below are chosen for the test. Clients are registered and approved
through the services; their wait starts on the date given at approval.
"""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from matching.engine.context import build_context, policy_for
from matching.parameters import year_parameters
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData, make_user

TODAY = date(2019, 10, 1)
MOBW_BACKLOG = 550  # [001] the one-time MO/BW backlog


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


class People:
    def __init__(self, session: Session) -> None:
        self.provider = make_user(session, "Lister", "care_provider")
        self.matcher = make_user(session, "Het Vierde Huis", "matcher")
        self.corporation = make_user(session, "Mitros", "corporation")


def _waiting(session: Session, people: People, group: str, count: int,
             waits: list[int], approved_on: date = TODAY) -> list[int]:
    """`count` clients of `group`, waiting `waits[i % len(waits)]` days by `approved_on`."""
    made = []
    for n in range(count):
        client = register_client(session, data=ClientData(target_group=group,
                                                          registered_on=date(2017, 1, 1)),
                                 actor=people.provider, now=at(approved_on))
        approve_client(session, client_id=client.id, actor=people.matcher,
                       waiting_since=approved_on - timedelta(days=waits[n % len(waits)]),
                       now=at(approved_on))
        made.append(client.id)
    return made


def _housed(session: Session, people: People, group: str) -> None:
    """One client of `group` let a dwelling in the last twelve months (through the workflow)."""
    (client_id,) = _waiting(session, people, group, 1, [30], approved_on=date(2019, 7, 1))
    dwelling = create_dwelling(session, data=DwellingData(), actor=people.corporation,
                               now=at(date(2019, 8, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=people.corporation,
                    now=at(date(2019, 8, 1)))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client_id],
                                  actor=people.matcher, now=at(date(2019, 8, 2)))
    decide_candidate(session, proposal_id=proposal.id, client_id=client_id, decision="accept",
                     actor=people.corporation, now=at(date(2019, 8, 5)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted",
                        actor=people.matcher, now=at(date(2019, 8, 12)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2019, 9, 1),
                 lease_type="direct", actor=people.corporation, now=at(date(2019, 8, 20)))


def _ranking(session: Session):  # type: ignore[no-untyped-def]
    policy = policy_for(year_parameters(session, TODAY.year))
    context = build_context(session, policy, TODAY)
    order = sorted(context.groups.values(), key=lambda g: g.rank)
    return policy, context, order


def test_scenario_07_mobw_with_550_waiting_over_three_months_ranks_first_on_criterion_1(
    reference: Session,
):
    session = reference
    people = People(session)
    # MO/BW: 550 waiting, on average 150 days (above the 3-month ambition of about 92 days).
    _waiting(session, people, "mobw_uitstroom", MOBW_BACKLOG, [100, 200])
    _waiting(session, people, "statushouder", 40, [60])
    _waiting(session, people, "vrouwenopvang", 60, [30])  # more waiting, yet a shorter wait
    policy, context, order = _ranking(session)
    assert [(g.code, g.waiting, g.average_wait_days) for g in order] == [
        ("mobw_uitstroom", 550, 150.0), ("statushouder", 40, 60.0),
        ("vrouwenopvang", 60, 30.0)]
    assert order[0].average_wait_days > (TODAY - date(2019, 7, 1)).days  # past 3 months
    assert [context.group_points[g.code] for g in order] == [
        policy.group_priority, round(policy.group_priority / 2), 0]


def test_scenario_07_a_tie_on_average_wait_goes_to_the_number_waiting_then_to_the_lettings(
    reference: Session,
):
    session = reference
    people = People(session)
    # Equal average waits (120 days) everywhere; MO/BW and statushouders wait 30 each, one
    # statushouder was housed in the last twelve months; women's shelter has fewer waiting.
    _waiting(session, people, "mobw_uitstroom", 30, [120])
    _waiting(session, people, "statushouder", 30, [120])
    _waiting(session, people, "vrouwenopvang", 10, [120])
    _housed(session, people, "statushouder")
    _, context, order = _ranking(session)
    assert [(g.code, g.waiting, g.average_wait_days, g.recent_share) for g in order] == [
        ("mobw_uitstroom", 30, 120.0, 0.0),  # criterion 3: no letting in the last year
        ("statushouder", 30, 120.0, 1.0),  # criterion 3: every letting of the last year
        ("vrouwenopvang", 10, 120.0, 0.0),  # criterion 2: fewer waiting, before criterion 3
    ]
    assert [g.rank for g in order] == [1, 2, 3]
    assert context.group_points["vrouwenopvang"] == 0
