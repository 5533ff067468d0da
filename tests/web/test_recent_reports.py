"""The report pages share a report's figures for a short while
(matching/services/recent_figures.py): the next views read them back and say when they were
computed, a person who changed something since sees figures computed after the change, and
each reader scope keeps its own."""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session, select

from matching.config import ConfigurationError, load_settings
from matching.models import RecentFigures, TargetGroup, User
from matching.quarters import quarter_of
from matching.services.clients import register_client
from matching.services.recent_figures import recent_figures
from matching.vocabulary import utcnow
from matching.web.recent_reports import MAX_AGE_SETTING
from matching.workdays import local_date
from tests.dashboard_data import at, waiting
from tests.factories import ClientData
from tests.web.conftest import csrf_token
from tests.web.test_english import in_english

THIS_QUARTER = quarter_of(local_date(utcnow()))  # its figures are today's
REPORT = f"/rapportages?kwartaal={THIS_QUARTER}"
_WAITING = re.compile(
    r'figure__value">([^<]+)</span><span class="figure__label">cliënten wachtend<')


@pytest.fixture
def shared_for_a_minute(app: Flask) -> Iterator[None]:
    """The figures shared for a minute: the suite's other tests compute them on every view."""
    app.config[MAX_AGE_SETTING] = 60
    yield


def _waiting_on(client: FlaskClient) -> int:
    """The count of waiting clients the quarter's key figures show."""
    page = client.get(REPORT).get_data(as_text=True)
    found = _WAITING.search(page)
    assert found, "the page shows no count of waiting clients"
    assert re.search(r"Berekend om \d\d:\d\d\.", page), "the page does not say when"
    return int(found.group(1))


def _grow_older(session: Session, seconds: int) -> None:
    session.execute(text("UPDATE recent_figures SET computed_at = :at"),
                    {"at": utcnow() - timedelta(seconds=seconds)})
    session.commit()


@pytest.mark.usefixtures("shared_for_a_minute")
def test_the_next_views_read_the_figures_back_until_they_are_a_minute_old(
        reference: Session, users: dict[str, User], signed_in: Callable[[str], FlaskClient]):
    matcher = signed_in("matcher")
    assert _waiting_on(matcher) == 0
    waiting(reference, users, "mobw_uitstroom", date(2025, 4, 1))  # someone else's change
    assert _waiting_on(matcher) == 0, "the figures of a moment ago"
    assert _waiting_on(signed_in("matcher")) == 0, "in another session too"
    assert _waiting_on(signed_in("admin")) == 1, "another role computes its own"
    _grow_older(reference, 61)
    assert _waiting_on(matcher) == 1


@pytest.mark.usefixtures("shared_for_a_minute")
def test_whoever_changed_something_sees_figures_computed_after_the_change(
        reference: Session, users: dict[str, User], signed_in: Callable[[str], FlaskClient]):
    matcher = signed_in("matcher")
    assert _waiting_on(matcher) == 0
    client = register_client(reference, data=ClientData(target_group="mobw_uitstroom"),
                             actor=users["care_provider"], now=at(date(2025, 1, 2)))
    path = f"/clienten/{client.id}"
    approved = matcher.post(f"{path}/goedkeuren", data={
        "approve-csrf_token": csrf_token(matcher, path), "approve-waiting_since": "2025-04-01"})
    assert approved.status_code == 302
    assert _waiting_on(matcher) == 1, "the matcher's own approval shows at once"
    assert _waiting_on(signed_in("matcher")) == 1, "and the figures computed for it are shared"


