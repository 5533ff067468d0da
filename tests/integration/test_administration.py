"""Administration services on SQLite (and PostgreSQL when configured): organisations, reason
codes and year parameters, each change all-or-nothing and refused for bad input."""

from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from matching.models import Client, ClientEvent, Organisation, ReasonCode, YearParameter
from matching.parameters import year_parameters
from matching.queries.admin import organisations_page, parameter_overview, users_page
from matching.services import administration as admin
from matching.services import parameter_values as values
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.reference import reason_code_of_kind
from matching.services.users import (
    change_password,
    reset_password,
    revoke_api_token,
    set_user_active,
)
from tests.factories import make_user
from tests.world import World


@pytest.fixture
def administrator(reference: Session):
    return make_user(reference, "Het Vierde Huis", "admin")


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return len(session.exec(select(model)).all())


def test_an_administrator_creates_an_organisation_of_a_known_kind(reference, administrator):
    made = admin.create_organisation(
        reference, name="  Woonstichting Nieuw  ", kind="corporation", actor=administrator
    )
    assert made.name == "Woonstichting Nieuw"
    assert made.active
    assert reference.get(Organisation, made.id).kind == "corporation"


def test_an_organisation_name_is_unique_regardless_of_case(reference, administrator):
    before = _count(reference, Organisation)
    with pytest.raises(ValidationFailed) as refused:
        admin.create_organisation(reference, name="mitros", kind="corporation",
                                  actor=administrator)
    assert refused.value.fields == {"name": admin.NAME_TAKEN}
    assert _count(reference, Organisation) == before


def test_an_unknown_kind_and_an_empty_name_are_both_reported(reference, administrator):
    with pytest.raises(ValidationFailed) as refused:
        admin.create_organisation(reference, name=" ", kind="bank", actor=administrator)
    assert refused.value.fields == {"name": admin.REQUIRED, "kind": admin.UNKNOWN_KIND}


def test_only_an_administrator_may_change_organisations(reference):
    matcher = make_user(reference, "Het Vierde Huis", "matcher")
    with pytest.raises(PermissionDenied):
        admin.create_organisation(reference, name="X", kind="agency", actor=matcher)


def test_renaming_keeps_the_users_with_the_organisation(reference, administrator):
    user = make_user(reference, "Lister", "care_provider")
    lister = reference.get(Organisation, user.organisation_id)
    admin.rename_organisation(reference, organisation_id=lister.id, name="Lister Utrecht",
                              actor=administrator)
    page = users_page(reference, actor=administrator, search=user.email)
    assert [row.organisation for row in page.items] == ["Lister Utrecht"]


def test_renaming_to_another_organisations_name_is_refused(reference, administrator):
    lister = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    with pytest.raises(ValidationFailed):
        admin.rename_organisation(reference, organisation_id=lister.id, name="Portaal",
                                  actor=administrator)
    reference.refresh(lister)
    assert lister.name == "Lister"


def test_renaming_an_unknown_organisation_is_not_found(reference, administrator):
    with pytest.raises(NotFound):
        admin.rename_organisation(reference, organisation_id=99999, name="X",
                                  actor=administrator)


@pytest.mark.parametrize("number", [99999, 2**31, 10**20])
def test_a_user_or_token_id_that_does_not_exist_is_not_found_however_large(
    reference, administrator, number
):
    with pytest.raises(NotFound):
        reset_password(reference, user_id=number, actor=administrator)
    with pytest.raises(NotFound):
        set_user_active(reference, user_id=number, active=False, actor=administrator)
    with pytest.raises(NotFound):
        change_password(reference, user_id=number, current_password="x" * 12,
                        new_password="y" * 12)
    with pytest.raises(NotFound):
        revoke_api_token(reference, token_id=number, actor=administrator)


def test_an_organisation_with_active_users_cannot_be_deactivated(reference, administrator):
    user = make_user(reference, "Jellinek", "care_provider")
    with pytest.raises(ValidationFailed) as refused:
        admin.set_organisation_active(reference, organisation_id=user.organisation_id,
                                      active=False, actor=administrator)
    assert refused.value.fields == {"active": admin.HAS_ACTIVE_USERS}
    set_user_active(reference, user_id=user.id, active=False, actor=administrator)
    made = admin.set_organisation_active(reference, organisation_id=user.organisation_id,
                                         active=False, actor=administrator)
    assert not made.active
    row = next(r for r in organisations_page(reference, actor=administrator,
                                             search="Jellinek").items)
    assert (row.active, row.active_users) == (False, 0)


