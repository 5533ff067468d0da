"""Pages of the reports area (being built)."""

from flask import Blueprint

blueprint = Blueprint("reports", __name__)
