"""Where a figure comes from, in the user's language.

The seeds record each year parameter's provenance as a note for whoever checks the data
("assumption: product.md s7 default; ...", "[001] Bijlage 4: ..."); the database and the API
keep that note as it is. A page shows what the note means instead: which policy document the
value comes from, or what kind of assumption it is. A source an administrator typed is shown
as typed."""

import re

from matching.web.i18n import lazy_text as _l
from matching.web.i18n import number, quarter

# The documents the seeds cite (seeds/README.md), by the number in square brackets.
DOCUMENTS = {
    "000": _l("de presentatie Thuis voor Iedereen van de gemeente Utrecht (2022)"),
    "001": _l("het Plan van Aanpak huisvesting en ondersteuning kwetsbare doelgroepen "
              "(juli 2019)"),
    "002": _l("de raadsbrief over het verdeelbesluit 2024 en 2025"),
    "003": _l("de brief van de VNG en het programma Een thuis voor iedereen (2022)"),
}
_CITED = re.compile(r"\[(\d{3})\]")
_NATIONAL = re.compile(r"published national value for (\d{4})")


def _documents(note: str) -> str:
    names = [str(DOCUMENTS[n]) for n in dict.fromkeys(_CITED.findall(note)) if n in DOCUMENTS]
    return f" {_l('en')} ".join(names)


def source_label(note: str | None) -> str:
    """The provenance note of a seeded value as a sentence for a page."""
    note = (note or "").strip()
    if not note:
        return "–"
    documents = _documents(note)
    if note.startswith("assumption"):
        national = _NATIONAL.search(note)
        if national:
            return str(_l("De landelijk gepubliceerde waarde voor %(year)s; staat niet in de "
                          "beleidsstukken.", year=national.group(1)))
        if "ranking policy weight" in note:
            return str(_l("Een weging van het rangschikkingsbeleid; de beleidsstukken vragen "
                          "een eerlijke verdeling maar geven geen formule."))
        if "product.md" in note or "product default" in note:
            return str(_l("De standaardwaarde van deze applicatie; de beleidsstukken noemen "
                          "geen waarde."))
        if documents:
            return str(_l("Een aanname op grond van %(documents)s.", documents=documents))
        return str(_l("Een aanname; de beleidsstukken noemen geen waarde."))
    if note.startswith("inference") and documents:
        return str(_l("Afgeleid uit %(documents)s.", documents=documents))
    if note.startswith("[") and documents:
        return str(_l("Uit %(documents)s.", documents=documents))
    return note


# The sentence matching.reports.balance writes: the lettings through the workflow, then the
# quarters' total lettings, entered or filled in from the year parameter.
_BALANCE = re.compile(r"^priority lettings: (\d+) dwellings let through the workflow in "
                      r"(\d{4}); total lettings: (.*)$", re.S)
_ENTERED = re.compile(r"(\d{4}Q[1-4]) (\d+) entered \((.*?)\)(?=; \d{4}Q[1-4]|$)", re.S)
_ASSUMED = re.compile(
    r"(?:^|; )((?:\d{4}Q[1-4], )*\d{4}Q[1-4]) not entered: assumption, (\d)/4 of the year "
    r"parameter mobw_total_lettings (\d+) \((.*)\)$", re.S)


def _assumed(found: re.Match[str]) -> str:
    quarters = ", ".join(quarter(q) for q in found.group(1).split(", "))
    origin = found.group(4)
    shown = (str(_l("standaardwaarde")) if origin == "built-in default"
             else source_label(origin.split(": ", 1)[-1]))
    return str(_l(
        "%(quarters)s niet ingevoerd: aangenomen is %(part)s/4 van de jaarparameter "
        "totaal verhuringen, %(value)s (%(origin)s)",
        quarters=quarters, part=found.group(2), value=number(int(found.group(3))),
        origin=shown[:1].lower() + shown[1:].rstrip(".")))


def lettings_source(source: str | None) -> str:
    """The source of the 30% balance's figures (matching.reports.balance) for a page: the
    lettings through the workflow, the quarters entered, and what the year parameter fills
    in for the others. A year before the workflow cites a document (source_label)."""
    balance = _BALANCE.match(source or "")
    if balance is None:
        return source_label(source)
    lets, year, totals = balance.groups()
    assumed = _ASSUMED.search(totals)
    entered = totals[: assumed.start()] if assumed else totals
    parts = [str(_l("%(n)s woningen verhuurd via deze applicatie in %(year)s",
                    n=number(int(lets)), year=year))]
    parts += [str(_l("%(quarter)s: %(total)s verhuringen ingevoerd (%(source)s)",
                     quarter=quarter(q), total=number(int(n)), source=note))
              for q, n, note in _ENTERED.findall(entered)]
    if assumed:
        parts.append(_assumed(assumed))
    return "; ".join(parts)
