"""Matching: the shared workflow for housing people leaving shelters and protected living."""

__version__ = "0.1.0"
