"""The supply filtering report of a quarter's submitted dwellings (matching.services.
supply_filter says which rule takes out which vacancy, in which order)."""

from typing import Any

from pydantic import BaseModel, Field

from matching.services.supply_filter import SUPPLY_ROLES, quarter_supply
from matching.web import db_session
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import resource
from matching.web.api.schemas import QuarterPath
from matching.web.api.serializers import answer

blueprint = resource("supply", "Supply filtering: the eligible part of a batch of vacancies")


class SupplyRuleOut(BaseModel):
    rule: str = Field(description="size, rent, liveability, senior_label or rooms (in order)")
    reason_code: str
    removed: int = Field(description="vacancies this rule takes out first")
    threshold: str = Field(description="the value the rule compares with, in this year")


class SupplyOut(BaseModel):
    """A quarter's submitted dwellings: how many each rule takes out, and what remains."""

    year: int
    quarter: str | None
    total: int
    removed: int
    eligible: int
    eligible_pct: float | None = Field(description="eligible / total, one decimal")
    rules: list[SupplyRuleOut]


@blueprint.get("/reports/supply/<quarter>", responses={200: SupplyOut})
@roles(*SUPPLY_ROLES)
def get_supply_report(path: QuarterPath) -> Any:
    """Return the supply filtering of the dwellings submitted in a quarter (like 2024Q3)."""
    report = quarter_supply(db_session(), quarter=path.quarter, actor=api_actor())
    return answer(SupplyOut(**report))
