"""The app factory. Nothing is built at import time."""

from __future__ import annotations

import itertools
import os

from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider

from mockplatform import domains
from mockplatform.control.webhooks.dispatcher import Dispatcher
from mockplatform.fronts import lazada, native, observe
from mockplatform.fronts.pipeline import Pipeline
from mockplatform.settings import Settings
from mockplatform.store.session import Store


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    settings = settings or Settings.from_env()
    # No static folder: Flask would otherwise serve /static/<path> beside the documented API.
    app = Flask("mockplatform", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json = DefaultJSONProvider(app)
    app.json.sort_keys = False
    if store is None:
        store = Store(settings.resolved_database_url, echo=settings.sql_echo,
                      pool_size=settings.pool_size)
        store.create_schema()
    pipeline = Pipeline(store, settings)
    dispatcher = Dispatcher(store, threads=settings.webhook_threads,
                            poll=settings.webhook_poll_ms / 1000,
                            forward_to=settings.webhook_sender_socket)
    pipeline.after_commit.append(dispatcher.after_commit)
    app.extensions["mockplatform"] = {"settings": settings, "store": store,
                                      "pipeline": pipeline, "webhooks": dispatcher}

    domains.load()
    native.init_app(app)
    lazada.init_app(app)
    observe.init_app(app, pipeline, store, settings)  # fault rules and the request journal
    _request_ids(app)
    dispatcher.resume()
    return app


def _request_ids(app: Flask) -> None:
    # Request ids only label log lines and error answers; they never enter a sandbox's data.
    # next() on itertools.count is atomic under the GIL: no lock needed. The process id keeps the
    # ids of several gunicorn workers apart.
    counter = itertools.count(1)
    prefix = f"req_{os.getpid()}_"

    @app.before_request
    def _assign():
        incoming = request.headers.get("X-Request-Id", "")
        if incoming and len(incoming) <= 100 and incoming.isprintable():
            g.request_id = incoming
        else:
            g.request_id = f"{prefix}{next(counter)}"

    @app.after_request
    def _echo(response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        return response
