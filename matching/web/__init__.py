"""The web application: the factory, its extensions and its request-scoped database session."""

from typing import Any

from flask import Flask, g, request
from flask_openapi3 import Info, OpenAPI
from flask_wtf.csrf import CSRFProtect
from sqlmodel import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from matching.config import Settings, load_settings
from matching.db import get_engine

csrf = CSRFProtect()

# Uploads are a quarter's dwellings or a provider's clients: a few thousand rows at most.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the Flask application for `settings` (read from the environment by default)."""
    from matching.web.api.auth import SECURITY_SCHEMES
    from matching.web.api.errors import ErrorEnvelope, validation_error_response

    settings = settings or load_settings()
    app = OpenAPI(
        __name__,
        info=Info(title="Matching Utrecht API", version="1"),
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        doc_ui=False,
        security_schemes=SECURITY_SCHEMES,
        validation_error_model=ErrorEnvelope,
        validation_error_callback=validation_error_response,
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MATCHING_DATABASE_URL=settings.database_url,
        MATCHING_ENV=settings.env,
        MATCHING_IDLE_MINUTES=30,
        MATCHING_SESSION_HOURS=12,  # however busy, a session ends this long after sign-in
        MATCHING_REPORT_FIGURES_SECONDS=settings.report_figures_seconds,
        SESSION_COOKIE_NAME="matching_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        # The CSRF check runs for every page POST in `register_extensions`; the JSON API
        # authenticates with bearer tokens, not cookies, so it needs none.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(overrides)
    app.url_map.converters["int"] = DatabaseId
    trust_proxies(app, settings.trusted_proxies)
    register_database(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    return app


class DatabaseId(IntegerConverter):
    """`<int:...>` in a page's path: an id beyond PostgreSQL's integer matches no page (404)
    instead of reaching the database, which would refuse it with an error."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        from matching.access import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def trust_proxies(app: Flask, count: int) -> None:
    """Believe the last `count` entries of X-Forwarded-For and -Proto, the ones our own
    proxies wrote; with none trusted a client could forge its address past the sign-in
    brake, and with a proxy not trusted everyone behind it would share the proxy's."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


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


def register_extensions(app: Flask) -> None:
    from matching.web import (
        access_log,
        form_return,
        i18n,
        navigation,
        notification_bell,
        recent_reports,
    )
    from matching.web.auth import login_manager

    access_log.init_app(app)
    recent_reports.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    notification_bell.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    @app.before_request
    def protect_pages_from_csrf() -> None:
        if not request.path.startswith("/api/"):
            csrf.protect()

    app.before_request(form_return.forget_elsewhere)


def register_blueprints(app: Flask) -> None:
    from matching.web import (
        admin,
        auth,
        citydeal,
        clients,
        contingents,
        dashboard,
        dwellings,
        health,
        institution_flips,
        leases,
        matcher,
        notifications,
        proposals,
        public_pages,
        reports,
        statushouder_inputs,
        steering_inputs,
        supply,
        two_factor,
        year_plan,
    )

    for module in (
        health, auth, dwellings, proposals, matcher, clients, contingents, leases, reports, admin,
        notifications, dashboard, steering_inputs, two_factor, public_pages, supply, year_plan,
        institution_flips, citydeal, statushouder_inputs,
    ):
        app.register_blueprint(module.blueprint)
    from matching.web import api

    assert isinstance(app, OpenAPI)  # the API's document is generated from its routes
    app.register_api(api.blueprint)
    app.register_blueprint(api.docs.blueprint)


def register_errorhandlers(app: Flask) -> None:
    from matching.web import errors

    errors.register_errorhandlers(app)


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
        if request.is_secure:
            # Over TLS (behind a proxy: as its trusted X-Forwarded-Proto says), the browser
            # is told to use nothing else here for a year, so no one can strip it to http.
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if request.path != "/health" and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
