"""Notifications: who is told what, in the transaction of its cause or by the tick, once per
cause however often the tick runs (SQLite, and PostgreSQL when configured)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from matching.models import Lease, Notice, Notification, OutboxMail, Proposal, User
from matching.notifications.kinds import KINDS, message
from matching.notifications.notify import next_digest_time
from matching.services.administration import set_year_parameter
from matching.services.errors import ValidationFailed
from matching.services.lease_requests import request_lease_transfer
from matching.services.notifications import mark_all_read, mark_read, set_mail_preferences
from matching.services.proposals import propose_candidates
from matching.services.round_escalation import cancel_round, extend_round_deadline
from matching.services.timers import run_tick
from matching.workflow import TransitionNotAllowed
from tests.world import World, at


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def notices(session: Session, kind: str | None = None) -> list[Notice]:
    query = select(Notice).order_by(col(Notice.id))
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(session.exec(query))


def kinds_of(session: Session, user: User) -> list[str]:
    """The kinds in a user's list, oldest first."""
    return list(session.exec(
        select(Notice.kind).join(Notification, col(Notification.notice_id) == col(Notice.id))
        .where(Notification.user_id == user.id).order_by(col(Notification.id))))


def tick(world: World, moment: datetime) -> dict[str, int]:
    return run_tick(world.session, now=moment).noticed


# --- created in the transaction of their cause ------------------------------------------------


def test_opening_a_round_tells_the_owning_corporation_and_nobody_else(world: World):
    dwelling = world.submitted(address="Oudegracht 12, Utrecht")
    other_corporation, matcher = world.mitros, world.matcher
    proposal = world.propose(dwelling, [world.waiting()])

    assert kinds_of(world.session, world.portaal) == ["round_opened"]
    assert kinds_of(world.session, other_corporation) == []
    assert "round_opened" not in kinds_of(world.session, matcher)
    [notice] = notices(world.session, "round_opened")
    assert (notice.subject_type, notice.subject_id) == ("proposal", proposal.id)
    text = message(notice.kind, notice.params, "nl")
    assert "Oudegracht 12" in text and "ronde 1" in text


def test_a_decision_on_a_round_tells_the_agency(world: World):
    dwelling = world.submitted()
    client = world.waiting()
    proposal = world.propose(dwelling, [client])
    world.decide(proposal, client, "accept")
    assert kinds_of(world.session, world.matcher)[-1] == "round_decided"
    [notice] = notices(world.session, "round_decided")
    assert notice.params["outcome"] == "accepted"
    assert "geaccepteerd" in message(notice.kind, notice.params, "nl")


def test_rejecting_one_of_two_candidates_tells_nobody_and_rejecting_the_last_does(world: World):
    dwelling = world.submitted()
    first, second = world.waiting(), world.waiting()
    proposal = world.propose(dwelling, [first, second])
    world.reject(proposal, first)
    assert notices(world.session, "round_decided") == []
    world.reject(proposal, second)
    [notice] = notices(world.session, "round_decided")
    assert notice.params["outcome"] == "rejected"


def test_a_referral_tells_the_agency_without_naming_the_client(world: World):
    matcher = world.matcher
    client = world.registered(reference="LIS-SECRET-7", birth_year=1971, annual_income=14321)
    [notice] = notices(world.session, "referral_received")
    assert (notice.subject_type, notice.subject_id) == ("client", client.id)
    assert kinds_of(world.session, matcher) == ["referral_received"]
    for language in ("nl", "en"):
        text = message(notice.kind, notice.params, language)
        assert "Lister" in text
        assert not {"LIS-SECRET-7", "1971", "14321", "14.321"} & set(text.replace(",", " ")
                                                                       .replace(".", " ").split())
        assert "LIS-SECRET-7" not in text and "1971" not in text


def test_a_transfer_request_tells_the_landlord_and_not_the_tenant(world: World):
    lease = world.due_flip()
    request_lease_transfer(world.session, lease_id=lease.id, wished_on=lease.review_on,
                           actor=world.lister, now=at(lease.review_on - timedelta(days=30)))
    assert kinds_of(world.session, world.portaal)[-1] == "transfer_requested"
    assert "transfer_requested" not in kinds_of(world.session, world.lister)


