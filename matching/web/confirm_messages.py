"""What each irreversible page action says before it happens: accepting or rejecting a
candidate, recording the client's answer to the offer, letting a dwelling, transferring
(omklap) and ending a lease.

Each builder names the client, the dwelling and the date concretely, so the person deciding
reads the consequence rather than the name of a button.
"""

from datetime import date
from typing import Any

from flask import url_for

from matching.web.confirmation import Confirmation
from matching.web.i18n import LEASE_TYPE_LABELS, label, long_date
from matching.web.i18n import text as _


def accept_candidate(view: Any, item: Any, today: date) -> Confirmation:
    """The round closes with this candidate; the others go back to the queue."""
    proposal, dwelling, position = view.proposal, view.dwelling, item.candidate.position
    others = [str(other.candidate.position) for other in view.candidates
              if other is not item and other.candidate.state == "pending"]
    consequences = [
        _("Kandidaat %(number)s (%(group)s, begeleid door %(provider)s) wordt gekozen voor "
          "%(address)s.", number=position, group=label(item.target_group),
          provider=item.care_provider, address=dwelling.address),
        _("Ronde %(round)s sluit vandaag, %(day)s.", round=proposal.round_no,
          day=long_date(today)),
    ]
    if others:
        consequences.append(_("De andere kandidaten (%(numbers)s) worden niet gekozen en gaan "
                              "terug naar de wachtrij.", numbers=", ".join(others)))
    consequences.append(_("Het Vierde Huis doet de cliënt daarna het eenmalige aanbod."))
    return Confirmation(
        title=_("Kandidaat %(number)s accepteren voor %(address)s?", number=position,
                address=dwelling.address),
        consequences=consequences,
        confirm_label=_("Ja, kandidaat %(number)s accepteren", number=position),
        cancel_url=url_for("proposals.show", proposal_id=proposal.id),
    )


def offer_answer(row: Any, form: Any, today: date) -> Confirmation:
    """The answer decides whether the client is housed, waits again or loses priority."""
    client, address = row.client, row.dwelling.address
    who = _("cliënt #%(id)s %(reference)s (%(provider)s)", id=client.id,
            reference=client.reference, provider=row.care_provider)
    day = long_date(today)
    if form.answer.data == "accepted":
        title = _("Vastleggen dat de cliënt het aanbod accepteert?")
        consequences = [
            _("U legt vast dat %(who)s het aanbod voor %(address)s op %(day)s accepteert.",
              who=who, address=address, day=day),
            _("%(corporation)s kan de woning daarna aan deze cliënt verhuren.",
              corporation=row.corporation),
        ]
    else:
        labels = {str(value): str(text) for value, text, *_ in form.reason_code.choices or []}
        reason = labels.get(form.reason_code.data or "", form.reason_code.data or "")
        title = _("Vastleggen dat de cliënt het aanbod afslaat?")
        consequences = [
            _("U legt vast dat %(who)s het aanbod voor %(address)s op %(day)s afslaat, met "
              "als reden: %(reason)s.", who=who, address=address, day=day, reason=reason),
            _("De reden is geldig: de cliënt wacht weer, met behoud van wachttijd.")
            if form.valid.data == "yes" else
            _("De reden is niet geldig: het aanbod geldt als geweigerd en de voorrang van de "
              "cliënt vervalt."),
            _("De woning %(address)s gaat terug in de wachtrij.", address=address),
        ]
    return Confirmation(
        title=title, consequences=consequences, confirm_label=_("Ja, antwoord vastleggen"),
        cancel_url=url_for("matcher.offer", dwelling_id=row.dwelling.id),
    )


