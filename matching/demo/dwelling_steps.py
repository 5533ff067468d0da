"""The corporations' part of the year: dwellings entered, submitted, and a few withdrawn."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from matching.demo.dwellings import DemoDwelling, dwelling_data, new_dwelling
from matching.demo.population import CORPORATIONS, LOGINS
from matching.demo.reasons import DWELLING_WITHDRAWALS
from matching.demo.round_steps import RoundSteps
from matching.demo.timeline import moment, row_id
from matching.services.dwellings import create_dwelling, submit_dwelling, withdraw_dwelling
from matching.services.planning import year_quotas

PRINTED_CORPORATION = next(org for _email, org, role, _manager in LOGINS if role == "corporation")
PRINTED_CARE_PROVIDER = next(org for _email, org, role, _manager in LOGINS
                             if role == "care_provider")


def _fit_for_the_printed_provider(d: DemoDwelling, provider_id: int) -> None:
    """The printed corporation's newest dwelling, whatever the day: a plain outflow dwelling
    that most waiting clients fit, reserved for the printed care provider, so the matcher's
    suggestions for it are that provider's clients and the three printed logins follow it
    from every side. It stays (never withdrawn). No random draw: the rest stays as it was."""
    d.rooms, d.area, d.rent, d.floor, d.lift = 2, 48, Decimal("480.00"), 0, False
    d.senior, d.accessible, d.designation, d.lease_type = False, False, "uitstroom", "direct"
    d.earmarks, d.withdraw = (provider_id,), False


# A submitted dwelling goes to a round, so these steps build on the rounds' steps.
class DwellingSteps(RoundSteps):
    """Corporations enter and submit dwellings each quarter, and withdraw a few again."""

    def plan_dwellings(self) -> None:
        rng = self.rng
        quotas = {(r.corporation, r.quarter): r.quota
                  for y in sorted({y for y, _q in self.quarters}) for r in year_quotas(self.s, y)}
        earmark = (self.org_id["Lister"], self.org_id["Kwintes"])
        # The printed corporation's newest dwelling is submitted on the last working day
        # before today, so that it waits for its round today: in today's quarter, or on its
        # first working days (nothing submitted in it yet) at the end of the quarter before.
        newest = self.workdays(self.start, self.today - timedelta(days=1))[-1]
        printed_quarter = (newest.year, (newest.month - 1) // 3 + 1)
        for y, quarter in self.quarters:
            first = date(y, 3 * quarter - 2, 1)
            last = date(y, 12, 30) if quarter == 4 else date(y, 3 * quarter + 1, 1) - timedelta(1)
            whole = self.workdays(first, last)
            # Today's quarter is under way: its share of the quota so far is submitted.
            days = self.workdays(first, min(last, self.today - timedelta(days=1))) or whole[:1]
            share = len(days) / len(whole)
            printed_now = (y, quarter) == printed_quarter
            for corporation in CORPORATIONS:
                quota = round(quotas.get((corporation, f"{y}Q{quarter}"), 0) * share)
                count = max(0, quota + rng.choice((-2, -1, 0, 0, 0, 1, 2)))
                drafts = 1 if rng.random() < 0.4 else 0  # left in draft, never submitted
                newest_here = printed_now and corporation == PRINTED_CORPORATION
                if newest_here:
                    count = max(count, 1)  # early in a quarter its share may round to none
                for n in range(count + drafts):
                    i = rng.randrange(len(days))  # submitted on days[i], entered a bit before
                    if n == 0 and newest_here:
                        # The printed corporation's newest dwelling waits for its round today,
                        # so a newcomer can follow one from the queue to the letting.
                        i = len(days) - 1
                    entered, submitted = days[max(0, i - rng.randint(0, 3))], days[i]
                    # A new-build project in Leidsche Rijn, reserved for Lister and Kwintes.
                    project = corporation == "Mitros" and quarter == 3 and n < 4
                    d = new_dwelling(rng, corporation, submitted, earmark if project else ())
                    if project:
                        d.wijk, d.withdraw = "Leidsche Rijn", False
                    if n == 0 and newest_here:
                        _fit_for_the_printed_provider(d, self.org_id[PRINTED_CARE_PROVIDER])
                    submit = None if n >= count else moment(submitted, 11, rng.randrange(60))
                    self.at(moment(entered, 8, rng.randrange(120)), self.create, d, submit)

    def create(self, when: datetime, d: DemoDwelling, submit: datetime | None) -> None:
        made = create_dwelling(self.s, data=dwelling_data(self.rng, self.addresses, d),
                               actor=self.corp(d.corporation), now=when)
        d.id = row_id(made)
        if submit is not None:  # otherwise it stays a draft
            self.at(submit, self.submit, d)

    def submit(self, when: datetime, d: DemoDwelling) -> None:
        submit_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation), now=when)
        d.state, d.submitted_on = "submitted", when.date()
        self.at(self.later(when.date(), self.rng.randint(1, 3), 13), self.propose, d)
        if d.withdraw:
            self.at(self.later(when.date(), self.rng.randint(1, 4), 9), self.withdraw, d)

    def withdraw(self, when: datetime, d: DemoDwelling) -> None:
        if d.state not in ("submitted", "proposed"):
            return  # matched meanwhile: the corporation keeps it
        withdraw_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation),
                          reason=self.rng.choice(DWELLING_WITHDRAWALS), now=when)
        for client_id in d.pending:  # the open round was cancelled
            self.to_waiting(self.clients[client_id])
        d.state, d.pending = "withdrawn", []
