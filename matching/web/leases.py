"""Pages of the leases area (being built)."""

from flask import Blueprint

blueprint = Blueprint("leases", __name__)
