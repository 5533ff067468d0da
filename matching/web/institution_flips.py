"""The page that registers an institution dwelling flipped to a regular lease for a client:
reached from the client's page by its own care provider or the agency. The flip cannot be
undone (the client becomes the corporation's tenant and leaves the queue), so the page first
shows what will happen and waits for a confirm (matching/web/confirmation.py)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlmodel import col, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from matching.models import Client, Organisation
from matching.queries.clients import districts
from matching.services import clients as client_service
from matching.services.errors import Conflict, ValidationFailed
from matching.services.institution_flips import ADDRESS_MAX_LENGTH, register_institution_flip
from matching.vocabulary import OrganisationKind, Role
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.confirmation import Confirmation, ask_confirmation, is_confirmed
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import long_date
from matching.web.i18n import text as _
from matching.web.page_helpers import today
from matching.workflow import TransitionNotAllowed

blueprint = Blueprint("institution_flips", __name__)


def _id_or_none(value: object) -> int | None:
    """A chosen id; the empty first option (or anything else) is no choice."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


class InstitutionFlipForm(FlaskForm):
    corporation_id = SelectField(_l("Corporatie (de nieuwe verhuurder)"), coerce=_id_or_none,
                                 validators=[InputRequired(_l("Kies een corporatie."))])
    address = StringField(
        _l("Adres van de instellingswoning"),
        validators=[InputRequired(_l("Vul het adres in.")),
                    Length(max=ADDRESS_MAX_LENGTH, message=_l("Hoogstens 200 tekens."))])
    wijk = SelectField(_l("Wijk of gemeente"),
                       validators=[InputRequired(_l("Kies een wijk of gemeente."))])
    start = DateField(_l("Huurder vanaf"),
                      validators=[InputRequired(_l("Vul een geldige datum in."))])

    def fill_choices(self) -> None:
        session = db_session()
        self.corporation_id.choices = choices([("", _("Kies een corporatie"))] + [
            (organisation.id, organisation.name) for organisation in session.exec(
                select(Organisation).where(
                    Organisation.kind == OrganisationKind.CORPORATION,
                ).order_by(col(Organisation.name)))
        ])
        self.wijk.choices = choices([("", _("Kies een wijk of gemeente"))] + [
            (district.name, district.name) for district in districts(session)])


def _messages(client: Client) -> dict[str, str]:
    return {
        "corporation_id": _("Kies een corporatie."),
        "address": _("Vul het adres in (hoogstens 200 tekens)."),
        "wijk": _("Kies een wijk of gemeente uit de lijst."),
        "start": _("De datum mag niet voor de aanmelding (%(day)s) liggen.",
                   day=long_date(client.registered_on)),
    }


def _confirmation(client: Client, form: InstitutionFlipForm) -> Confirmation:
    labels = {str(value): str(text) for value, text, *_rest in form.corporation_id.choices or []}
    corporation = labels.get(str(form.corporation_id.data), "")
    return Confirmation(
        title=_("Instellingswoning omgeklapt registreren voor cliënt %(reference)s?",
                reference=client.reference),
        consequences=[
            _("Cliënt %(reference)s wordt vanaf %(day)s zelf huurder van %(corporation)s in "
              "%(address)s (%(wijk)s).", reference=client.reference,
              day=long_date(form.start.data), corporation=corporation,
              address=form.address.data, wijk=form.wijk.data),
            _("De cliënt staat daarna als gehuisvest geregistreerd en gaat uit de wachtrij."),
            _("De omklap telt mee voor de omklapdoelstelling van %(year)s van de "
              "zorgaanbieder.", year=form.start.data.year),
        ],
        confirm_label=_("Ja, omklap registreren"),
        cancel_url=url_for("clients.show", client_id=client.id),
    )


@blueprint.route("/clienten/<int:client_id>/instellingswoning-omgeklapt",
                 methods=["GET", "POST"])
@roles_required(Role.CARE_PROVIDER, Role.MATCHER)
def new(client_id: int):
    """Register the institution dwelling the client lives in as flipped to a regular lease."""
    session, actor = db_session(), current_actor()
    client = client_service.read_client(session, client_id=client_id, actor=actor,
                                        purpose="institution flip")
    form = InstitutionFlipForm()
    form.fill_choices()
    status = 200
    if not form.is_submitted():
        form.start.data = today()
    elif not form.validate():
        status = 422
    elif not is_confirmed():
        return ask_confirmation(_confirmation(client, form))
    else:
        try:
            lease = register_institution_flip(
                session, client_id=client_id, corporation_id=form.corporation_id.data or 0,
                address=form.address.data or "", wijk=form.wijk.data or "",
                start_on=form.start.data, actor=actor)
        except ValidationFailed as error:
            show_service_errors(form, error, _messages(client))
            status = 422
        except (TransitionNotAllowed, Conflict) as error:
            # Said on this page with the input kept, as the client's edit page does.
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("De instellingswoning is omgeklapt: cliënt %(reference)s is nu zelf de "
                    "huurder.", reference=client.reference), "success")
            return redirect(url_for("leases.show", lease_id=lease.id), code=303)
    return render_template("institution_flips/new.html", form=form, client=client), status