def test_an_added_reason_code_can_be_used_in_decisions(reference, administrator):
    admin.create_reason_code(
        reference, code="no_garden", kind="candidate", label_nl="Geen tuin",
        label_en="No garden", needs_motivation=False, vera_status="geweigerd",
        actor=administrator,
    )
    assert reason_code_of_kind(reference, "no_garden", "candidate") is not None
    # A client declines the offer with it, and the decline records the new code.
    world = World(reference)
    dwelling, client = world.matched()
    world.answer(dwelling, "declined", reason_code="no_garden", valid=True)
    reference.expire_all()
    assert reference.get(Client, client.id).state == "waiting"
    event = reference.exec(select(ClientEvent).where(ClientEvent.client_id == client.id,
                                                     ClientEvent.trigger == "decline_offer")
                           ).one()
    assert event.data["reason_code"] == "no_garden"


def test_a_reason_code_must_be_new_well_formed_and_labelled(reference, administrator):
    before = _count(reference, ReasonCode)
    for code, problem in (("other", admin.CODE_TAKEN), ("Geen Tuin", admin.CODE_FORMAT)):
        with pytest.raises(ValidationFailed) as refused:
            admin.create_reason_code(
                reference, code=code, kind="landlord", label_nl="x", label_en="",
                needs_motivation=False, vera_status="toegewezen", actor=administrator,
            )
        assert refused.value.fields == {
            "code": problem, "label_en": admin.REQUIRED, "vera_status": admin.UNKNOWN_VERA
        }
    assert _count(reference, ReasonCode) == before


def test_editing_a_reason_code_changes_labels_and_motivation_rule(reference, administrator):
    admin.update_reason_code(
        reference, code="rent_too_high", label_nl="Huur te hoog", label_en="Rent too high",
        needs_motivation=True, vera_status="", actor=administrator,
    )
    reason = reference.get(ReasonCode, "rent_too_high")
    assert (reason.label_nl, reason.needs_motivation, reason.vera_status) == (
        "Huur te hoog", True, None
    )
    assert reason.kind == "landlord"


def test_a_deactivated_reason_code_is_kept_but_not_offered(reference, administrator):
    admin.set_reason_code_active(reference, code="senior_label", active=False,
                                 actor=administrator)
    assert reference.get(ReasonCode, "senior_label") is not None
    assert reason_code_of_kind(reference, "senior_label", "landlord") is None
    admin.set_reason_code_active(reference, code="senior_label", active=True,
                                 actor=administrator)
    assert reason_code_of_kind(reference, "senior_label", "landlord") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("597,30", "597.30"), ("1.234,5", "1234.5"), ("597.30", "597.30"), (" 12 ", "12")],
)
def test_numbers_are_read_with_a_dutch_decimal_comma_or_a_point(text, expected):
    assert values.parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12.34.5", "-3", "1e5", "1.23,4"])
def test_what_is_not_a_plain_number_is_refused(text):
    with pytest.raises(ValueError):
        values.parse_number(text)


def test_a_value_set_for_a_year_applies_from_that_year_on(reference, administrator):
    admin.set_year_parameter(reference, year=2021, name="mobw_task", value="400",
                             actor=administrator)
    assert year_parameters(reference, 2020).mobw_task == 385
    assert year_parameters(reference, 2021).mobw_task == 400
    assert year_parameters(reference, 2023).mobw_task == 400
    assert year_parameters(reference, 2024).mobw_task == 385  # 2024 names it again


def test_a_value_set_again_replaces_the_years_own_value(reference, administrator):
    admin.set_year_parameter(reference, year=2022, name="aftoppingsgrens_low", value="640,50",
                             actor=administrator, source="Besluit 2022")
    row = reference.get(YearParameter, (2022, "aftoppingsgrens_low"))
    assert (row.value, row.source, row.is_assumption) == (Decimal("640.50"), "Besluit 2022",
                                                          False)
    assert year_parameters(reference, 2022).aftoppingsgrens_low == Decimal("640.50")


def test_the_overview_says_which_year_a_value_comes_from(reference, administrator):
    rows = {row.name: row for row in parameter_overview(reference, actor=administrator,
                                                        year=2021)}
    assert rows["mobw_task"].from_year == 2020 and rows["mobw_task"].carried_forward
    assert rows["instroom_share_pct"].from_year == 2021
    assert not rows["instroom_share_pct"].carried_forward
    assert rows["instroom_share_pct"].is_assumption


@pytest.mark.parametrize(
    ("name", "value", "field", "problem"),
    [
        ("no_such_thing", "1", "name", admin.UNKNOWN_PARAMETER),
        ("mobw_task", "385,5", "value", values.NOT_WHOLE),
        ("mobw_task", "veel", "value", values.NOT_A_NUMBER),
        ("instroom_share_pct", "120", "value", values.ABOVE_100),
        ("candidates_per_round", "0", "value", values.BELOW_ONE),
        ("aftoppingsgrens_low", "1,23456", "value", values.TOO_PRECISE),
        ("aftoppingsgrens_low", "99999999999", "value", values.TOO_LARGE),
        ("aftoppingsgrens_low", "-5", "value", values.NEGATIVE),
    ],
)
def test_bad_parameter_values_are_refused_and_nothing_changes(
    reference, administrator, name, value, field, problem
):
    before = _count(reference, YearParameter)
    with pytest.raises(ValidationFailed) as refused:
        admin.set_year_parameter(reference, year=2021, name=name, value=value,
                                 actor=administrator)
    assert refused.value.fields == {field: problem}
    assert _count(reference, YearParameter) == before


