"""Pages of the admin area (being built)."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__)
