"""Pages of the contingents area (being built)."""

from flask import Blueprint

blueprint = Blueprint("contingents", __name__)
