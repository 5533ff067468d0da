"""A small upload that claims (or holds) millions of rows or cells is refused at once, with a
clear message at the file field, on the corporation's and the care provider's upload page,
and nothing is written."""

import io

import pytest
from sqlmodel import func, select

from matching.models import Client, Dwelling
from matching.services.imports import (
    CLIENT_COLUMNS,
    CLIENT_EXAMPLE,
    DWELLING_COLUMNS,
    DWELLING_EXAMPLE,
)
from matching.uploads import template_xlsx
from tests.hostile_files import add_rows, answers_within, one_cell_at_the_sheets_end, with_sheet
from tests.web.conftest import csrf_token

PAGES = {
    "corporation": ("/corporatie/woningen/uploaden", Dwelling, DWELLING_COLUMNS,
                    DWELLING_EXAMPLE),
    "care_provider": ("/clienten/uploaden", Client, CLIENT_COLUMNS, CLIENT_EXAMPLE),
}
TOO_MANY_ROWS = 'id="file-error">Het bestand heeft meer dan 5000 rijen; splits het in delen.'


def _upload(browser, page: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    token = csrf_token(browser, page)
    with answers_within(20):
        return browser.post(page, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("role", PAGES)
def test_a_5_kb_workbook_claiming_every_cell_of_the_sheet_is_refused_at_once(
    reference, signed_in, role
):
    page, model, columns, example = PAGES[role]
    data = one_cell_at_the_sheets_end(columns, example)
    assert len(data) < 10_000
    response = _upload(signed_in(role), page, data, "bestand.xlsx")
    assert response.status_code == 422
    assert TOO_MANY_ROWS in response.get_data(as_text=True)
    assert _count(reference, model) == 0


@pytest.mark.parametrize("role", PAGES)
def test_a_csv_of_a_million_empty_lines_below_the_header_is_refused_at_once(
    reference, signed_in, role
):
    page, model, columns, _example = PAGES[role]
    data = (";".join(columns) + "\n").encode() + b";\n" * 1_000_000
    response = _upload(signed_in(role), page, data, "bestand.csv")
    assert response.status_code == 422
    assert TOO_MANY_ROWS in response.get_data(as_text=True)
    assert _count(reference, model) == 0


def test_a_workbook_that_unpacks_to_far_more_than_an_upload_is_refused_in_dutch(
    reference, signed_in
):
    cell = b'<c r="B3"><v>1</v></c>'
    bulky = with_sheet(template_xlsx(DWELLING_COLUMNS, DWELLING_EXAMPLE, title="Woningen"),
                       lambda xml: add_rows(xml, cell * (30 * 1024 * 1024 // len(cell))))
    response = _upload(signed_in("corporation"), PAGES["corporation"][0], bulky, "w.xlsx")
    assert response.status_code == 422
    assert 'id="file-error">Het werkboek bevat veel meer dan een upload kan bevatten' in (
        response.get_data(as_text=True))
    assert _count(reference, Dwelling) == 0
