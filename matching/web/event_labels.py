"""Words for the events in a history table, beyond the triggers a user fires themselves."""

from flask_babel import lazy_gettext as _l

from matching.web.i18n import TRIGGER_LABELS

# Events the system or another party causes; the user's own actions are in TRIGGER_LABELS.
_MORE = {
    "create": _l("aangemaakt"),
    "propose": _l("voorgesteld voor een woning"),
    "requeue": _l("terug in de wachtrij"),
    "match": _l("gekozen door de corporatie"),
    "refuse_offer": _l("aanbod geweigerd"),
    "house": _l("gehuisvest"),
    "due": _l("evaluatie komt eraan"),
    "approach_end": _l("einde komt in zicht"),
}


def event_label(trigger: str | None) -> str:
    """The Dutch (or English) words for an event in a history."""
    if trigger is None:
        return "–"
    return str(_MORE.get(trigger) or TRIGGER_LABELS.get(trigger) or trigger)
