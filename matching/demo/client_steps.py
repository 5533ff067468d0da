"""The clients' part of the year: referred, approved, and now and then paused or withdrawn."""

from datetime import datetime, timedelta

from matching.demo.population import (
    CLIENTS,
    GROUP_MIXES,
    PROVIDERS,
    DemoClient,
    client_data,
    weighted,
)
from matching.demo.reasons import CLIENT_WITHDRAWALS, HOLD_REASONS
from matching.demo.timeline import Timeline, moment
from matching.services.clients import (
    approve_client,
    hold_client,
    register_client,
    resume_client,
    withdraw_client,
)


class ClientSteps(Timeline):
    """Care providers register clients, the matcher approves them, some pause or leave."""

    def plan_clients(self) -> None:
        rng = self.rng
        # Referrals over the year before the demo's four quarters and those quarters up to today.
        before = self.workdays(self.start - timedelta(days=360), self.start - timedelta(days=12))
        during = self.workdays(self.start + timedelta(days=5), self.today - timedelta(days=1))
        days = sorted(rng.choice(before if n < CLIENTS * 45 // 100 else during)
                      for n in range(CLIENTS))
        providers = [(p[0], p[1]) for p in PROVIDERS]
        for day in days:
            provider = weighted(rng, providers)
            mix = next(p[2] for p in PROVIDERS if p[0] == provider)
            group = weighted(rng, GROUP_MIXES[mix])
            if group == "mobw_instroom" and not next(p[3] for p in PROVIDERS if p[0] == provider):
                group = "mobw_uitstroom"  # Beschermd Thuis only where the provider flips
            self.at(moment(day, 8, rng.randrange(180)), self.register, provider, group)
        for day in rng.sample(before[60:] + during[:-10], 34):
            self.at(moment(day, 15, rng.randrange(60)), self.hold_or_withdraw)

    def register(self, when: datetime, provider: str, group: str) -> None:
        data = client_data(self.rng, provider, group, when.date(), year=self.year,
                           refs=self.refs)
        actor = self.user_of[self.org_id[provider]]
        client = register_client(self.s, data=data, actor=actor, now=when)
        assert client.id is not None
        self.clients[client.id] = DemoClient(
            id=client.id, provider_id=client.care_provider_id, phase=self.phase[group],
            persons=data["adults"] + data["children"], birth_year=data["birth_year"],
            income=data["annual_income"], needs=tuple(data["needs"]),
            excluded=tuple(data["excluded_wijken"]), flip_ok=data["flip_lease_ok"],
            support=data["support_confirmed"], registered_on=data["registered_on"])
        day = when.date()
        late = day.month == 12 and day.day >= 15  # the Christmas weeks are slower
        delay = self.rng.randint(4, 10) if late else self.rng.randint(1, 7)
        self.at(self.later(when.date(), delay, 10), self.approve, client.id)

    def approve(self, when: datetime, client_id: int) -> None:
        c = self.clients[client_id]
        since = c.registered_on if self.rng.random() < 0.15 else None
        client = approve_client(self.s, client_id=client_id, actor=self.matcher,
                                waiting_since=since, now=when)
        c.waiting_since = client.waiting_since
        self.to_waiting(c)

    def hold_or_withdraw(self, when: datetime) -> None:
        if not self.waiting:
            return
        c = self.waiting[self.rng.choice(sorted(self.waiting))]
        actor = self.user_of[c.provider_id]
        if self.rng.random() < 0.65:
            hold_client(self.s, client_id=c.id, actor=actor, reason=self.rng.choice(HOLD_REASONS),
                        now=when)
            self.leave_waiting(c, "on_hold")
            if self.rng.random() < 0.6:
                self.at(self.later(when.date(), self.rng.randint(10, 40), 11), self.resume, c.id)
        else:
            withdraw_client(self.s, client_id=c.id, actor=actor,
                            reason=self.rng.choice(CLIENT_WITHDRAWALS), now=when)
            self.leave_waiting(c, "withdrawn")

    def resume(self, when: datetime, client_id: int) -> None:
        c = self.clients[client_id]
        resume_client(self.s, client_id=c.id, actor=self.user_of[c.provider_id], now=when)
        self.to_waiting(c)
