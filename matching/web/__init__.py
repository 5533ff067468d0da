"""The web application: the factory and its request-scoped database session."""

from typing import Any

from flask import Flask, g
from sqlmodel import Session

from matching.config import Settings, load_settings
from matching.db import get_engine


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the Flask application for `settings` (read from the environment by default)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MATCHING_DATABASE_URL=settings.database_url,
        MATCHING_ENV=settings.env,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
    )
    app.config.update(overrides)
    register_database(app)
    register_blueprints(app)
    register_security_headers(app)
    return app


def register_database(app: Flask) -> None:
    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db_session() -> Session:
    """Return this request's database session, opened on first use."""
    if "db_session" not in g:
        from flask import current_app

        engine = get_engine(current_app.config["MATCHING_DATABASE_URL"])
        g.db_session = Session(engine, expire_on_commit=False)
    session: Session = g.db_session
    return session


def register_blueprints(app: Flask) -> None:
    from matching.web import health

    app.register_blueprint(health.blueprint)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def secure(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
