"""Quotas, backlog and contingents computed from the reference data and the workflow."""

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from matching.models import ContingentChange, Organisation
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling, withdraw_dwelling
from matching.services.errors import PermissionDenied, ValidationFailed
from matching.services.planning import (
    contingent_overview,
    edit_contingent,
    quarter_quotas,
    set_default_contingents,
    year_quotas,
)
from tests.factories import ClientData, DwellingData, make_user


def test_2019_quotas_add_up_to_385_with_quarters_97_96_96_96_and_77_instroom(reference: Session):
    rows = year_quotas(reference, 2019)
    by_quarter: dict[str, int] = defaultdict(int)
    for row in rows:
        by_quarter[row.quarter] += row.quota
    assert by_quarter == {"2019Q1": 97, "2019Q2": 96, "2019Q3": 96, "2019Q4": 96}
    assert sum(row.instroom_quota for row in rows) == 77
    assert {row.corporation for row in rows} == {"Mitros", "Portaal", "Bo-Ex", "SSH", "GroenWest"}


def test_a_quarter_shortfall_carries_over_as_backlog_and_withdrawn_dwellings_do_not_count(
    reference: Session,
):
    portaal = make_user(reference, "Portaal", "corporation")
    q1 = datetime(2019, 2, 1, 9, tzinfo=UTC)
    for _ in range(3):
        dwelling = create_dwelling(reference, data=DwellingData(), actor=portaal, now=q1)
        submit_dwelling(reference, dwelling_id=dwelling.id, actor=portaal, now=q1)
    withdrawn = create_dwelling(reference, data=DwellingData(), actor=portaal, now=q1)
    submit_dwelling(reference, dwelling_id=withdrawn.id, actor=portaal, now=q1)
    withdraw_dwelling(reference, dwelling_id=withdrawn.id, reason="verkocht", actor=portaal, now=q1)

    q1_row, q2_row = (
        next(r for r in quarter_quotas(reference, q) if r.corporation == "Portaal")
        for q in ("2019Q1", "2019Q2")
    )
    assert q1_row.submitted == 3
    assert q1_row.backlog == 0
    assert q2_row.backlog == q1_row.quota - 3


def test_a_malformed_quarter_is_refused_with_the_field_named(reference: Session):
    with pytest.raises(ValidationFailed) as error:
        quarter_quotas(reference, "2019-3")
    assert "quarter" in error.value.fields


def test_default_contingents_follow_waiting_clients_on_1_january_and_edits_are_logged(
    reference: Session,
):
    matcher = make_user(reference, "Het Vierde Huis", "matcher")
    matcher.contingent_manager = True
    lister = make_user(reference, "Lister", "care_provider")
    tussen = make_user(reference, "De Tussenvoorziening", "care_provider")
    december = datetime(2018, 12, 1, 9, tzinfo=UTC)
    for actor, count in ((lister, 3), (tussen, 1)):
        for _ in range(count):
            client = register_client(reference, data=ClientData(registered_on=date(2018, 11, 1)),
                                     actor=actor, now=december)
            approve_client(reference, client_id=client.id, actor=matcher, now=december)
    # Approved after 1 January: does not count for 2019.
    late = register_client(reference, data=ClientData(), actor=lister,
                           now=datetime(2019, 1, 5, tzinfo=UTC))
    approve_client(reference, client_id=late.id, actor=matcher,
                   now=datetime(2019, 1, 6, tzinfo=UTC))

    result = set_default_contingents(reference, year=2019, actor=matcher)
    assert sum(result.values()) == 385
    assert result[lister.organisation_id] == 289  # 385 × 3/4, largest remainder
    assert result[tussen.organisation_id] == 96

    with pytest.raises(ValidationFailed):
        edit_contingent(reference, year=2019, care_provider_id=lister.organisation_id,
                        contingent=250, reason=" ", actor=matcher)
    edit_contingent(reference, year=2019, care_provider_id=lister.organisation_id,
                    contingent=250, reason="afspraak Beter Wonen", actor=matcher)
    changes = reference.exec(select(ContingentChange).where(
        ContingentChange.care_provider_id == lister.organisation_id)).all()
    assert [(c.old_value, c.new_value) for c in changes] == [(None, 289), (289, 250)]
    overview = {r.care_provider: r for r in contingent_overview(reference, 2019)}
    assert (overview["Lister"].contingent, overview["Lister"].remaining) == (250, 250)


def test_a_care_provider_without_the_right_cannot_divide_contingents(reference: Session):
    lister = make_user(reference, "Lister", "care_provider")
    with pytest.raises(PermissionDenied):
        set_default_contingents(reference, year=2019, actor=lister)
    matcher = make_user(reference, "Het Vierde Huis", "matcher")
    with pytest.raises(PermissionDenied):  # the role alone does not carry the right
        set_default_contingents(reference, year=2019, actor=matcher)
    provider = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    with pytest.raises(PermissionDenied):
        edit_contingent(reference, year=2019, care_provider_id=provider.id, contingent=1,
                        reason="x", actor=lister)


def test_the_default_division_is_refused_once_a_year_has_contingents(reference: Session):
    matcher = make_user(reference, "Het Vierde Huis", "matcher")
    matcher.contingent_manager = True
    set_default_contingents(reference, year=2019, actor=matcher)
    lister = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    edit_contingent(reference, year=2019, care_provider_id=lister.id, contingent=7,
                    reason="afspraak Beter Wonen", actor=matcher)
    with pytest.raises(ValidationFailed) as refused:
        set_default_contingents(reference, year=2019, actor=matcher)
    assert "year" in refused.value.fields
    overview = {r.care_provider: r.contingent for r in contingent_overview(reference, 2019)}
    assert overview["Lister"] == 7  # the manual, logged edit stays
