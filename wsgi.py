"""WSGI entry point: `gunicorn wsgi:app` or `matching serve`."""

from matching.web import create_app

app = create_app()