def test_a_refused_service_leaves_no_notice_behind(world: World):
    dwelling = world.submitted()
    client = world.waiting()
    world.propose(dwelling, [client])
    before = len(notices(world.session))
    with pytest.raises(TransitionNotAllowed):
        propose_candidates(world.session, dwelling_id=dwelling.id, client_ids=[client.id],
                           actor=world.matcher, now=world.tick())
    assert len(notices(world.session)) == before


def test_an_inactive_user_and_an_administrator_of_the_organisation_are_not_told(world: World):
    inactive = world.user("Portaal", "corporation")
    inactive.active = False
    world.session.commit()
    administrator = world.user("Portaal", "admin")
    world.propose(world.submitted(), [world.waiting()])
    assert kinds_of(world.session, world.portaal) == ["round_opened"]
    assert kinds_of(world.session, inactive) == []
    assert kinds_of(world.session, administrator) == []


# --- deadlines in working days ------------------------------------------------------------------


def _round_opened_on(world: World, moment: datetime) -> Proposal:
    world.now = moment - timedelta(days=4)  # the dwelling is submitted days before the round
    dwelling = world.submitted()
    client = world.waiting()
    return propose_candidates(world.session, dwelling_id=dwelling.id, client_ids=[client.id],
                              actor=world.matcher, now=moment)


def test_a_round_opened_on_friday_20_december_2019_is_reminded_and_overdue_on_working_days(
    world: World,
):
    # 25 and 26 December are holidays: three working days after Friday 20 December end on
    # Friday 27 December, five on Tuesday 31 December; the next day the round is overdue.
    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    assert proposal.deadline == date(2019, 12, 31)
    corporation = world.portaal

    for day in (date(2019, 12, 23), date(2019, 12, 24), date(2019, 12, 26)):
        assert tick(world, at(day)) == {}, day
    assert tick(world, at(date(2019, 12, 27), 7)) == {"round_reminder": 1}
    for day in (date(2019, 12, 30), date(2019, 12, 31)):
        assert tick(world, at(day)) == {}, day
    report = run_tick(world.session, now=at(date(2020, 1, 1)))
    assert (report.fired, report.noticed) == ({"proposal.escalate": 1}, {"round_overdue": 1})
    assert tick(world, at(date(2020, 1, 2))) == {}
    assert kinds_of(world.session, corporation) == [
        "round_opened", "round_reminder", "round_overdue"]
    assert "round_overdue" in kinds_of(world.session, world.matcher)
    assert world.fresh(Proposal, proposal.id).state == "overdue"


def test_good_friday_is_a_working_day_unless_the_year_parameter_makes_it_a_holiday(
    world: World,
):
    # Thursday 18 April 2019: Friday 19 is Good Friday, Monday 22 Easter Monday.
    proposal = _round_opened_on(world, datetime(2019, 4, 18, 9, tzinfo=UTC))
    assert proposal.deadline == date(2019, 4, 26)  # 19, 23, 24, 25, 26
    set_year_parameter(world.session, year=2019, name="good_friday_is_holiday", value="1",
                       actor=world.admin)
    proposal = _round_opened_on(world, datetime(2019, 4, 18, 9, tzinfo=UTC))
    assert proposal.deadline == date(2019, 4, 29)  # 23, 24, 25, 26, 29


# --- timer notices: each once ---------------------------------------------------------------