def let_dwelling(detail: Any, form: Any) -> Confirmation:
    """The lease starts, the dwelling is let and the client housed."""
    dwelling = detail.dwelling
    chosen = next((c for r in detail.rounds for c in r.candidates if c.state == "accepted"), None)
    kind = str(LEASE_TYPE_LABELS.get(form.lease_type.data, form.lease_type.data))
    consequences = [
        _("%(address)s wordt verhuurd aan kandidaat %(number)s, die het aanbod heeft "
          "geaccepteerd.", address=dwelling.address, number=chosen.position)
        if chosen is not None else
        _("%(address)s wordt verhuurd aan de cliënt die het aanbod heeft geaccepteerd.",
          address=dwelling.address),
        _("Het huurcontract (%(kind)s) gaat in op %(day)s.", kind=kind,
          day=long_date(form.lease_start.data)),
    ]
    if form.lease_type.data == "flip":
        consequences.append(_("De zorgaanbieder is eerst de huurder; later kan het contract "
                              "naar de cliënt omklappen."))
    consequences.append(_("De cliënt geldt daarna als gehuisvest."))
    return Confirmation(
        title=_("%(address)s verhuren?", address=dwelling.address),
        consequences=consequences, confirm_label=_("Ja, woning verhuren"),
        cancel_url=url_for("dwellings.show", dwelling_id=dwelling.id),
    )


def end_lease(detail: Any, form: Any) -> Confirmation:
    """The lease ends on the date given."""
    lease, address = detail.row.lease, detail.row.address
    return Confirmation(
        title=_("Het huurcontract voor %(address)s beëindigen?", address=address),
        consequences=[
            _("Het huurcontract voor %(address)s eindigt op %(day)s.", address=address,
              day=long_date(form.on.data)),
            _("Reden: %(reason)s", reason=form.reason.data or ""),
        ],
        confirm_label=_("Ja, huurcontract beëindigen"),
        cancel_url=url_for("leases.show", lease_id=lease.id),
    )


def reject_candidate(view: Any, item: Any, form: Any) -> Confirmation:
    """The candidate goes back to the queue; the last one closes the round without a match."""
    proposal, dwelling, position = view.proposal, view.dwelling, item.candidate.position
    labels = {str(value): str(text) for value, text, *_ in form.reason_code.choices or []}
    reason = labels.get(form.reason_code.data or "", form.reason_code.data or "")
    motivation = (form.motivation.data or "").strip()
    consequences = [
        _("Kandidaat %(number)s (%(group)s, begeleid door %(provider)s) wordt afgewezen voor "
          "%(address)s, met als reden: %(reason)s.", number=position,
          group=label(item.target_group), provider=item.care_provider,
          address=dwelling.address, reason=reason),
    ]
    if motivation:
        consequences.append(_("Toelichting: %(text)s", text=motivation))
    consequences.append(_("De cliënt gaat terug naar de wachtrij, met behoud van wachttijd."))
    others = [other for other in view.candidates
              if other is not item and other.candidate.state == "pending"]
    if others:
        consequences.append(_("Over de andere kandidaten (%(numbers)s) beslist u apart.",
                              numbers=", ".join(str(o.candidate.position) for o in others)))
    else:
        consequences.append(_("Dit is de laatste kandidaat van ronde %(round)s: de ronde sluit "
                              "zonder match en Het Vierde Huis stelt nieuwe kandidaten voor.",
                              round=proposal.round_no))
    return Confirmation(
        title=_("Kandidaat %(number)s afwijzen voor %(address)s?", number=position,
                address=dwelling.address),
        consequences=consequences,
        confirm_label=_("Ja, kandidaat %(number)s afwijzen", number=position),
        cancel_url=url_for("proposals.show", proposal_id=proposal.id),
    )


def transfer_lease(detail: Any, form: Any) -> Confirmation:
    """The client becomes the tenant; the care provider leaves the lease."""
    lease, address = detail.row.lease, detail.row.address
    tenant = detail.row.tenant or _("De zorgaanbieder")
    return Confirmation(
        title=_("Het huurcontract voor %(address)s omklappen?", address=address),
        consequences=[
            _("Vanaf %(day)s is de cliënt zelf de huurder van %(address)s.",
              day=long_date(form.on.data), address=address),
            _("%(tenant)s stapt uit het contract; het omklapcontract loopt niet verder.",
              tenant=tenant),
            _("De woning telt daarna als gewone voorraad."),
        ],
        confirm_label=_("Ja, contract omklappen"),
        cancel_url=url_for("leases.show", lease_id=lease.id),
    )
