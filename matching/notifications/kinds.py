"""The kinds of notification (codes fixed by the API contract), their recipients and messages.

Messages are written in both languages here, as reference data carries `label_nl` and
`label_en`: they are rendered for the pages, the API and e-mail alike, outside any request.
A message names what happened and the dwelling, round or lease it concerns; it never names
or describes a client.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from matching.vocabulary import Role

CORPORATION, AGENCY, CARE_PROVIDER = Role.CORPORATION, Role.MATCHER, Role.CARE_PROVIDER


@dataclass(frozen=True)
class Kind:
    code: str
    subject_type: str
    roles: tuple[str, ...]  # the roles of the organisations told
    label_nl: str
    label_en: str
    message_nl: str
    message_en: str


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("round_opened", "proposal", (CORPORATION,),
         "Nieuwe voorstelronde voor een woning", "New round of candidates for a dwelling",
         "Nieuwe voorstelronde {round_no} voor {address}: besluit uiterlijk {deadline}.",
         "New round {round_no} for {address}: decide by {deadline}."),
    Kind("round_reminder", "proposal", (CORPORATION,),
         "Herinnering: een ronde wacht op uw besluit", "Reminder: a round awaits your decision",
         "Ronde {round_no} voor {address} wacht op uw besluit: de termijn loopt af op "
         "{deadline}.",
         "Round {round_no} for {address} awaits your decision: the deadline is {deadline}."),
    Kind("round_overdue", "proposal", (CORPORATION, AGENCY),
         "Ronde over de beslistermijn", "Round past its deadline",
         "Over de termijn: {corporation} heeft op {deadline} nog niet besloten over ronde "
         "{round_no} voor {address}.",
         "Overdue: {corporation} had not decided on round {round_no} for {address} by "
         "{deadline}."),
    Kind("round_decided", "proposal", (AGENCY,),
         "Besluit over een ronde", "Decision on a round",
         "{corporation} heeft besloten over ronde {round_no} voor {address}: {outcome_nl}.",
         "{corporation} decided on round {round_no} for {address}: {outcome_en}."),
    Kind("round_extended", "proposal", (CORPORATION,),
         "Beslistermijn verlengd", "Deadline extended",
         "Het Vierde Huis heeft de beslistermijn van ronde {round_no} voor {address} verlengd "
         "tot {deadline}.",
         "Het Vierde Huis extended the deadline of round {round_no} for {address} to "
         "{deadline}."),
    Kind("round_cancelled", "proposal", (CORPORATION,),
         "Ronde geannuleerd", "Round cancelled",
         "Het Vierde Huis heeft ronde {round_no} voor {address} geannuleerd; de woning gaat "
         "terug in de wachtrij.",
         "Het Vierde Huis cancelled round {round_no} for {address}; the dwelling returns to "
         "the queue."),
    Kind("offer_overdue", "dwelling", (AGENCY,),
         "Aanbod zonder antwoord na de termijn", "Offer unanswered past its deadline",
         "Het aanbod van {address} ({corporation}) had uiterlijk {deadline} beantwoord moeten "
         "zijn.",
         "The offer of {address} ({corporation}) should have been answered by {deadline}."),
    Kind("dwelling_at_risk", "dwelling", (AGENCY, CORPORATION),
         "Woning dreigt leeg te staan", "Dwelling at risk of standing empty",
         "{address} ({corporation}) is na {days} werkdagen nog niet gematcht.",
         "{address} ({corporation}) has not been matched after {days} working days."),
    Kind("flip_review_3m", "lease", (CARE_PROVIDER, CORPORATION),
         "Evaluatie omklapcontract over drie maanden", "Flip lease review in three months",
         "De evaluatie van omklapcontract {lease_id} ({corporation}) is over drie maanden, "
         "op {review_on}.",
         "Flip lease {lease_id} ({corporation}) is due for review in three months, on "
         "{review_on}."),
    Kind("flip_review_1m", "lease", (CARE_PROVIDER, CORPORATION),
         "Evaluatie omklapcontract over een maand", "Flip lease review in one month",
         "De evaluatie van omklapcontract {lease_id} ({corporation}) is over een maand, op "
         "{review_on}.",
         "Flip lease {lease_id} ({corporation}) is due for review in one month, on "
         "{review_on}."),
    Kind("flip_review_due", "lease", (CARE_PROVIDER, CORPORATION),
         "Evaluatie omklapcontract vandaag", "Flip lease review today",
         "Vandaag, {review_on}, is de evaluatie van omklapcontract {lease_id} ({corporation}): "
         "omklappen of verlengen.",
         "Today, {review_on}, flip lease {lease_id} ({corporation}) is due for review: "
         "transfer or extend."),
    Kind("campus_end_6m", "lease", (CORPORATION,),
         "Campuscontract eindigt over zes maanden", "Campus lease ends in six months",
         "Campuscontract {lease_id} eindigt over zes maanden, op {end_on}.",
         "Campus lease {lease_id} ends in six months, on {end_on}."),
    Kind("transfer_requested", "lease", (CORPORATION,),
         "Omklap aangevraagd", "Transfer requested",
         "{care_provider} vraagt de omklap van contract {lease_id} aan per {wished_on}.",
         "{care_provider} asks for lease {lease_id} to be transferred on {wished_on}."),
    Kind("referral_received", "client", (AGENCY,),
         "Nieuwe aanmelding", "New referral",
         "{care_provider} heeft een cliënt aangemeld; de aanmelding wacht op uw controle.",
         "{care_provider} referred a client; the referral awaits your check."),
    # Subject: the year's first quarter, its id written year x 10 + quarter (20261: 2026Q1).
    Kind("contingents_provisional", "quarter", (AGENCY, CARE_PROVIDER),
         "Voorlopige contingenten voor het nieuwe jaar", "Provisional contingents for the new year",
         "{year} begon zonder contingenten: de taak van {task} woningen is voorlopig verdeeld "
         "naar de verdeling van {base_year}. De contingentbeheerder bevestigt of wijzigt ze.",
         "{year} began without contingents: the task of {task} dwellings is divided "
         "provisionally by the shares of {base_year}. The contingent manager confirms or "
         "changes them."),
    Kind("submission_peak", "dwelling", (AGENCY,),
         "Piek in het aanbod", "Peak in submitted dwellings",
         "{corporation} heeft {count} woningen van {project} voorgedragen, geoormerkt voor "
         "{providers}: meer dan de bemiddeling per maand aankan ({capacity}). Bekijk het "
         "voorgestelde vrijgaveschema.",
         "{corporation} submitted {count} dwellings of {project}, earmarked for {providers}: "
         "more than mediation can handle in a month ({capacity}). See the suggested release "
         "schedule."),
    Kind("one_time_offer", "client", (AGENCY,),
         "Eenmalig aanbod: twaalf maanden in het corporatiehotel",
         "One-time offer: twelve months in a corporation hotel",
         "Een cliënt van {care_provider} woont twaalf maanden in het corporatiehotel zonder "
         "woning: doe een eenmalig aanbod.",
         "A client of {care_provider} has been in a corporation hotel for twelve months "
         "without housing: make a one-time offer."),
)}

# Parameters that hold a date (YYYY-MM-DD), written out in the reader's language.
DATE_PARAMS = frozenset({"deadline", "review_on", "end_on", "wished_on"})

OUTCOMES = {
    "accepted": ("een kandidaat is geaccepteerd", "a candidate was accepted"),
    "rejected": ("alle kandidaten zijn afgewezen", "every candidate was rejected"),
}

LANGUAGES = ("nl", "en")


def kinds_for_role(role: str) -> list[Kind]:
    """The kinds a user of this role can receive, in the order above."""
    return [kind for kind in KINDS.values() if role in kind.roles]


def label(kind: str, language: str) -> str:
    found = KINDS.get(kind)
    if found is None:
        return kind
    return found.label_en if language == "en" else found.label_nl


def message(kind: str, params: dict[str, Any], language: str) -> str:
    """The notification's sentence in `language` (nl or en)."""
    found = KINDS.get(kind)
    if found is None:
        return kind
    template = found.message_en if language == "en" else found.message_nl
    values = {name: _shown(name, value, language) for name, value in params.items()}
    return template.format_map(_Missing(values))


def _shown(name: str, value: Any, language: str) -> Any:
    if name in DATE_PARAMS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "d MMMM yyyy", locale=language)
        except ValueError:
            return value
    return value


class _Missing(dict[str, Any]):
    """Leave a placeholder the parameters lack visible instead of failing to render."""

    def __missing__(self, key: str) -> str:
        return "–"


def outcome_params(outcome: str) -> dict[str, str]:
    nl, en = OUTCOMES[outcome]
    return {"outcome": outcome, "outcome_nl": nl, "outcome_en": en}
