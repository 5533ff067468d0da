"""The home page and a health check for load balancers and the quick start."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from matching.web import db_session
from matching.web.auth import home_endpoint

blueprint = Blueprint("health", __name__)


@blueprint.get("/")
def home():
    """Send a signed-in user to their role's page; explain the service to everyone else.

    No figures here: counts belong to the roles that may see them, in the reports, which
    say what they count (a bare total beside the analyst's differed without saying why)."""
    if current_user.is_authenticated:
        endpoint = home_endpoint(current_user.role)
        if endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return render_template("home.html")


@blueprint.get("/health")
def health():
    """Answer whether the application can reach its database."""
    try:
        db_session().exec(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
