"""The sentence a dwelling back in the matcher's queue shows: why it came back, so the matcher
knows what the next round must do differently before proposing again."""

from matching.queries.requeue_cause import (
    ALL_REJECTED,
    CANCELLED,
    CLIENT_WITHDRAWN,
    DECLINED,
    RequeueCause,
)
from matching.web.i18n import label, moment
from matching.web.i18n import text as _


def requeue_sentence(cause: RequeueCause | None) -> str | None:
    """'Terug in de wachtrij sinds …: …' in the user's language, or None without a cause."""
    if cause is None:
        return None
    when = moment(cause.at)
    if cause.kind == DECLINED:
        text = _("Terug in de wachtrij sinds %(when)s: cliënt #%(client)s heeft het aanbod "
                 "afgeslagen (reden: %(reason)s).", when=when, client=cause.client_id,
                 reason=label(cause.reason) if cause.reason else _("niet opgegeven"))
        if cause.text:
            text += " " + _("Toelichting: %(text)s", text=cause.text)
        return text
    if cause.kind == CLIENT_WITHDRAWN:
        return _("Terug in de wachtrij sinds %(when)s: cliënt #%(client)s, aan wie de woning "
                 "was aangeboden, is uit het programma gegaan.", when=when,
                 client=cause.client_id)
    if cause.kind == ALL_REJECTED:
        return _("Terug in de wachtrij sinds %(when)s: de corporatie heeft alle kandidaten van "
                 "ronde %(no)s afgewezen. De redenen staan hieronder bij de ronde.", when=when,
                 no=cause.round_no)
    if cause.kind == CANCELLED:
        text = _("Terug in de wachtrij sinds %(when)s: ronde %(no)s is geannuleerd.",
                 when=when, no=cause.round_no)
        if cause.text:
            text += " " + _("Reden: %(text)s", text=cause.text)
        return text
    if cause.round_no is not None:
        return _("Terug in de wachtrij sinds %(when)s: ronde %(no)s is gesloten zonder "
                 "gekozen kandidaat; de kandidaten zijn uit het programma gegaan.", when=when,
                 no=cause.round_no)
    return _("Terug in de wachtrij sinds %(when)s: de vorige ronde is gesloten zonder "
             "gekozen kandidaat.", when=when)
