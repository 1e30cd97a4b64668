"""Test helpers: things only a sandbox lets you do, kept apart from the platform's own API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .._encoding import Duration, Timestamp, without_none
from .._object import MockplatformObject
from ._base import Resource, quote_id
from .ledger import Amount, amount_to_wire
from .orders import OrderRef, PackageRef, order_id_of, package_id_of

PaymentMethod = Literal["prepaid", "cod"]
Shipping = Literal["cross_border", "local"]


class TestHelpers(Resource):
    __test__ = False  # not a pytest test class, despite the name

    def schedule_timer(
        self,
        label: str,
        at: Timestamp | None = None,
        delay: Duration | None = None,
        repeat_every: Duration | None = None,
        repeat_times: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """A labelled timer on the sandbox clock, due ``at`` a time or after ``delay``."""
        body = without_none(label=label, at=at, delay=delay, repeat_every=repeat_every,
                            repeat_times=repeat_times)
        return self._request("POST", "/api/v1/test_helpers/timers", json=body,
                             idempotency_key=idempotency_key)

    # The ledger (settlement is driven by these until orders mark delivered items settleable).

    def post_ledger_entry(
        self,
        amount: Amount,
        kind: str | None = None,
        currency: str | None = None,
        subject: str | None = None,
        policy_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """Post a ledger entry: an ``adjustment`` (signed amount) unless ``kind`` says otherwise."""
        body = without_none(amount=amount_to_wire(amount), kind=kind, currency=currency,
                            subject=subject, policy_key=policy_key, details=details)
        return self._request("POST", "/api/v1/test_helpers/ledger/entries", json=body,
                             idempotency_key=idempotency_key)

    def mark_settleable(self, subject: str, amount: Amount, currency: str | None = None, *,
                        idempotency_key: str | None = None) -> MockplatformObject:
        """``subject`` is owed ``amount`` from now on; the answer names its statement and
        ``payout_at``."""
        body = without_none(subject=subject, amount=amount_to_wire(amount), currency=currency)
        return self._request("POST", "/api/v1/test_helpers/ledger/settleable", json=body,
                             idempotency_key=idempotency_key)

    def mark_unsettleable(self, subject: str, reason: str | None = None, *,
                          idempotency_key: str | None = None) -> MockplatformObject:
        """``subject`` is never paid, even if it is (or becomes) settleable."""
        return self._request("POST", "/api/v1/test_helpers/ledger/unsettleable",
                             json=without_none(subject=subject, reason=reason),
                             idempotency_key=idempotency_key)

    # The catalog and buyers.

    def seed(self, products: int | None = None, buyers: int | None = None,
             orders: int | None = None, *,
             fulfilment: Mapping[str, float] | None = None,
             payment_methods: Mapping[PaymentMethod, float] | None = None,
             shipping: Mapping[Shipping, float] | None = None,
             placed_over: Duration | None = None,
             idempotency_key: str | None = None) -> MockplatformObject:
        """Fill the sandbox with seeded products, buyers and orders (same seed, same fill); the
        answer gives the count and first and last id of each.

        Orders come from the listed stock and the sandbox's buyers; ``fulfilment`` weighs the
        stage the seller walks each to (``{"pending": 1, "ready_to_ship": 3}``; Lazada:
        pending, packed, ready_to_ship; semi-hosted: pending, accepted, packed, shipped), and
        ``payment_methods`` and ``shipping`` weigh theirs. ``placed_over`` (at most 90 days)
        places each order at its own seeded instant within that much sandbox time, listed
        resale stock first: the answer then gives the first and last instants, not ids."""
        return self._request("POST", "/api/v1/test_helpers/seed",
                             json=without_none(products=products, buyers=buyers, orders=orders,
                                               fulfilment=fulfilment,
                                               payment_methods=payment_methods,
                                               shipping=shipping, placed_over=placed_over),
                             idempotency_key=idempotency_key)

    def create_buyer(self, *, idempotency_key: str | None = None,
                     **fields: str) -> MockplatformObject:
        """A buyer with the fields given (``first_name``, ``phone``, ``address1``, ``city`` ...);
        the rest generated in the market's locale."""
        return self._request("POST", "/api/v1/test_helpers/buyers", json=fields,
                             idempotency_key=idempotency_key)

    # The seller, authorizing a Lazada app.

    def lazada_authorization_code(self, *,
                                  idempotency_key: str | None = None) -> MockplatformObject:
        """An OAuth authorization code, as Lazada's consent page would give the app: exchange it
        once with the gateway's ``/auth/token/create`` within 30 minutes of the sandbox clock."""
        return self._request("POST", "/api/v1/test_helpers/lazada/authorization_code",
                             idempotency_key=idempotency_key)

    # Orders, acting as the buyer.

    def place_order(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        buyer_id: int | str | None = None,
        buyer: Mapping[str, Any] | None = None,
        payment_method: PaymentMethod | None = None,
        shipping: Shipping | None = None,
        idempotency_key: str | None = None,
    ) -> MockplatformObject:
        """Place an order as the buyer. Each item: ``sku_id`` or ``seller_sku``, and a
        ``quantity`` (default 1); one order item is made per unit. Stock is taken for every
        unit or none (``ConflictError`` ``insufficient_stock``). The buyer is ``buyer_id``, a
        new ``buyer`` with the fields given, or a generated one; ``payment_method`` ``prepaid``
        (default) or ``cod``; ``shipping`` ``cross_border`` (default) or ``local``."""
        if buyer_id is not None and buyer is not None:
            raise ValueError("place_order() takes buyer_id= or buyer=, not both")
        body = without_none(items=[dict(item) for item in items], buyer_id=buyer_id,
                            buyer=dict(buyer) if buyer is not None else None,
                            payment_method=payment_method, shipping=shipping)
        return self._request("POST", "/api/v1/test_helpers/orders", json=body,
                             idempotency_key=idempotency_key)

    def buyer_cancel(self, order: OrderRef, *, reason: str | None = None,
                     idempotency_key: str | None = None) -> MockplatformObject:
        """TikTok Shop: the buyer cancels the order while it is ``ON_HOLD`` (within
        ``order.remorse_window`` of its placement), without the seller's approval; every unit
        on hold is canceled and its stock restored. Afterwards ``ConflictError``
        ``invalid_state_transition`` names the order's status. ``reason``: the buyer's words
        (kept as the units' ``reason_detail``)."""
        path = f"/api/v1/test_helpers/orders/{order_id_of(order)}/buyer_cancel"
        return self._request("POST", path, json=without_none(reason=reason),
                             idempotency_key=idempotency_key)

    # The carrier: a travelling package's fate.

    def deliver_package(self, package: PackageRef, *,
                        idempotency_key: str | None = None) -> MockplatformObject:
        """Deliver a package that is ready to ship or in transit now, whatever its journey
        step."""
        return self._package_action(package, "deliver", None, idempotency_key)

    def fail_next_attempt(self, package: PackageRef, reason: str | None = None, *,
                          idempotency_key: str | None = None) -> MockplatformObject:
        """Queue a failure with ``reason`` (default: the sandbox's first failure reason) for
        the package's next delivery attempt without one."""
        return self._package_action(package, "fail_next_attempt",
                                    without_none(reason=reason), idempotency_key)

    def lose_package(self, package: PackageRef, *,
                     idempotency_key: str | None = None) -> MockplatformObject:
        """The carrier loses a travelling package: its items become ``lost_by_3pl``."""
        return self._package_action(package, "lose", None, idempotency_key)

    def damage_package(self, package: PackageRef, *,
                       idempotency_key: str | None = None) -> MockplatformObject:
        """The carrier damages a travelling package: its items become ``damaged_by_3pl``."""
        return self._package_action(package, "damage", None, idempotency_key)

    def _package_action(self, package: PackageRef, action: str, body: dict[str, Any] | None,
                        idempotency_key: str | None) -> MockplatformObject:
        path = f"/api/v1/test_helpers/packages/{quote_id(package_id_of(package))}/{action}"
        return self._request("POST", path, json=body, idempotency_key=idempotency_key)
