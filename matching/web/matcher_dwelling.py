"""The matcher's dwelling page: the facts, the engine's explained suggestions with the
exclusion counts, proposing a round (the top N in one click, or a motivated choice), the
dry run for one client, and the rounds so far. Registered on the matcher blueprint."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from sqlmodel import Session

from matching.queries.dwellings import dwelling_history
from matching.queries.matcher import round_size
from matching.queries.matcher_clients import (
    candidate_reasons,
    client_labels,
    dwelling_view,
    rounds_of,
)
from matching.queries.requeue_cause import requeue_cause
from matching.services.errors import Conflict, ValidationFailed
from matching.services.hotels import clients_due_one_time_offer
from matching.services.matching import dry_run, suggest_for_dwelling
from matching.services.proposals import propose_candidates
from matching.shared_reads import shared_reads
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import restore_errors, returned_name, send_back, take_back
from matching.web.i18n import language, short_date
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.matcher_forms import SERVICE_MESSAGES, DryRunForm, ProposeForm
from matching.web.page_helpers import log_reads, today
from matching.web.requeue_words import requeue_sentence
from matching.workflow import allowed_triggers
from matching.workflow.engine import TransitionNotAllowed

# How many suggestions "show more" asks for: enough to choose others than the top.
MORE_SUGGESTIONS = 10

# The engine's exclusion rules, named for the matcher (matching/engine/rules.py, in order).
RULE_LABELS = {
    "rejected_before": _l("eerder afgewezen of afgeslagen voor deze woning"),
    "designation": _l("fase of omklapcontract past niet"),
    "household": _l("huishouden te groot"),
    "housing_benefit": _l("geen recht op huurtoeslag (jongeren)"),
    "affordability": _l("huur boven hun grens"),
    "needs": _l("behoeften niet vervuld"),
    "senior_label": _l("te jong voor het seniorenlabel"),
    "district": _l("wijk uitgesloten"),
    "earmark": _l("gereserveerd voor andere zorgaanbieders"),
}

VERDICT_LABELS = {
    "not_waiting": _l("Niet wachtend"),
    "excluded": _l("Uitgesloten"),
    "suggested": _l("Bij de voorgestelde kandidaten"),
    "ranked_lower": _l("Geschikt, maar lager gerangschikt"),
}


# The name under which a refused proposal waits for the dwelling page (form_return.py).
PROPOSE = "propose"


@roles_required("matcher")
def dwelling(dwelling_id: int):
    """Show a dwelling with the engine's suggestions, the dry run and its rounds; a proposal
    refused just now comes back with the clients ticked, the text typed and its errors."""
    if returned_name() == PROPOSE and (kept := take_back(PROPOSE)) is not None:
        data, errors = kept
        return _render(dwelling_id, restore_errors(ProposeForm(formdata=data), errors),
                       kept=True)
    return _render(dwelling_id, ProposeForm(formdata=None))


def _refused(dwelling_id: int, form: ProposeForm):
    """Back to the dwelling page with the refused proposal's input and errors; with the longer
    list of suggestions when the form came from it, so a client ticked there is shown again."""
    more: dict[str, Any] = {"meer": "1"} if request.form.get("meer") == "1" else {}
    back = send_back(form, PROPOSE, url_for("matcher.dwelling", dwelling_id=dwelling_id, **more))
    return back if back is not None else _render(dwelling_id, form, status=422)


@roles_required("matcher")
def propose(dwelling_id: int):
    """Open a round with the chosen clients (a motivation is needed to deviate)."""
    form = ProposeForm()
    if not form.validate():
        return _refused(dwelling_id, form)
    chosen = list(dict.fromkeys(form.chosen_ids()))  # checked and typed, without repeats
    if not chosen:
        form.client_ids.errors = [*form.client_ids.errors, _("Kies ten minste één cliënt.")]
        return _refused(dwelling_id, form)
    try:
        proposal = propose_candidates(
            db_session(), dwelling_id=dwelling_id, client_ids=chosen, actor=current_actor(),
            motivation=form.motivation.data or None,
        )
    except ValidationFailed as error:
        show_service_errors(form, error, SERVICE_MESSAGES)
        return _refused(dwelling_id, form)
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
        return redirect(url_for("matcher.dwelling", dwelling_id=dwelling_id), code=303)
    flash(ngettext(
        "Ronde %(no)s is geopend met %(num)s kandidaat. De corporatie beslist uiterlijk "
        "%(deadline)s.",
        "Ronde %(no)s is geopend met %(num)s kandidaten. De corporatie beslist uiterlijk "
        "%(deadline)s.",
        len(chosen), no=proposal.round_no, deadline=short_date(proposal.deadline),
    ), "success")
    return redirect(url_for("matcher.dwelling", dwelling_id=dwelling_id), code=303)


def _render(dwelling_id: int, form: ProposeForm, status: int = 200, *, kept: bool = False):
    """The dwelling page; `form` as posted (or `kept` from a refused post) keeps its ticks."""
    session = db_session()
    # The suggestions, the rounds and the dry run name the same target groups and care
    # providers: read them once.
    with shared_reads(session):
        return _page(session, dwelling_id, form, status, kept=kept)


def _page(session: Session, dwelling_id: int, form: ProposeForm, status: int, *, kept: bool):
    actor, day = current_actor(), today()
    view = dwelling_view(session, actor=actor, dwelling_id=dwelling_id, today=day)
    size = round_size(session, day)
    more = request.args.get("meer") == "1" or request.form.get("meer") == "1"
    dry_form = DryRunForm(formdata=request.args if "client" in request.args else None)
    can_propose = "propose" in allowed_triggers(view.dwelling)
    suggestions, verdict = None, None
    # Suggestions only while a round can be proposed: nobody needs to read clients otherwise.
    if can_propose:
        limit = max(MORE_SUGGESTIONS, size) if more else size
        if "client" in request.args and dry_form.validate():
            suggestions, verdict = _dry_run(dwelling_id, dry_form, limit)
        if suggestions is None:
            suggestions = suggest_for_dwelling(session, dwelling_id=dwelling_id, actor=actor,
                                               limit=limit)
    rounds = rounds_of(session, actor=actor, dwelling_id=dwelling_id)
    log_reads([i for r in rounds for i in r.client_ids], f"rounds of dwelling {dwelling_id}")
    shown = (suggestions.top_ids if suggestions else []) + (
        [verdict.client_id] if verdict else [])
    labels = client_labels(session, actor=actor, client_ids=shown)
    top = suggestions.top_ids[:size] if suggestions else []
    chosen_before = form.is_submitted() or kept
    selected = set(form.client_ids.data or []) if chosen_before else set(top)
    return render_template(
        "matcher/dwelling.html", view=view, d=view.dwelling, form=form, dry_form=dry_form,
        suggestions=suggestions, verdict=verdict, labels=labels, rounds=rounds, top=top,
        selected=selected, size=size, more=more, can_propose=can_propose,
        rule_labels=RULE_LABELS, verdict_labels=VERDICT_LABELS, english=language() == "en",
        exclusions=_exclusion_sentence(suggestions) if suggestions else "",
        history=dwelling_history(session, dwelling_id),
        reasons={r.code: r for r in candidate_reasons(session)},
        one_time_offer_ids={c.id for c in clients_due_one_time_offer(session, today())},
        requeued=requeue_sentence(requeue_cause(session, dwelling_id)),
    ), status


def _dry_run(dwelling_id: int, dry_form: DryRunForm, limit: int) -> tuple[Any, Any]:
    try:
        result = dry_run(db_session(), dwelling_id=dwelling_id, actor=current_actor(),
                         client_id=dry_form.client.data, limit=limit)
    except ValidationFailed:
        dry_form.client.errors = [*dry_form.client.errors,
                                  _("Cliënt %(id)s bestaat niet.", id=dry_form.client.data)]
        return None, None
    return result.suggestions, result.verdict


def _exclusion_sentence(suggestions: Any) -> str:
    """'412 wachtend, 37 geschikt: 201 huishouden te groot, 90 huur boven hun grens'."""
    parts = [f"{count} {RULE_LABELS.get(rule, rule)}"
             for rule, count in suggestions.excluded.items() if count]
    head = _("%(waiting)s wachtend, %(eligible)s geschikt", waiting=suggestions.waiting,
             eligible=suggestions.eligible)
    return f"{head}: {', '.join(parts)}" if parts else head
