"""The native JSON API (``/api/v1``): one package per area, each with its blueprint
(``routes.py``), its wire contract (``schemas.py``) and, where results need shaping, its
presenters; the OpenAPI document is built from the same declarations."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from mockplatform.fronts.native import errors, openapi  # noqa: PLC0415 - built per app
    from mockplatform.fronts.native.aftersales import routes as aftersales
    from mockplatform.fronts.native.catalog import routes as catalog
    from mockplatform.fronts.native.control import observe
    from mockplatform.fronts.native.control import routes as control
    from mockplatform.fronts.native.events import routes as events
    from mockplatform.fronts.native.finance import routes as finance
    from mockplatform.fronts.native.logistics import routes as logistics
    from mockplatform.fronts.native.orders import routes as orders
    from mockplatform.fronts.native.resale import routes as resale
    from mockplatform.fronts.native.system import routes as system

    errors.init_app(app)
    app.register_blueprint(system.health_bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(observe.bp)
    app.register_blueprint(openapi.bp)
    for area in (finance, catalog, orders, logistics, resale, aftersales, events):
        app.register_blueprint(area.bp)
    from mockplatform.fronts.native.resale_overview import bp as resale_overview
    app.register_blueprint(resale_overview)
    from mockplatform.fronts.native.control.scenarios import bp as scenarios
    app.register_blueprint(scenarios)
    from mockplatform.fronts.native.webhooks import routes as webhooks
    app.register_blueprint(webhooks.bp)