def test_every_timer_notice_fires_once_however_often_the_tick_runs(world: World):
    at_risk = world.submitted()  # submitted on 3 July 2019
    offer, _client = world.matched()
    flip = world.let("flip")
    campus = world.let("campus")
    moments = [at(date(2019, 8, 30)), at(date(2019, 8, 30), 11), at(date(2019, 9, 2))]
    for moment in moments:
        run_tick(world.session, now=moment)
    assert [n.subject_id for n in notices(world.session, "dwelling_at_risk")] == [at_risk.id]
    assert [n.subject_id for n in notices(world.session, "offer_overdue")] == [offer.id]
    assert kinds_of(world.session, world.portaal).count("dwelling_at_risk") == 1
    assert kinds_of(world.session, world.matcher).count("offer_overdue") == 1

    # The flip lease's review on 1 September 2021 and the campus lease's end in 2024.
    review = world.fresh(Lease, flip.id).review_on
    end = world.fresh(Lease, campus.id).end_on
    for moment in [at(review - relativedelta(months=3)), at(review - relativedelta(months=3)),
                   at(review - relativedelta(months=1)), at(review), at(review, 15),
                   at(end - relativedelta(months=6)), at(end - relativedelta(months=6))]:
        run_tick(world.session, now=moment)
    kinds = [n.kind for n in notices(world.session)]
    for kind in ("flip_review_3m", "flip_review_1m", "flip_review_due", "campus_end_6m"):
        assert kinds.count(kind) == 1, kind
    assert kinds_of(world.session, world.lister).count("flip_review_due") == 1
    assert "campus_end_6m" not in kinds_of(world.session, world.lister)


def test_a_week_without_ticks_catches_up_with_each_reminder_once(world: World):
    # Opened on Friday 20 December; no tick runs until Friday 3 January.
    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    flip = world.let("flip", start=date(2018, 1, 15))  # review on 15 January 2020
    world.now = datetime(2019, 12, 21, tzinfo=UTC)
    at_risk = world.submitted()  # its twentieth working day falls in January

    report = run_tick(world.session, now=at(date(2020, 1, 3)))
    # The round passed its reminder day and its deadline; the lease passed three months and
    # one month before its review.
    assert report.noticed == {"round_reminder": 1, "round_overdue": 1, "flip_review_3m": 1,
                              "flip_review_1m": 1}
    assert world.fresh(Proposal, proposal.id).state == "overdue"
    assert run_tick(world.session, now=at(date(2020, 1, 3), 11)).noticed == {}
    report = run_tick(world.session, now=at(date(2020, 1, 27)))
    # Both dwellings are unmatched after twenty working days: the one waiting on the overdue
    # round and the one nobody proposed for.
    assert report.noticed == {"flip_review_due": 1, "dwelling_at_risk": 2}
    assert [n.subject_id for n in notices(world.session, "flip_review_due")] == [flip.id]
    assert sorted(n.subject_id for n in notices(world.session, "dwelling_at_risk")) == sorted(
        [proposal.dwelling_id, at_risk.id])
    assert run_tick(world.session, now=at(date(2020, 1, 28))).noticed == {}


def test_an_extended_flip_lease_gets_its_reminders_again_for_the_new_review_date(world: World):
    from matching.services.leases import extend_lease

    lease = world.due_flip()
    run_tick(world.session, now=at(lease.review_on))
    assert [n.kind for n in notices(world.session) if n.kind.startswith("flip")] == [
        "flip_review_3m", "flip_review_1m", "flip_review_due"]
    new_review = lease.review_on + relativedelta(months=6)
    extend_lease(world.session, lease_id=lease.id, review_on=new_review, reason="not ready yet",
                 actor=world.lister, now=at(lease.review_on, 12))
    run_tick(world.session, now=at(new_review - relativedelta(months=1)))
    flips = [(n.kind, n.key.rsplit(":", 1)[1]) for n in notices(world.session)
             if n.kind.startswith("flip")]
    assert flips[3:] == [("flip_review_3m", new_review.isoformat()),
                         ("flip_review_1m", new_review.isoformat())]


# --- escalation: extend once, or cancel ----------------------------------------------------------


