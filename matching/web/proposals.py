"""Pages of the proposals area (being built)."""

from flask import Blueprint

blueprint = Blueprint("proposals", __name__)
