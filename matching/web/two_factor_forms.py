"""The forms of the second factor and of confirming one's password: their shape only."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from matching.web.i18n import lazy_text as _l

REQUIRED_CODE = _l("Vul de code in.")

# What phones and password managers need to offer the code from the app (WCAG 1.3.5,
# identify input purpose), and a number pad without forcing one for a recovery code.
APP_CODE = {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
RECOVERY_CODE = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class AppCodeForm(FlaskForm):
    code = StringField(_l("Code uit uw app"), render_kw=APP_CODE,
                       validators=[DataRequired(REQUIRED_CODE), Length(max=40)])


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(_l("Herstelcode"), render_kw=RECOVERY_CODE,
                                validators=[DataRequired(REQUIRED_CODE), Length(max=40)])


class ConfirmForm(FlaskForm):
    password = PasswordField(
        _l("Wachtwoord"), render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(_l("Vul uw wachtwoord in."))],
    )
    # Asked only of a user with a second factor (the view makes it required then).
    code = StringField(_l("Code uit uw app of een herstelcode"), render_kw=APP_CODE,
                       validators=[Optional(), Length(max=40)])
