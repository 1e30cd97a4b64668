"""How a delivery looks on the wire, per endpoint format: which events it carries (and in how
many messages), the body, the headers and signature, the time limit and the retry schedule.

- ``native``: the event as the feed shows it, signed Stripe-style: ``Mockplatform-Signature:
  t=<unix>,v1=<hex>``, HMAC-SHA256 keyed with the endpoint's secret over ``<t>.<body>``. ``t``
  is wall time at send (receivers compare it with their own clock: a sandbox instant would fail
  every check once the clock is advanced); the sandbox instant is the body's ``occurred_at``.
  Time limit 10 s; retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failure
  (Standard Webhooks' schedule, qa-control-plane.md section 10.3): 8 attempts.
- ``lazada``: Lazada's push (lazada-api.md section 11): ``{seller_id, message_type, data,
  timestamp, site}``; message 0 per order line whose status changed, 10 per reverse order line
  (an after-sales request), 14 per fulfilment package update; ``Authorization`` = lower-case
  hex HMAC-SHA256(app_secret, app_key + body). 500 ms; retried every 30 min 12 times (13
  attempts).
- ``tiktok_shop``: ``{type, tts_notification_id, shop_id, timestamp, data}`` (platform-policies.md
  2.2): type 1 order status change, 4 package update, 11 cancellation and 12 return status
  change; ``Authorization`` signed as Lazada's (the public verifiers' reading). 3 s; retries 2 min,
  30 min, 3 h, 12 h (qa-control-plane.md 4.2): 5 attempts.

Every format succeeds on any 2xx within its time limit [choice: the issue's rule; Lazada's
documents ask for 200 and TikTok's for 200 or 401]. Bodies are compact JSON with sorted keys,
built only from the event row, the endpoint and the sandbox's seed and credentials: the same
bytes on SQLite and PostgreSQL, on the first attempt and every retry.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mockplatform.aftersales import reverse
from mockplatform.control import authorizations
from mockplatform.engine import ids, rng
from mockplatform.orders import states as item_states
from mockplatform.store import jsoncodec

NATIVE, LAZADA, TIKTOK = "native", "lazada", "tiktok_shop"
SIGNATURE_HEADER = "Mockplatform-Signature"
# Order events that change no item's status (an order's creation does: its lines are pushed
# with their first status, as Lazada pushes a new order).
_NOT_ITEM_STATUS = frozenset({"order.delayed", "order.collected",
                              "order.ship_deadline_passed"})


@dataclass(frozen=True)
class Event:
    """What a format renders from: the event row, as stored."""

    seq: int
    type: str
    occurred_at: datetime
    subject: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Sender:
    """Who sends: the sandbox's seed, market and credentials."""

    seed: int
    market: str
    app_key: str
    app_secret: str


@dataclass(frozen=True)
class Format:
    name: str
    timeout: float  # seconds, wall time
    retries: tuple[timedelta, ...]  # sandbox time after each failed automatic attempt
    # How many messages an event makes (0: the format carries no such event).
    parts: Callable[[str, dict[str, Any]], int]
    body: Callable[[Event, int, Sender], dict[str, Any]]
    headers: Callable[[bytes, str, Sender, int], dict[str, str]]

    @property
    def max_attempts(self) -> int:
        return 1 + len(self.retries)


def dumps(document: dict[str, Any]) -> bytes:
    """A push's body: compact, keys sorted, UTF-8 (store/jsoncodec.py)."""
    return jsoncodec.encode(document, sort_keys=True)


