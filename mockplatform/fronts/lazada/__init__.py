"""The Lazada Open Platform front (``/rest``): the gateway the official SDK talks to, over the
same pipeline and domain services as the native API. ``gateway`` (transport, authentication),
``signing``, ``errors`` (the envelope and Lazada's codes), ``table`` (the APIs), ``wire`` (values
as Lazada writes them) and one module per API group."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from mockplatform.fronts.lazada import gateway  # noqa: PLC0415 - registered per app

    app.register_blueprint(gateway.bp)
