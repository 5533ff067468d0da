"""The agency records that the Citydeal-overleg nominated a client of target group City Deal
(matching/services/citydeal.py), from the client's page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired

from matching.services import clients as client_service
from matching.services.citydeal import record_citydeal_nomination
from matching.services.errors import Conflict, ValidationFailed
from matching.vocabulary import Role
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.form_errors import show_service_errors
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.page_helpers import today

blueprint = Blueprint("citydeal", __name__)


class NominationForm(FlaskForm):
    nominated_on = DateField(_l("Voorgedragen op"),
                             validators=[InputRequired(_l("Vul een geldige datum in."))])


@blueprint.route("/clienten/<int:client_id>/citydeal-voordracht", methods=["GET", "POST"])
@roles_required(Role.MATCHER)
def nominate(client_id: int):
    """Record the Citydeal-overleg's nomination of a City Deal client."""
    session, actor = db_session(), current_actor()
    client = client_service.read_client(session, client_id=client_id, actor=actor,
                                        purpose="citydeal nomination")
    form = NominationForm()
    status = 200
    if not form.is_submitted():
        form.nominated_on.data = today()
    elif not form.validate():
        status = 422
    else:
        try:
            record_citydeal_nomination(session, client_id=client_id,
                                       nominated_on=form.nominated_on.data, actor=actor)
        except ValidationFailed as error:
            show_service_errors(form, error, {
                "nominated_on": _("De datum mag niet in de toekomst liggen."),
            })
            status = 422
        except Conflict:
            # Said on this page, with the date as typed: not on another page without it.
            flash(_("Deze voordracht kan niet worden vastgelegd: alleen een cliënt van de "
                    "doelgroep City Deal die nog niet gehuisvest, ingetrokken of voorgedragen "
                    "is, kan worden voorgedragen."), "error")
            status = 409
        else:
            flash(_("De voordracht door het Citydeal-overleg is vastgelegd."), "success")
            return redirect(url_for("clients.show", client_id=client_id), code=303)
    return render_template("citydeal/nominate.html", form=form, client=client), status
