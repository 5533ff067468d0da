"""Pages of the clients area (being built)."""

from flask import Blueprint

blueprint = Blueprint("clients", __name__)