def hmac_hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def native_signature(body: bytes, secret: str, timestamp: int) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``."""
    return f"t={timestamp},v1={hmac_hex(secret, str(timestamp).encode() + b'.' + body)}"


def platform_signature(body: bytes, app_key: str, app_secret: str) -> str:
    """Lazada's (and TikTok Shop's) push signature: lower-case hex HMAC-SHA256 keyed with the
    app secret over the app key followed by the body exactly as sent."""
    return hmac_hex(app_secret, app_key.encode() + body)


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


# -- native ---------------------------------------------------------------------------------------

def _native_body(event: Event, part: int, sender: Sender) -> dict[str, Any]:
    return {"id": ids.format_id(ids.EVENT_PREFIX, event.seq), "object": "event",
            "type": event.type, "occurred_at": event.occurred_at.isoformat(),
            "subject": event.subject, "data": event.data}


def _native_headers(body: bytes, secret: str, sender: Sender, wall: int) -> dict[str, str]:
    return {SIGNATURE_HEADER: native_signature(body, secret, wall)}


# -- lazada ---------------------------------------------------------------------------------------

def _item_ids(type_: str, data: dict[str, Any]) -> list:
    if type_.startswith("order.") and type_ not in _NOT_ITEM_STATUS:
        return data.get("order_item_ids") or []
    if type_.startswith("aftersales.") and data.get("platform_status"):
        return data.get("order_item_ids") or []
    return []


def _lazada_parts(type_: str, data: dict[str, Any]) -> int:
    if type_ == "tracking.updated":
        return 1
    return len(_item_ids(type_, data))


def _lazada_body(event: Event, part: int, sender: Sender) -> dict[str, Any]:
    data, when = event.data, unix(event.occurred_at)
    seller = str(authorizations.seller_ids(sender.seed)[0])
    if event.type == "tracking.updated":
        message_type = 14
        message = {"trade_order_id": str(data["order_id"]),
                   "fulfillment_package_id": str(data["package_id"]),
                   "status": data["package_status"], "status_update_time": when}
    elif event.type.startswith("aftersales."):
        message_type = 10
        reverse_id = data["aftersales_id"]
        message = {"reverse_order_id": reverse_id,
                   # The gateway's line id (aftersales/reverse.py): the request's id and
                   # the unit's place in it.
                   "reverse_order_line_id": reverse_id * reverse.LINE_FACTOR + part + 1,
                   "reverse_status": data["platform_status"],
                   "trade_order_id": data["order_id"],
                   "trade_order_line_id": data["order_item_ids"][part],
                   "seller_id": int(seller), "status_update_time": when, "extraParams": {}}
    else:
        message_type = 0
        status = data.get("status") or (data.get("statuses") or [""])[0]  # order.created
        message = {"order_status": item_states.lazada_word(status),
                   "trade_order_id": str(data["order_id"]),
                   "trade_order_line_id": str(data["order_item_ids"][part]),
                   "status_update_time": when}
    return {"seller_id": seller, "message_type": message_type, "data": message,
            "timestamp": when, "site": f"lazada_{sender.market.lower()}"}


def _platform_headers(body: bytes, secret: str, sender: Sender, wall: int) -> dict[str, str]:
    return {"Authorization": platform_signature(body, sender.app_key, sender.app_secret)}


# -- tiktok shop ----------------------------------------------------------------------------------

_TIKTOK_CANCEL = {"CANCELLED": "CANCEL"}  # the push's word (platform-policies.md 2.2)


def _tiktok_type(type_: str, data: dict[str, Any]) -> int:
    if type_ == "tracking.updated":
        return 4
    if type_.startswith("aftersales.") and data.get("platform_status"):
        return 11 if data.get("type") == "cancellation" else 12
    if type_.startswith("order.") and data.get("platform_status"):
        return 1
    return 0


def _tiktok_parts(type_: str, data: dict[str, Any]) -> int:
    return 1 if _tiktok_type(type_, data) else 0


def _tiktok_body(event: Event, part: int, sender: Sender) -> dict[str, Any]:
    data, when = event.data, unix(event.occurred_at)
    kind = _tiktok_type(event.type, data)
    if kind == 4:
        message = {"order_id": str(data["order_id"]), "package_id": str(data["package_id"]),
                   "package_status": data["package_status"], "update_time": when}
    elif kind in (11, 12):
        key = "cancellations_id" if kind == 11 else "return_id"
        message = {"order_id": str(data["order_id"]), key: str(data["aftersales_id"]),
                   "return_status" if kind == 12 else "cancel_status": data["platform_status"],
                   "update_time": when}
    else:
        status = data["platform_status"]
        message = {"order_id": str(data["order_id"]),
                   "order_status": _TIKTOK_CANCEL.get(status, status),
                   "is_on_hold_order": status == "ON_HOLD", "update_time": when}
    draw = rng.keyed(sender.seed, f"event:{event.seq}:{part}", "tts_notification_id")
    shop = rng.keyed(sender.seed, "tiktok_shop", "shop_id").randrange(10 ** 17, 10 ** 18)
    return {"type": kind, "tts_notification_id": str(draw.randrange(10 ** 18, 10 ** 19)),
            "shop_id": str(shop), "timestamp": when, "data": message}


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format(NATIVE, 10.0, tuple(timedelta(seconds=s) for s in (
        5, 300, 1800, 7200, 18000, 36000, 36000)),
        lambda _type, _data: 1, _native_body, _native_headers),
    Format(LAZADA, 0.5, (timedelta(minutes=30),) * 12, _lazada_parts, _lazada_body,
           _platform_headers),
    Format(TIKTOK, 3.0, tuple(timedelta(seconds=s) for s in (120, 1800, 10800, 43200)),
           _tiktok_parts, _tiktok_body, _platform_headers),
)}


def carries(format_name: str, type_: str) -> bool:
    """Whether the format can carry an event of ``type_`` at all (the platform pushes only
    order, after-sales and package changes)."""
    if format_name == NATIVE:
        return True
    if type_ == "tracking.updated":
        return True
    if type_.startswith("order."):
        return type_ not in _NOT_ITEM_STATUS
    return type_.startswith("aftersales.") and type_ != "aftersales.request_skipped"
