"""Managing a sandbox's webhook endpoints: checked on the way in (an http(s) URL, patterns that
match an event type the server emits and the format carries, a known format), a secret drawn
from the seed when none is given."""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from mockplatform.control.webhooks import catalogue, outbox
from mockplatform.control.webhooks.formats import FORMATS, NATIVE, carries
from mockplatform.control.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mockplatform.engine import ids
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import NotFound, ValidationFailed

PREFIX = "whe_"
MAX_PATTERNS = 100
MIN_SECRET, MAX_SECRET = 16, 200


def endpoint_id(seq: int) -> str:
    return ids.format_id(PREFIX, seq)


def create(ctx: SandboxContext, *, url: str, event_types: list[str] | None = None,
           format: str = NATIVE, secret: str | None = None, description: str = "",
           enabled: bool = True) -> WebhookEndpoint:
    format = check_format(format)
    url = check_url(url)
    patterns = check_patterns(event_types if event_types is not None else [catalogue.EVERYTHING],
                              format)
    if secret is not None:
        check_secret(secret)
    seq = ids.next_value(ctx.counters, outbox.ENDPOINT_COUNTER)
    endpoint = WebhookEndpoint(sandbox_id=ctx.id, seq=seq, url=url, event_types=patterns,
                               format=format, secret=secret or drawn_secret(ctx, seq),
                               description=description, enabled=enabled, created_at=ctx.now)
    ctx.session.add(endpoint)
    _changed(ctx)
    return endpoint


def drawn_secret(ctx: SandboxContext, seq: int) -> str:
    """``whsec_`` and 64 hex digits drawn from the seed: the same sandbox and calls give the same
    secret, so recorded signatures can be checked again."""
    return f"whsec_{ctx.rng(f'webhook_endpoint:{seq}', 'secret').getrandbits(256):064x}"


def update(ctx: SandboxContext, seq: int, changes: dict[str, Any]) -> WebhookEndpoint:
    endpoint = get(ctx, seq)
    if "url" in changes:
        endpoint.url = check_url(changes["url"])
    if "event_types" in changes:
        endpoint.event_types = check_patterns(changes["event_types"], endpoint.format)
    if "description" in changes:
        endpoint.description = changes["description"]
    if "enabled" in changes:
        endpoint.enabled = bool(changes["enabled"])
    _changed(ctx)
    return endpoint


def delete_(ctx: SandboxContext, seq: int) -> None:
    """The endpoint, its deliveries (those not sent yet are never sent) and their log."""
    get(ctx, seq)
    ctx.finish()  # buffered deliveries of this unit of work first
    for table, column in ((WebhookAttempt, WebhookAttempt.endpoint_seq),
                          (WebhookDelivery, WebhookDelivery.endpoint_seq),
                          (WebhookEndpoint, WebhookEndpoint.seq)):
        ctx.session.execute(delete(table).where(table.sandbox_id == ctx.id, column == seq))
    _changed(ctx)


def get(ctx: SandboxContext, seq: int) -> WebhookEndpoint:
    endpoint = ctx.session.get(WebhookEndpoint, (ctx.id, seq))
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id(seq)} in this sandbox")
    return endpoint


def list_(ctx: SandboxContext, *, after_seq: int, limit: int) -> tuple[list[WebhookEndpoint], bool]:
    rows = list(ctx.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.sandbox_id == ctx.id,
                                      WebhookEndpoint.seq > after_seq)
        .order_by(WebhookEndpoint.seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _changed(ctx: SandboxContext) -> None:
    outbox.changed(ctx)
    outbox.written().add(ctx.id)  # wakes (and starts) the dispatcher once committed


# -- checks ---------------------------------------------------------------------------------------

def check_format(value: str) -> str:
    if value not in FORMATS:
        raise ValidationFailed.field("format", f"unknown format {value!r}; expected one of "
                                     f"{', '.join(FORMATS)}")
    return value


def check_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise ValidationFailed.field("url", f"expected an absolute http:// or https:// URL with a "
                                     f"host, got {value!r}")
    if any(c.isspace() for c in value) or not value.isprintable():
        raise ValidationFailed.field("url", "must not contain spaces or control characters")
    return value


def check_patterns(patterns: list[str], format_name: str) -> list[str]:
    if not patterns:
        raise ValidationFailed.field("event_types", "give at least one event type or pattern "
                                     "(* for every event)")
    if len(patterns) > MAX_PATTERNS:
        raise ValidationFailed.field("event_types", f"at most {MAX_PATTERNS} patterns")
    for index, pattern in enumerate(patterns):
        field = f"event_types[{index}]"
        matched = catalogue.matching(pattern)
        if not matched:
            raise ValidationFailed.field(field, f"{pattern!r} matches no event type the server "
                                         f"emits{_closest(pattern)} (GET /api/v1/webhook_event_"
                                         f"types lists them; a prefix ends in .*)")
        if not any(carries(format_name, t) for t in matched):
            raise ValidationFailed.field(field, f"{pattern!r} matches no event the "
                                         f"{format_name} format pushes (order.*, aftersales.*, "
                                         f"tracking.updated)")
    return list(dict.fromkeys(patterns))


def _closest(pattern: str) -> str:
    families = {f"{t.split('.')[0]}.*" for t in catalogue.event_types()}
    close = difflib.get_close_matches(pattern, [*catalogue.event_types(), *sorted(families)],
                                      n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_secret(value: str) -> None:
    if not (MIN_SECRET <= len(value) <= MAX_SECRET) or not value.isascii() \
            or not value.isprintable() or " " in value:
        raise ValidationFailed.field("secret", f"expected {MIN_SECRET} to {MAX_SECRET} printable "
                                     f"ASCII characters without spaces")
