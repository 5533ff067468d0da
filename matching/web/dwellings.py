"""Pages of the dwellings area (being built)."""

from flask import Blueprint

blueprint = Blueprint("dwellings", __name__)
