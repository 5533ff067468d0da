"""The steering page's half-years, worked out together, equal each half-year worked out on its
own (reports/statushouders.py), with a statement per table rather than per half-year."""

from datetime import date

from sqlalchemy import event
from sqlmodel import Session

from matching.reports.statushouders import statushouder_half, statushouder_halves_figures
from matching.services.statushouder_steering import set_statushouder_inputs
from matching.services.steering import set_statushouder_rung
from tests.world import World

TODAY = date(2022, 10, 3)


def _with_inputs(world: World) -> World:
    set_statushouder_rung(world.session, half="2022H1", rung=2, note="the province decided",
                          actor=world.admin)
    set_statushouder_inputs(
        world.session, half="2022H2", extra_target=133, administratively_housed=12,
        accelerations=[{"name": "versnelling", "persons": 40, "weeks": 8,
                        "starts_on": date(2022, 9, 1)}],
        source="test", actor=world.admin)
    return world


def test_every_half_year_together_equals_each_half_year_on_its_own(reference: Session):
    world = _with_inputs(World(reference))
    together = statushouder_halves_figures(reference, actor=world.analyst, today=TODAY)
    assert [f.half for f in together] == sorted((f.half for f in together), reverse=True)
    assert len(together) >= 4
    for figures in together:
        alone = statushouder_half(reference, half=figures.half, actor=world.analyst, today=TODAY)
        assert figures == alone, figures.half
    by_half = {f.half: f for f in together}
    assert by_half["2022H1"].rung == 2 and by_half["2022H1"].rung_note == "the province decided"
    assert by_half["2022H2"].extra_target == 133 and by_half["2022H2"].accelerations


def test_working_the_half_years_out_together_takes_a_statement_per_table(reference: Session):
    world = _with_inputs(World(reference))
    reference.commit()
    analyst = world.analyst  # looked up before counting
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = reference.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        together = statushouder_halves_figures(reference, actor=analyst, today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    realised_by_workflow = sum(1 for f in together if int(f.half[:4]) >= 2019)
    # Tasks, rungs, inputs, plans, and the housed persons of each half-year the workflow
    # counts (those from 2019 without a realisation from the table): not a walk per half.
    assert len(statements) <= 4 + realised_by_workflow, statements
