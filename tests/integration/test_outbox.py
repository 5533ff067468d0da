"""E-mail through the outbox, delivered to a real SMTP server: the real messages, a refused
delivery kept with its error and sent later, digests at 08:00, and never a mail twice."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from matching.models import Notification, OutboxMail, User
from matching.notifications.outbox import Mailer, send_outbox
from matching.notifications.transports import SmtpTransport, transport_from_url
from matching.services.notifications import mark_read, set_mail_preferences
from matching.services.proposals import propose_candidates
from matching.services.timers import run_tick
from tests.smtp import free_port, html_text, plain_text, smtp_server
from tests.world import World

BASE_URL = "https://matching.example.org"


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def mailer(url: str) -> Mailer:
    return Mailer(transport_from_url(url), "Matching Utrecht <noreply@matching.example.org>",
                  BASE_URL)


def open_round(world: World, moment: datetime, address: str = "Oudegracht 12, Utrecht"):
    world.now = moment - timedelta(days=3)
    dwelling = world.submitted(address=address)
    client = world.waiting(reference=f"LIS-PRIVATE-{moment:%d%H%M}", birth_year=1977,
                           annual_income=15999)
    return propose_candidates(world.session, dwelling_id=dwelling.id, client_ids=[client.id],
                              actor=world.matcher, now=moment)


def outbox(session: Session) -> list[OutboxMail]:
    with Session(session.get_bind()) as fresh:
        return list(fresh.exec(select(OutboxMail).order_by(col(OutboxMail.id))))


MOMENT = datetime(2019, 12, 20, 10, tzinfo=UTC)


def test_the_smtp_server_receives_a_dutch_mail_with_an_html_alternative_and_no_client_data(
    world: World,
):
    corporation = world.portaal
    proposal = open_round(world, MOMENT)
    [notification] = world.session.exec(select(Notification).where(
        Notification.user_id == corporation.id)).all()
    with smtp_server() as (inbox, url):
        report = send_outbox(world.session, now=MOMENT + timedelta(minutes=1), mailer=mailer(url))
    assert (report.sent, report.failed) == (1, 0)
    [mail] = [m for m in inbox.messages if m["To"] == corporation.email]
    assert mail["Subject"] == "Matching Utrecht – Nieuwe voorstelronde voor een woning"
    assert mail["From"] == "Matching Utrecht <noreply@matching.example.org>"
    text, html = plain_text(mail), html_text(mail)
    assert "ronde 1 voor Oudegracht 12" in text
    assert "31 december 2019" in text
    assert f"{BASE_URL}/meldingen/{notification.id}" in text
    assert f'href="{BASE_URL}/meldingen/{notification.id}"' in html
    for private in ("LIS-PRIVATE", "1977", "15999", "15.999"):
        assert private not in text and private not in html
    assert proposal.id is not None
    [row] = [m for m in outbox(world.session) if m.user_id == corporation.id]
    assert row.sent_at is not None and row.attempts == 1 and row.message_id == mail["Message-ID"]


def test_a_user_who_chose_english_gets_the_mail_in_english(world: World):
    set_mail_preferences(world.session, actor=world.portaal, deliveries={}, language="en")
    open_round(world, MOMENT)
    with smtp_server() as (inbox, url):
        send_outbox(world.session, now=MOMENT, mailer=mailer(url))
    [mail] = [m for m in inbox.messages if m["To"] == world.portaal.email]
    assert mail["Subject"] == "Matching Utrecht – New round of candidates for a dwelling"
    assert "decide by 31 December 2019" in plain_text(mail)


def test_a_delivered_mail_is_never_sent_again(world: World):
    open_round(world, MOMENT)
    with smtp_server() as (inbox, url):
        first = send_outbox(world.session, now=MOMENT, mailer=mailer(url))
        again = send_outbox(world.session, now=MOMENT + timedelta(hours=2), mailer=mailer(url))
        later = run_tick(world.session, now=MOMENT + timedelta(days=1), mailer=mailer(url))
    assert first.sent >= 1
    assert (again.sent, again.mails) == (0, 0)
    assert later.mail is not None and later.mail.mails == 0
    assert len([m for m in inbox.messages if m["To"] == world.portaal.email]) == 1


def test_a_refused_mail_stays_queued_with_its_error_and_goes_out_on_a_later_send(world: World):
    open_round(world, MOMENT)
    with smtp_server(refuse=True) as (refusing, url):
        report = send_outbox(world.session, now=MOMENT, mailer=mailer(url))
    assert refusing.messages == []
    assert report.failed >= 1 and report.sent == 0
    [row] = [m for m in outbox(world.session) if m.user_id == world.portaal.id]
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error is not None and "451" in row.last_error
    assert row.due_at.replace(tzinfo=UTC) == MOMENT + timedelta(minutes=1)  # the retry time

    with smtp_server() as (inbox, url):
        too_early = send_outbox(world.session, now=MOMENT + timedelta(seconds=30),
                                mailer=mailer(url))
        on_time = send_outbox(world.session, now=MOMENT + timedelta(minutes=1),
                              mailer=mailer(url))
    assert too_early.mails == 0
    assert on_time.sent >= 1
    assert [m["To"] for m in inbox.messages].count(world.portaal.email) == 1
    [row] = [m for m in outbox(world.session) if m.user_id == world.portaal.id]
    assert row.sent_at is not None and row.attempts == 2


def test_a_server_that_cannot_be_reached_leaves_the_mail_queued(world: World):
    open_round(world, MOMENT)
    report = send_outbox(world.session, now=MOMENT,
                         mailer=Mailer(SmtpTransport("127.0.0.1", free_port()), "x@example.org",
                                       BASE_URL))
    assert report.failed >= 1
    [row] = [m for m in outbox(world.session) if m.user_id == world.portaal.id]
    assert row.sent_at is None and "Connection" in (row.last_error or "")


def test_a_digest_carries_the_days_notifications_in_one_mail_at_eight(world: World):
    set_mail_preferences(world.session, actor=world.portaal,
                         deliveries={"round_opened": "digest"})
    open_round(world, datetime(2019, 12, 19, 9, tzinfo=UTC), "Oudegracht 1, Utrecht")
    open_round(world, datetime(2019, 12, 19, 15, tzinfo=UTC), "Neude 2, Utrecht")
    with smtp_server() as (inbox, url):
        send_outbox(world.session, now=datetime(2019, 12, 20, 6, 59, tzinfo=UTC),
                    mailer=mailer(url))
        before_eight = [m for m in inbox.messages if m["To"] == world.portaal.email]
        send_outbox(world.session, now=datetime(2019, 12, 20, 7, 0, tzinfo=UTC),
                    mailer=mailer(url))
    assert before_eight == []
    mine = [m for m in inbox.messages if m["To"] == world.portaal.email]
    assert len(mine) == 1
    assert mine[0]["Subject"] == "Matching Utrecht – Dagoverzicht 20 december 2019: 2 meldingen"
    text = plain_text(mine[0])
    assert "Oudegracht 1" in text and "Neude 2" in text


def test_several_immediate_notifications_go_out_as_one_mail(world: World):
    open_round(world, MOMENT, "Oudegracht 1, Utrecht")
    open_round(world, MOMENT + timedelta(minutes=1), "Neude 2, Utrecht")
    with smtp_server() as (inbox, url):
        send_outbox(world.session, now=MOMENT + timedelta(minutes=2), mailer=mailer(url))
    [mail] = [m for m in inbox.messages if m["To"] == world.portaal.email]
    assert mail["Subject"] == "Matching Utrecht – 2 nieuwe meldingen"


def test_a_notification_read_in_the_application_first_is_not_mailed(world: World):
    set_mail_preferences(world.session, actor=world.portaal,
                         deliveries={"round_opened": "digest"})
    open_round(world, MOMENT)
    [notification] = world.session.exec(select(Notification).where(
        Notification.user_id == world.portaal.id)).all()
    mark_read(world.session, notification_id=notification.id, actor=world.portaal)
    with smtp_server() as (inbox, url):
        report = send_outbox(world.session, now=MOMENT + timedelta(days=1), mailer=mailer(url))
    assert [m for m in inbox.messages if m["To"] == world.portaal.email] == []
    [row] = [m for m in outbox(world.session) if m.user_id == world.portaal.id]
    assert row.sent_at is None and row.dropped_at is not None and report.dropped >= 1


def test_a_deactivated_user_gets_no_mail(world: World):
    open_round(world, MOMENT)
    user = world.session.get(User, world.portaal.id)
    assert user is not None
    user.active = False
    world.session.commit()
    with smtp_server() as (inbox, url):
        send_outbox(world.session, now=MOMENT, mailer=mailer(url))
    assert [m for m in inbox.messages if m["To"] == world.portaal.email] == []


def test_the_smtp_url_is_read_with_its_port_tls_and_login():
    plain = transport_from_url("smtp://mailer%40corp:s%3Acret@mail.example.org:587?starttls=1")
    assert plain == SmtpTransport("mail.example.org", 587, starttls=True,
                                  username="mailer@corp", password="s:cret")
    assert transport_from_url("smtps://mail.example.org") == SmtpTransport(
        "mail.example.org", 465, implicit_tls=True)
    from matching.config import ConfigurationError

    for bad in ("http://mail.example.org", "smtp://", "smtp://host:notaport"):
        with pytest.raises(ConfigurationError):
            transport_from_url(bad)


def test_the_console_transport_prints_the_mail(world: World, capsys: pytest.CaptureFixture):
    open_round(world, MOMENT)
    report = send_outbox(world.session, now=MOMENT, mailer=mailer("console:"))
    assert report.sent >= 1
    printed = capsys.readouterr().out
    assert f"e-mail to {world.portaal.email}" in printed and "Oudegracht 12" in printed


def test_a_mail_lists_at_most_25_notifications_and_points_to_the_page_for_the_rest():
    from matching.notifications.mail import Item, compose

    items = [Item(i, "referral_received", {"care_provider": "Lister"}, MOMENT)
             for i in range(1, 31)]
    mail = compose(items=items, to="hvh@example.org", language="nl", digest=False,
                   sender="noreply@example.org", base_url=BASE_URL, now=MOMENT,
                   local_day=MOMENT.date())
    text = plain_text(mail)
    assert mail["Subject"] == "Matching Utrecht – 30 nieuwe meldingen"
    assert text.count("Lister heeft een cliënt aangemeld") == 25
    assert f"En nog 5 meldingen: alle meldingen staan op {BASE_URL}/meldingen" in text
    assert "En nog 5 meldingen" in html_text(mail)