def test_the_agency_extends_an_overdue_round_once_and_it_can_be_overdue_again(world: World):
    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    run_tick(world.session, now=at(date(2020, 1, 2)))
    extended = extend_round_deadline(world.session, proposal_id=proposal.id,
                                     deadline=date(2020, 1, 7), reason="contact person ill",
                                     actor=world.matcher, now=at(date(2020, 1, 2), 11))
    assert (extended.state, extended.deadline, extended.original_deadline) == (
        "open", date(2020, 1, 7), date(2019, 12, 31))
    assert kinds_of(world.session, world.portaal)[-1] == "round_extended"
    with pytest.raises(TransitionNotAllowed):
        extend_round_deadline(world.session, proposal_id=proposal.id, deadline=date(2020, 1, 8),
                              reason="again", actor=world.matcher, now=at(date(2020, 1, 3)))
    report = run_tick(world.session, now=at(date(2020, 1, 8)))
    assert report.noticed == {"round_overdue": 1}
    assert len(notices(world.session, "round_overdue")) == 2  # one per deadline


@pytest.mark.parametrize(("deadline", "reason", "field"), [
    (date(2020, 1, 2), "ill", "deadline"),  # not after today
    (date(2020, 1, 4), "ill", "deadline"),  # a Saturday
    (date(2020, 2, 3), "ill", "deadline"),  # more than one decision term ahead
    (date(2020, 1, 7), "  ", "reason"),
])
def test_an_extension_needs_a_working_day_within_one_term_and_a_reason(
    world: World, deadline: date, reason: str, field: str,
):
    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    run_tick(world.session, now=at(date(2020, 1, 2)))
    with pytest.raises(ValidationFailed) as refused:
        extend_round_deadline(world.session, proposal_id=proposal.id, deadline=deadline,
                              reason=reason, actor=world.matcher, now=at(date(2020, 1, 2), 11))
    assert set(refused.value.fields) == {field}
    assert world.fresh(Proposal, proposal.id).deadline == date(2019, 12, 31)


def test_cancelling_a_round_sends_its_candidates_back_and_tells_the_corporation(world: World):
    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    cancelled = cancel_round(world.session, proposal_id=proposal.id, reason="no answer at all",
                             actor=world.matcher, now=at(date(2020, 1, 6)))
    assert cancelled.state == "cancelled"
    dwelling = world.fresh(type(world.submitted()), proposal.dwelling_id)
    assert dwelling.state == "submitted"
    assert kinds_of(world.session, world.portaal)[-1] == "round_cancelled"
    with pytest.raises(TransitionNotAllowed):
        cancel_round(world.session, proposal_id=proposal.id, reason="twice",
                     actor=world.matcher, now=at(date(2020, 1, 6), 11))


def test_only_the_agency_may_extend_or_cancel_a_round(world: World):
    from matching.services.errors import PermissionDenied

    proposal = _round_opened_on(world, datetime(2019, 12, 20, 15, tzinfo=UTC))
    with pytest.raises(PermissionDenied):
        extend_round_deadline(world.session, proposal_id=proposal.id, deadline=date(2019, 12, 31),
                              reason="x", actor=world.portaal, now=at(date(2019, 12, 23)))
    with pytest.raises(PermissionDenied):
        cancel_round(world.session, proposal_id=proposal.id, reason="x", actor=world.portaal,
                     now=at(date(2019, 12, 23)))


# --- reading and e-mail preferences ---------------------------------------------------------


def test_marking_read_is_the_recipients_own_and_mark_all_counts_the_unread(world: World):
    from matching.services.errors import NotFound

    world.propose(world.submitted(), [world.waiting()])
    world.propose(world.submitted(), [world.waiting()])
    first, second = world.session.exec(select(Notification).where(
        Notification.user_id == world.portaal.id).order_by(col(Notification.id))).all()
    with pytest.raises(NotFound):
        mark_read(world.session, notification_id=first.id, actor=world.mitros)
    row = mark_read(world.session, notification_id=first.id, actor=world.portaal)
    assert row.read_at is not None
    assert mark_all_read(world.session, actor=world.portaal) == 1
    assert world.fresh(Notification, second.id).read_at is not None


