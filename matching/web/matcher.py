"""Pages of the matcher area (being built)."""

from flask import Blueprint

blueprint = Blueprint("matcher", __name__)