def test_a_whole_number_with_a_thousands_point_is_read_as_thousands(reference, administrator):
    admin.set_year_parameter(reference, year=2026, name="mobw_total_lettings", value="2.800",
                             actor=administrator)
    assert year_parameters(reference, 2026).mobw_total_lettings == 2800


def test_removing_a_years_value_lets_the_earlier_value_carry_on(reference, administrator):
    admin.set_year_parameter(reference, year=2021, name="mobw_task", value=400,
                             actor=administrator)
    admin.remove_year_parameter(reference, year=2021, name="mobw_task", actor=administrator)
    assert year_parameters(reference, 2021).mobw_task == 385
    with pytest.raises(NotFound):
        admin.remove_year_parameter(reference, year=2021, name="mobw_task",
                                    actor=administrator)


def test_loading_the_reference_data_again_keeps_the_administrators_edits(reference):
    from matching.models import ReasonCode
    from matching.services.administration import update_reason_code
    from matching.services.reference import load_reference
    from tests.factories import make_user

    admin = make_user(reference, "Het Vierde Huis", "admin")
    update_reason_code(reference, code="other", label_nl="Andere reden (toelichten)",
                       label_en="Other reason (explain)", needs_motivation=True, actor=admin)
    load_reference(reference)
    assert reference.get(ReasonCode, "other").label_nl == "Andere reden (toelichten)"


def test_text_with_a_nul_character_is_refused_at_its_field_and_nothing_changes(
    reference, administrator
):
    before = _count(reference, Organisation), _count(reference, ReasonCode)
    with pytest.raises(ValidationFailed) as organisation:
        admin.create_organisation(reference, name="Nieuw\x00", kind="care_provider",
                                  actor=administrator)
    assert set(organisation.value.fields) == {"name"}
    with pytest.raises(ValidationFailed) as reason:
        admin.create_reason_code(reference, code="te_ver", kind="candidate",
                                 label_nl="Te\x00ver", label_en="Too far",
                                 needs_motivation=False, actor=administrator)
    assert set(reason.value.fields) == {"label_nl"}
    with pytest.raises(ValidationFailed) as parameter:
        admin.set_year_parameter(reference, year=2026, name="candidates_per_round", value="3",
                                 source="besluit\x00", actor=administrator)
    assert set(parameter.value.fields) == {"source"}
    assert (_count(reference, Organisation), _count(reference, ReasonCode)) == before
    assert reference.get(YearParameter, (2026, "candidates_per_round")) is None


@pytest.mark.parametrize(("year", "name"), [(2026, "candidates\x00"), (10**20, "rent_cap")])
def test_removing_a_value_under_an_impossible_year_or_name_is_not_found(
    reference, administrator, year, name
):
    with pytest.raises(NotFound):
        admin.remove_year_parameter(reference, year=year, name=name, actor=administrator)


def test_a_text_key_with_a_nul_character_is_not_found(reference, administrator):
    with pytest.raises(NotFound):
        admin.update_reason_code(reference, code="te_ver\x00", label_nl="a", label_en="b",
                                 needs_motivation=False, actor=administrator)


@pytest.mark.parametrize("number", [Decimal("NaN"), float("nan"), float("inf")])
def test_a_value_that_is_not_a_finite_number_is_refused(number):
    with pytest.raises(ValueError):
        values.check_value("candidates_per_round", number)


def test_the_parameters_are_read_once_per_transaction_and_again_after_a_change(
        reference, administrator):
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        if "FROM year_parameter" in statement:
            statements.append(statement)

    engine = reference.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        reference.commit()
        first = year_parameters(reference, 2026).mobw_task
        assert year_parameters(reference, 2026).mobw_task == first
        assert len(statements) == 1  # the second answer came from the transaction's own
        # A value for this year, pending in this transaction (not yet flushed).
        row = YearParameter(year=2026, name="mobw_task", value=Decimal(first + 7),
                            source="test")
        reference.add(row)
        assert year_parameters(reference, 2026).mobw_task == first + 7
        assert year_parameters(reference, 2026).mobw_task == first + 7
        assert len(statements) == 2  # read again after the change, then kept
        row.value = Decimal(first + 9)
        reference.flush()  # a change flushed without a read after it
        assert year_parameters(reference, 2026).mobw_task == first + 9
        reference.rollback()
        assert year_parameters(reference, 2026).mobw_task == first  # a new transaction
    finally:
        event.remove(engine, "before_cursor_execute", note)
