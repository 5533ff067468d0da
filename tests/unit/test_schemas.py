"""Input shapes refuse what no field can hold, naming the field."""

import pytest

from matching.schemas import ClientInput, DwellingInput, parse
from matching.services.errors import ValidationFailed
from tests.factories import ClientData, DwellingData


@pytest.mark.parametrize(("model", "data", "field"), [
    (DwellingInput, DwellingData(address="Kanaalstraat\x00 12"), "address"),
    (ClientInput, ClientData(reference="LIS\x00-1"), "reference"),
    (ClientInput, ClientData(excluded_wijken=["Overvecht\x00"]), "excluded_wijken"),
])
def test_a_nul_character_in_any_text_is_refused_at_its_field(model, data, field):
    with pytest.raises(ValidationFailed) as refused:
        parse(model, dict(data))
    assert field in refused.value.fields
