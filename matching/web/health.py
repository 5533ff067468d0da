"""The home page and a health check for load balancers and the quick start."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from matching.services.queries import home_figures
from matching.web import db_session

blueprint = Blueprint("health", __name__)


@blueprint.get("/")
def home():
    """Show what the system holds, in Dutch."""
    return render_template("home.html", figures=home_figures(db_session()))


@blueprint.get("/health")
def health():
    """Answer whether the application can reach its database."""
    try:
        db_session().exec(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
