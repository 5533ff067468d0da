"""The e-mail about one or more notifications of one user: Dutch or English, plain text with
an HTML alternative, naming what happened and linking to it; never a client's data."""

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from babel.dates import format_date

from matching.notifications.kinds import label, message

# The pages a mail links to (the web application serves them).
NOTIFICATION_PATH = "/meldingen/{id}"
LIST_PATH = "/meldingen"
PREFERENCES_PATH = "/profiel/meldingen"

# A mail lists this many notifications at most; the rest are on the notifications page.
MAX_LISTED = 25

TEXTS = {
    "nl": {
        "greeting": "Hallo,",
        "one": "Er is een nieuwe melding voor u in Matching Utrecht:",
        "many": "Er zijn {n} nieuwe meldingen voor u in Matching Utrecht:",
        "digest": "Uw dagoverzicht van {date}: {n} meldingen in Matching Utrecht.",
        "open": "Bekijken",
        "subject_many": "{n} nieuwe meldingen",
        "subject_digest": "Dagoverzicht {date}: {n} meldingen",
        "why": "U krijgt deze e-mail omdat u meldingen van Matching Utrecht per e-mail "
               "ontvangt. Per soort melding kiest u: direct, een dagoverzicht of geen e-mail.",
        "preferences": "Voorkeuren wijzigen",
        "more": "En nog {n} meldingen: alle meldingen staan op {link}",
    },
    "en": {
        "greeting": "Hello,",
        "one": "There is a new notification for you in Matching Utrecht:",
        "many": "There are {n} new notifications for you in Matching Utrecht:",
        "digest": "Your daily digest of {date}: {n} notifications in Matching Utrecht.",
        "open": "Open",
        "subject_many": "{n} new notifications",
        "subject_digest": "Daily digest {date}: {n} notifications",
        "why": "You receive this e-mail because you get Matching Utrecht's notifications by "
               "e-mail. For each kind you choose: immediately, a daily digest or no e-mail.",
        "preferences": "Change your preferences",
        "more": "And {n} more notifications: they are all at {link}",
    },
}


@dataclass(frozen=True)
class Item:
    """One notification in a mail."""

    notification_id: int
    kind: str
    params: dict
    created_at: datetime


def compose(*, items: list[Item], to: str, language: str, digest: bool, sender: str,
            base_url: str, now: datetime, local_day: date, message_id: str | None = None
            ) -> EmailMessage:
    """Build the mail for `items` (at least one) in `language`."""
    assert items
    words = TEXTS.get(language, TEXTS["nl"])
    lang = language if language in TEXTS else "nl"
    n = len(items)
    day = format_date(local_day, "d MMMM yyyy", locale=lang)
    if digest:
        subject = words["subject_digest"].format(date=day, n=n)
        intro = words["digest"].format(date=day, n=n)
    elif n == 1:
        subject = label(items[0].kind, lang)
        intro = words["one"]
    else:
        subject = words["subject_many"].format(n=n)
        intro = words["many"].format(n=n)
    lines = [(message(item.kind, item.params, lang),
              base_url + NOTIFICATION_PATH.format(id=item.notification_id))
             for item in items[:MAX_LISTED]]
    more = (words["more"].format(n=n - MAX_LISTED, link=base_url + LIST_PATH)
            if n > MAX_LISTED else "")
    preferences = base_url + PREFERENCES_PATH

    mail = EmailMessage()
    mail["Subject"] = f"Matching Utrecht – {subject}"
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id or make_msgid(domain="matching.invalid")
    mail["Content-Language"] = lang
    # Not a reply address for people: automated replies should not answer it either.
    mail["Auto-Submitted"] = "auto-generated"
    text = [words["greeting"], "", intro, ""]
    for sentence, link in lines:
        text += [f"- {sentence}", f"  {words['open']}: {link}", ""]
    if more:
        text += [more, ""]
    text += ["-- ", words["why"], f"{words['preferences']}: {preferences}", ""]
    mail.set_content("\n".join(text))
    entries = "".join(
        f'<li><p>{escape(sentence)}<br><a href="{escape(link)}">{escape(words["open"])}</a>'
        f"</p></li>" for sentence, link in lines)
    html = [f'<!doctype html><html lang="{lang}"><body>',
            f"<p>{escape(words['greeting'])}</p>", f"<p>{escape(intro)}</p>",
            f"<ul>{entries}</ul>"]
    if more:
        html.append(f"<p>{escape(more)}</p>")
    html += [f'<hr><p style="color:#555">{escape(words["why"])} '
             f'<a href="{escape(preferences)}">{escape(words["preferences"])}</a></p>',
             "</body></html>"]
    mail.add_alternative("".join(html), subtype="html")
    return mail
