"""The rounds: the matcher proposes, the corporation decides, the client answers, the letting."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from matching.demo.dwellings import DemoDwelling
from matching.demo.population import DemoClient
from matching.demo.reasons import INVALID_DECLINES, REINSTATEMENTS, REJECTIONS, VALID_DECLINES
from matching.demo.timeline import Timeline, moment
from matching.engine.suggest import suggest
from matching.models import Dwelling
from matching.services.clients import reinstate_client
from matching.services.dwellings import record_offer_answer, release_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.workdays import local_date, working_days_between


def _half_month(day: date) -> date:
    """Return the first 1st or 15th of a month on or after `day`: when leases start."""
    if day.day in (1, 15):
        return day
    return day.replace(day=15) if day.day < 15 else day + relativedelta(months=1, day=1)


class RoundSteps(Timeline):
    """Propose rounds of three for submitted dwellings and play them out to the letting."""

    def propose(self, when: datetime, d: DemoDwelling) -> None:
        if d.state != "submitted":
            return  # withdrawn meanwhile
        day = when.date()
        assert d.submitted_on is not None
        waited = working_days_between(d.submitted_on, day)
        # The engine's ranking, with a few more than a round so the matcher can deviate.
        dwelling = self.s.get(Dwelling, d.id)
        assert dwelling is not None
        ranked = suggest(self.s, dwelling, today=local_date(when), limit=6).suggestions
        fitting = [self.clients[s.client.id] for s in ranked]
        if not fitting or (len(fitting) < 3 and waited < 10):
            if not fitting and waited >= 30:
                self.at(self.later(day, 1, 10), self.release, d)
            else:
                self.at(self.later(day, self.rng.randint(2, 3), 13), self.propose, d)
            return
        top = fitting[:3]
        chosen, motivation = top, None
        if len(fitting) > 3 and self.rng.random() < 0.12:
            chosen = sorted(self.rng.sample(fitting, 3), key=fitting.index)
            if {c.id for c in chosen} != {c.id for c in top}:
                motivation = "Spreiding over de wijk: kandidaat kent de buurt en het netwerk."
        ids = [c.id for c in chosen]
        proposal = propose_candidates(
            self.s, dwelling_id=d.id, client_ids=ids, actor=self.matcher,
            motivation=motivation, now=when)
        for c in chosen:
            self.leave_waiting(c, "proposed")
        d.state, d.proposal_id, d.pending = "proposed", proposal.id, ids
        # Now and then a corporation misses the deadline; over Christmas many do.
        christmas = day.month == 12 and day.day >= 10
        delay = self.rng.randint(1, 4)
        if self.rng.random() < (0.5 if christmas else 0.06):
            delay = self.rng.randint(9, 14) if christmas else self.rng.randint(6, 9)
        decide_at = self.later(day, delay, 9)
        deadline = proposal.deadline
        assert deadline is not None
        if deadline < self.today and (decide_at >= self.end or self.recent(day)):
            if not self.overdue_made and not d.withdraw:
                # The one round the newcomer finds overdue: left undecided past its deadline.
                self.overdue_made = True
                return
            # Every other round still open today is inside its deadline: decided on it.
            decide_at = min(decide_at, moment(deadline, 9, decide_at.minute))
        self.at(decide_at, self.decide, d, proposal.id)

    def recent(self, day: date) -> bool:
        """Whether a round proposed on `day` is among the last ones before the demo's end."""
        return (self.today - day).days <= 12

    def rejection(self, d: DemoDwelling, c: DemoClient) -> str:
        """Pick a landlord reason that fits the dwelling and the candidate."""
        options = ["community_acceptance", "support_capacity_chain", "low_stimulus_needed",
                   "dwelling_type_not_in_profile", "liveability_complex", "other"]
        if d.corporation == "SSH":
            options += ["student_complex_cap", "mixed_living_fit"] * 4
        if d.wijk == "Overvecht":
            options += ["area_concentration"] * 5
        if d.designation == "instroom":
            options += ["support_not_available_at_location"] * 2
        if not c.support:
            options += ["support_not_confirmed"] * 8
        known = [code for code in options if code in self.rejections]
        return self.rng.choice(known) if known else "other"

    def reject(self, when: datetime, d: DemoDwelling, client_id: int) -> None:
        code = self.rejection(d, self.clients[client_id])
        assert d.proposal_id is not None
        decide_candidate(self.s, proposal_id=d.proposal_id, client_id=client_id,
                         decision="reject", reason_code=code,
                         motivation=REJECTIONS.get(code, "Zie toelichting in het dossier."),
                         actor=self.corp(d.corporation), now=when)
        d.pending.remove(client_id)
        d.excluded.add(client_id)
        self.to_waiting(self.clients[client_id])

    def decide(self, when: datetime, d: DemoDwelling, proposal_id: int) -> None:
        if d.state != "proposed" or d.proposal_id != proposal_id:
            return  # the dwelling was withdrawn and the round cancelled
        rng = self.rng
        reject_all = rng.random() < (0.32, 0.25, 0.1)[min(d.full_rejections, 2)]
        if reject_all:
            for n, client_id in enumerate(list(d.pending)):
                self.reject(when + timedelta(minutes=n), d, client_id)
            d.state, d.full_rejections = "submitted", d.full_rejections + 1
            self.at(self.later(when.date(), rng.randint(1, 3), 13), self.propose, d)
            return
        if len(d.pending) > 1 and rng.random() < 0.15:
            self.reject(when, d, rng.choice(d.pending))
        chosen = rng.choices(d.pending, weights=(6, 3, 1)[: len(d.pending)])[0]
        decide_candidate(self.s, proposal_id=proposal_id, client_id=chosen, decision="accept",
                         actor=self.corp(d.corporation), now=when + timedelta(minutes=5))
        for client_id in d.pending:
            if client_id != chosen:
                self.to_waiting(self.clients[client_id])
        self.clients[chosen].state = "matched"
        d.state, d.matched, d.pending = "matched", chosen, []
        d.excluded.add(chosen)
        self.at(self.later(when.date(), rng.randint(1, 5), 14), self.answer, d)

    def answer(self, when: datetime, d: DemoDwelling) -> None:
        assert d.matched is not None
        c, r = self.clients[d.matched], self.rng.random()
        if r < 0.88:
            record_offer_answer(self.s, dwelling_id=d.id, answer="accepted", actor=self.matcher,
                                now=when)
            d.state, c.state = "offer_accepted", "offer_accepted"
            self.at(self.later(when.date(), self.rng.randint(4, 12), 11), self.let, d)
            return
        valid = r < 0.95
        code = self.rng.choice(VALID_DECLINES if valid else INVALID_DECLINES)
        record_offer_answer(self.s, dwelling_id=d.id, answer="declined", reason_code=code,
                            valid=valid, actor=self.matcher, now=when)
        d.state, d.matched = "submitted", None
        if valid:
            self.to_waiting(c)
        else:
            c.state = "offer_refused"
            if self.rng.random() < 0.6:
                self.at(self.later(when.date(), self.rng.randint(5, 20), 10), self.reinstate, c)
        self.at(self.later(when.date(), self.rng.randint(1, 3), 13), self.propose, d)

    def reinstate(self, when: datetime, c: DemoClient) -> None:
        reinstate_client(self.s, client_id=c.id, actor=self.matcher,
                         motivation=self.rng.choice(REINSTATEMENTS), now=when)
        self.to_waiting(c)

    def let(self, when: datetime, d: DemoDwelling) -> None:
        assert d.matched is not None
        start = max(_half_month(when.date() + timedelta(days=1)), d.available_from)
        let_dwelling(self.s, dwelling_id=d.id, lease_start=start,
                     lease_type=d.lease_type, actor=self.corp(d.corporation), now=when)
        d.state, self.clients[d.matched].state = "let", "housed"

    def release(self, when: datetime, d: DemoDwelling) -> None:
        release_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation), now=when)
        d.state = "released"