def test_each_user_chooses_per_kind_immediately_a_digest_or_no_mail(world: World):
    immediate = world.portaal
    digest, silent = world.user("Portaal", "corporation"), world.user("Portaal", "corporation")
    set_mail_preferences(world.session, actor=digest, deliveries={"round_opened": "digest"})
    set_mail_preferences(world.session, actor=silent, deliveries={"round_opened": "none"},
                         language="en")
    opened_at = datetime(2019, 12, 20, 15, tzinfo=UTC)  # 16:00 in Utrecht
    _round_opened_on(world, opened_at)
    mails = {m.user_id: m for m in world.session.exec(select(OutboxMail))}
    assert set(mails) == {immediate.id, digest.id}
    assert mails[immediate.id].digest is False
    assert mails[digest.id].digest is True
    assert mails[digest.id].due_at.replace(tzinfo=UTC) == datetime(2019, 12, 21, 7, tzinfo=UTC)
    assert world.fresh(User, silent.id).language == "en"


def test_a_preference_for_a_kind_the_role_does_not_receive_or_an_unknown_delivery_is_refused(
    world: World,
):
    with pytest.raises(ValidationFailed) as refused:
        set_mail_preferences(world.session, actor=world.portaal,
                             deliveries={"referral_received": "digest", "round_opened": "weekly"},
                             language="de")
    assert set(refused.value.fields) == {"referral_received", "round_opened", "language"}


def test_the_digest_goes_out_at_eight_in_utrecht_summer_and_winter():
    assert next_digest_time(datetime(2019, 7, 1, 5, 59, tzinfo=UTC)) == datetime(
        2019, 7, 1, 6, tzinfo=UTC)
    assert next_digest_time(datetime(2019, 7, 1, 6, 0, tzinfo=UTC)) == datetime(
        2019, 7, 2, 6, tzinfo=UTC)
    assert next_digest_time(datetime(2019, 12, 20, 23, 30, tzinfo=UTC)) == datetime(
        2019, 12, 21, 7, tzinfo=UTC)


def test_every_kind_has_a_message_in_both_languages_naming_no_unknown_parameter():
    params = {"round_no": 2, "address": "Oudegracht 12", "deadline": "2019-12-31",
              "corporation": "Portaal", "outcome_nl": "x", "outcome_en": "x", "days": 20,
              "lease_id": 7, "review_on": "2021-09-01", "end_on": "2024-09-01",
              "wished_on": "2021-10-01", "care_provider": "Lister",
              "year": 2026, "task": 385, "base_year": 2025,
              "count": 140, "project": "Defensieterrein", "providers": "Leger des Heils",
              "capacity": 92}
    assert len(KINDS) >= 12
    for kind in KINDS:
        for language in ("nl", "en"):
            text = message(kind, params, language)
            assert "–" not in text and "{" not in text, (kind, language, text)
    assert "31 december 2019" in message("round_opened", params, "nl")
    assert "31 December 2019" in message("round_opened", params, "en")


# --- a property: however the ticks fall, nothing due is lost and nothing is told twice --------


def _small_world(session: Session) -> None:
    """Rounds, an offer, a flip and a campus lease whose reminders fall in 2019-2021."""
    world = World(session)
    world.submitted()
    world.propose(world.submitted(), [world.waiting()])
    world.matched()
    world.let("flip", start=date(2019, 3, 1))  # review on 1 March 2021
    world.let("campus", start=date(2016, 9, 1))  # ends 1 September 2021


@given(gaps=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=8))
@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_however_the_ticks_fall_every_due_notice_is_recorded_once(tmp_path_factory, gaps):
    from sqlmodel import SQLModel, create_engine

    from matching.notifications.due import due_notices
    from matching.services.reference import load_reference

    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('ticks') / 'db.sqlite'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        _small_world(session)
        moment = datetime(2019, 7, 10, 9, tzinfo=UTC)
        for gap in gaps:
            moment += timedelta(days=gap)
            run_tick(session, now=moment)
            recorded = [n.key for n in session.exec(select(Notice))]
            assert len(recorded) == len(set(recorded))
            due = due_notices(session, moment.date())
            assert {d.key for d in due} <= set(recorded), "a due notice was not recorded"
            assert run_tick(session, now=moment).noticed == {}
    engine.dispose()