@pytest.mark.usefixtures("shared_for_a_minute")
def test_each_reader_scope_keeps_its_own_figures(
        reference: Session, users: dict[str, User], signed_in: Callable[[str], FlaskClient]):
    waiting(reference, users, "mobw_uitstroom", date(2025, 4, 1))
    corporation, analyst = signed_in("corporation"), signed_in("analyst")

    def shows_the_waiting_count(client: FlaskClient) -> bool:
        return "cliënten wachtend" in client.get(REPORT).get_data(as_text=True)

    # A corporation sees its own figures only, and the municipality's total leaves out the
    # one waiting client (fewer than five: suppressed): before the agency's figures are
    # stored and after, whichever view came first.
    assert not shows_the_waiting_count(corporation)
    assert _waiting_on(analyst) == 0
    assert _waiting_on(signed_in("matcher")) == 1
    assert not shows_the_waiting_count(corporation)
    assert _waiting_on(analyst) == 0
    # Another corporation gets its own figures, not those stored for the first.
    mitros = corporation.get(REPORT).get_data(as_text=True)
    portaal = signed_in("other_corporation").get(REPORT).get_data(as_text=True)
    mitros_row, portaal_row = '<th scope="row">Mitros</th>', '<th scope="row">Portaal</th>'
    assert mitros_row in mitros and mitros_row not in portaal
    assert portaal_row in portaal and portaal_row not in mitros


def test_with_no_time_to_share_them_the_figures_are_computed_on_every_view(
        app: Flask, reference: Session, users: dict[str, User],
        signed_in: Callable[[str], FlaskClient]):
    app.config[MAX_AGE_SETTING] = 0
    matcher = signed_in("matcher")
    assert _waiting_on(matcher) == 0
    waiting(reference, users, "mobw_uitstroom", date(2025, 4, 1))
    assert _waiting_on(matcher) == 1
    assert reference.exec(select(RecentFigures)).all() == []


def test_figures_of_an_earlier_day_are_computed_anew(reference: Session):
    computed: list[int] = []

    def compute() -> dict[str, int]:
        computed.append(1)
        return {"count": len(computed)}

    now = utcnow()
    minute = timedelta(minutes=1)
    first, at_first = recent_figures(reference, key="k", compute=compute, now=now,
                                     max_age=minute)
    again, at_again = recent_figures(reference, key="k", compute=compute,
                                     now=now + timedelta(seconds=30), max_age=minute)
    assert (first, again, at_again) == ({"count": 1}, {"count": 1}, at_first)
    tomorrow = now + timedelta(days=1)
    later, _ = recent_figures(reference, key="k", compute=compute, now=tomorrow,
                              max_age=timedelta(days=2))
    assert later == {"count": 2}


@pytest.mark.usefixtures("shared_for_a_minute")
def test_shared_figures_are_written_in_the_readers_language_with_todays_labels(
        reference: Session, users: dict[str, User], signed_in: Callable[[str], FlaskClient]):
    waiting(reference, users, "mobw_uitstroom", date(2025, 4, 1))
    matcher = signed_in("matcher")
    dutch = matcher.get(REPORT).get_data(as_text=True)
    assert "Wachtenden per doelgroep" in dutch
    english = in_english(matcher).get(REPORT).get_data(as_text=True)
    assert "Waiting clients per target group" in english
    assert "Wachtenden per doelgroep" not in english
    group = reference.get(TargetGroup, "mobw_uitstroom")
    assert group is not None and group.label_en in english
    group.label_en = "Leaving shelter (renamed)"
    reference.commit()
    renamed = matcher.get(REPORT).get_data(as_text=True)
    assert "Leaving shelter (renamed)" in renamed
    assert _computed_at(renamed) == _computed_at(english), "the same shared figures"


def _computed_at(page: str) -> str:
    found = re.search(r"Computed at (\d\d:\d\d)\.", page)
    assert found, "the page does not say when its figures were computed"
    return found.group(1)


def test_the_time_to_share_is_set_in_whole_seconds(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHING_INSTANCE_DIR", str(tmp_path))
    assert load_settings({}).report_figures_seconds == 30
    assert load_settings({"MATCHING_REPORT_FIGURES_SECONDS": "0"}).report_figures_seconds == 0
    assert load_settings({"MATCHING_REPORT_FIGURES_SECONDS": "86400"}
                         ).report_figures_seconds == 86400
    for refused in ("half a minute", "86401", "1" + "0" * 20):
        with pytest.raises(ConfigurationError, match="MATCHING_REPORT_FIGURES_SECONDS"):
            load_settings({"MATCHING_REPORT_FIGURES_SECONDS": refused})
