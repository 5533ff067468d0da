"""The leases' part of the year: institution flip leases, the monthly tick, transfers and ends."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import col, select

from matching.demo.districts import STOCK, WIJKEN
from matching.demo.population import weighted
from matching.demo.reasons import EXTENSIONS
from matching.demo.timeline import Timeline, moment, row_id
from matching.models import Lease
from matching.services.leases import (
    end_lease,
    extend_lease,
    register_institution_lease,
    transfer_lease,
)
from matching.services.timers import run_tick
from matching.vocabulary import LeaseState
from matching.workdays import add_working_days

INSTITUTION_LEASES = (("Lister", 20), ("De Tussenvoorziening", 35))


class LeaseSteps(Timeline):
    """Register institution leases, run the monthly tick, and act on the reviews it raises."""

    def plan_institution_leases(self) -> None:
        rng = self.rng
        days = self.workdays(date(self.start.year - 3, 7, 1), self.start - timedelta(days=12))
        landlords = (("Mitros", 46), ("Portaal", 28), ("Bo-Ex", 19))
        for provider, count in INSTITUTION_LEASES:
            for _ in range(count):
                day = rng.choice(days)
                start = date(day.year, day.month, 1)
                wijk = weighted(rng, STOCK.items())
                address = ""
                while not address or address in self.addresses:
                    address = f"{rng.choice(WIJKEN[wijk][0])} {rng.randint(1, 240)}, Utrecht"
                self.addresses.add(address)
                landlord = weighted(rng, landlords)
                self.at(moment(day, 10, rng.randrange(60)), self.register_lease, provider,
                        landlord, address, start)
        ends = self.workdays(self.start + timedelta(days=31), self.today - timedelta(days=33))
        for day in rng.sample(ends, 2):
            self.at(moment(day, 14), self.end_a_lease)

    def register_lease(self, when: datetime, provider: str, landlord: str, address: str,
                       start: date) -> None:
        register_institution_lease(self.s, care_provider_id=self.org_id[provider],
                                   address=address, start_on=start, actor=self.corp(landlord),
                                   now=when)

    def plan_ticks(self) -> None:
        for month in range(12 * (self.start.year - 1), 12 * self.today.year + self.today.month):
            first = date(month // 12, month % 12 + 1, 1)
            self.at(moment(add_working_days(first - timedelta(days=1), 1), 5), self.tick)

    def tick(self, when: datetime) -> None:
        run_tick(self.s, now=when)
        if when >= self.end:
            return
        due = self.s.exec(select(Lease).where(Lease.state == LeaseState.REVIEW_DUE)
                          .order_by(col(Lease.id))).all()
        for lease in due:
            key = (lease.id or 0, lease.review_on)
            if key in self.lease_steps:
                continue
            self.lease_steps.add(key)
            r = self.rng.random()
            step = self.later(when.date(), self.rng.randint(5, 35), 11)
            if r < 0.55:
                self.at(step, self.transfer, lease.id)
            elif r < 0.85:
                self.at(step, self.extend, lease.id)

    def transfer(self, when: datetime, lease_id: int) -> None:
        lease = self.s.get(Lease, lease_id)
        assert lease is not None and lease.review_on is not None
        on = max(lease.review_on, date(when.year, when.month, 1) + relativedelta(months=1))
        transfer_lease(self.s, lease_id=lease_id, on=on, actor=self.user_of[lease.corporation_id],
                       now=when)

    def extend(self, when: datetime, lease_id: int) -> None:
        lease = self.s.get(Lease, lease_id)
        assert lease is not None and lease.review_on is not None
        assert lease.tenant_care_provider_id is not None
        months = self.rng.choice((9, 12, 12))
        extend_lease(self.s, lease_id=lease_id, review_on=lease.review_on +
                     relativedelta(months=months), reason=self.rng.choice(EXTENSIONS),
                     actor=self.user_of[lease.tenant_care_provider_id], now=when)

    def end_a_lease(self, when: datetime) -> None:
        active = self.s.exec(select(Lease).where(
            Lease.is_institution, Lease.state == LeaseState.ACTIVE,
        ).order_by(col(Lease.id))).all()
        if active:
            lease = self.rng.choice(active)
            end_lease(self.s, lease_id=row_id(lease),
                      on=when.date() + relativedelta(months=1, day=1),
                      reason="Cliënt verhuisd naar een Wlz-instelling",
                      actor=self.user_of[lease.corporation_id], now=when)
