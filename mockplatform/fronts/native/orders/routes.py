"""Native API of orders: the seller's order list and actions (Lazada's walk and AliExpress's
semi-hosted one), packages, their labels and the seller's "mark as failed delivery", the
buyer's test helpers and the carrier's, which decide a package's fate."""

from __future__ import annotations

from flask import Blueprint

from mockplatform.catalog import seeding as catalog_seeding
from mockplatform.fronts.native.catalog.schemas import numeric_id
from mockplatform.fronts.native.endpoint import Call, endpoint
from mockplatform.fronts.native.orders import presenters as present
from mockplatform.fronts.native.orders import schemas as s
from mockplatform.logistics import service as logistics
from mockplatform.orders import history, listing, service

bp = Blueprint("orders", __name__, url_prefix="/api/v1")

ACTION_ERRORS = [400, 404, 409]


def _order_id(call: Call) -> int:
    return numeric_id(call.path["order_id"], "order_id", "path")


@endpoint(bp, "/orders", query=s.OrderListQuery, response=s.OrderListSchema,
          summary="List orders", tags=["orders"], errors=[400])
def list_orders(call: Call):
    """Newest first by default. Filter by item ``status`` (an order matches when any of its
    items has one of the statuses; repeat the parameter or separate with commas), by
    ``created_after``/``created_before`` and ``updated_after``/``updated_before`` (inclusive),
    ``delayed``, and ``ever_failed_delivery`` (an item failed delivery at some point, whatever
    its status now), and in a TikTok Shop sandbox by ``platform_status`` (the order's TikTok
    status now: ``AWAITING_SHIPMENT``, ...); sort by ``created_at`` or ``updated_at``, ``asc``
    or ``desc``; page with ``after`` (the ``next_cursor``) and ``limit`` (at most 100)."""
    return present.order_page_json(listing.list_orders(call.ctx, listing.OrderFilter(**call.query)))


@endpoint(bp, "/orders/<order_id>", response=s.OrderSchema, summary="Get an order",
          tags=["orders"], errors=[400, 404])
def get_order(call: Call):
    """With its items (one per unit), ``statuses`` (the set of its items' statuses), its
    deadlines as timestamps, whether it is ``delayed``, and its packages."""
    return present.order_json(service.describe(call.ctx, _order_id(call)))


@endpoint(bp, "/orders/<order_id>/items", response=s.OrderItemListSchema,
          summary="Get an order's items", tags=["orders"], errors=[400, 404])
def get_order_items(call: Call):
    return {"data": present.order_json(service.describe(call.ctx, _order_id(call)))["items"]}


@endpoint(bp, "/orders/<order_id>/items/<order_item_id>/history",
          response=s.OrderItemHistorySchema, summary="An order item's statuses, in order",
          tags=["orders"], errors=[400, 404])
def get_order_item_history(call: Call):
    """Every status the item took since the order was placed, oldest first, from the event
    feed: ``status``, ``previous_statuses``, ``at``, the ``event_id`` and ``event_type`` that
    record it, its ``reason`` and, where resale or the return service moved it, the
    ``resale_item_id``. An item that failed delivery stays findable as such after it moved on
    (``failed_delivery_at``, and the orders list's ``ever_failed_delivery``)."""
    order_id = _order_id(call)
    order_item_id = numeric_id(call.path["order_item_id"], "order_item_id", "path")
    entries = history.item_history(call.ctx, order_id, order_item_id)
    return present.item_history_json(service.describe(call.ctx, order_id), order_item_id,
                                      entries)


@endpoint(bp, "/orders/<order_id>/accept", method="POST", response=s.OrderSchema,
          summary="Accept a semi-hosted order", tags=["orders"], errors=ACTION_ERRORS)
def accept(call: Call):
    """AliExpress semi-hosted flow: the seller takes on every ``pending`` item (they become
    ``accepted``: the stock is being prepared). A ``lazada`` order has no such step: 409
    ``wrong_order_flow``."""
    return present.present(logistics.accept(call.ctx, _order_id(call)))


@endpoint(bp, "/orders/<order_id>/pack", method="POST", body=s.PackSchema,
          response=s.PackageSchema, status=201, summary="Pack items into a package",
          tags=["orders"], errors=ACTION_ERRORS)
def pack(call: Call):
    """Packs the given ``order_item_ids`` (default: every ``pending`` item) into one new
    package with a package id, a tracking number and a ``shipment_provider`` (default: the
    first of the market's providers for the order's shipping).

    A semi-hosted order is packed whole, from ``accepted``, without ``order_item_ids`` or
    ``shipment_provider``: its carrier and tracking number come when it ships (until then the
    package carries the platform's consignment number, ``AE`` and the order id)."""
    return present.present(logistics.pack(call.ctx, _order_id(call),
                           order_item_ids=call.body.get("order_item_ids"),
                           shipment_provider=call.body.get("shipment_provider")))


@endpoint(bp, "/orders/<order_id>/ready_to_ship", method="POST", body=s.ReadyToShipSchema,
          response=s.OrderSchema, summary="Ready packed packages to ship", tags=["orders"],
          errors=ACTION_ERRORS)
def ready_to_ship(call: Call):
    """The given ``package_ids`` (default: every packed package) are handed to the carrier:
    their items become ``ready_to_ship``, the first-mile scan deadline starts and the journey
    begins."""
    return present.present(logistics.ready_to_ship(call.ctx, _order_id(call),
                                    package_ids=call.body.get("package_ids")))


@endpoint(bp, "/orders/<order_id>/ship", method="POST", body=s.ShipSchema,
          response=s.OrderSchema, summary="Ship a semi-hosted order with the seller's carrier",
          tags=["orders"], errors=ACTION_ERRORS)
def ship(call: Call):
    """AliExpress semi-hosted flow: the packed order is handed to the seller's carrier and its
    ``shipment_provider`` and ``tracking_number`` are uploaded (409 ``tracking_number_taken``
    if another package of the sandbox has that number). Its items become ``shipped``. Shipped
    at or after the ship deadline, the order is fined ``semi_hosted.late_fine`` now. A
    ``lazada`` order ships through ready to ship: 409 ``wrong_order_flow``."""
    return present.present(logistics.ship(call.ctx, _order_id(call),
                            shipment_provider=call.body["shipment_provider"],
                            tracking_number=call.body["tracking_number"]))


@endpoint(bp, "/orders/<order_id>/cancel", method="POST", body=s.CancelSchema,
          response=s.OrderSchema, summary="Cancel items as the seller", tags=["orders"],
          errors=ACTION_ERRORS)
def cancel(call: Call):
    """``reason``: ``out_of_stock`` (sets the SKUs' stock to 0), ``sourcing_delay`` or
    ``wrong_price``. Only ``pending``, ``packed`` or ``ready_to_ship`` items; canceling an item
    of a package cancels the whole package. A semi-hosted order is canceled whole (no
    ``order_item_ids``) before it ships; at or after its ship deadline that charges its late
    fine."""
    return present.present(logistics.cancel(call.ctx, _order_id(call), reason=call.body["reason"],
                             order_item_ids=call.body.get("order_item_ids")))


@endpoint(bp, "/packages/<package_id>", response=s.PackageSchema, summary="Get a package",
          tags=["orders"], errors=[404])
def get_package(call: Call):
    """With its journey (each step's planned and actual instant), delivery attempts and what
    the sorting centre measured."""
    return present.present(logistics.describe_package(call.ctx, call.path["package_id"]))


@endpoint(bp, "/packages/<package_id>/label", response=s.LabelSchema,
          summary="The package's shipping label", tags=["orders"], errors=[404, 409])
def get_label(call: Call):
    """An HTML air waybill, base64-encoded as Lazada's PrintAWB returns it; only for a package
    that was packed and not canceled."""
    return present.label_json(logistics.label(call.ctx, call.path["package_id"]))


@endpoint(bp, "/packages/<package_id>/mark_failed_delivery", method="POST",
          response=s.PackageSchema, summary="Mark a platform-shipped package as failed delivery",
          tags=["orders"], errors=[404, 409])
def mark_failed_delivery(call: Call):
    """As the seller center allows for a platform-shipped (Lazada flow) package that is ready
    to ship or in transit: recorded (``seller_marked_failed_at``, event
    ``package.seller_marked_failed_delivery``) and, per ``settlement.seller_marked_failed``, its
    items are never settled, even if the package is delivered later; the journey goes on. Once
    per package."""
    return present.present(logistics.seller_mark_failed(call.ctx, call.path["package_id"]))


@endpoint(bp, "/packages/<package_id>/repack", method="POST", response=s.OrderSchema,
          summary="Dissolve a packed package", tags=["orders"], errors=[404, 409])
def repack(call: Call):
    """Lazada's repack: the ``packed`` package is canceled and its items are ``pending`` again,
    to be packed anew (with a new package id and tracking number)."""
    return present.present(logistics.repack(call.ctx, call.path["package_id"]))


@endpoint(bp, "/packages/<package_id>/own_fleet_delivered", method="POST",
          response=s.PackageSchema, summary="Report a seller-own-fleet package delivered",
          tags=["orders"], errors=[404, 409])
def own_fleet_delivered(call: Call):
    """For an order placed with ``shipping: seller_own_fleet`` (no platform carrier, no
    journey): the ``ready_to_ship`` package was delivered by the seller's fleet; its items
    become ``delivered`` (through ``shipped``) and settleable. Any other package: 409
    ``not_seller_own_fleet``."""
    return present.present(logistics.deliver_own_fleet(call.ctx, call.path["package_id"]))


@endpoint(bp, "/packages/<package_id>/own_fleet_failed_delivery", method="POST",
          response=s.PackageSchema, summary="Report a seller-own-fleet package failed",
          tags=["orders"], errors=[404, 409])
def own_fleet_failed_delivery(call: Call):
    """The ``ready_to_ship`` package of a ``seller_own_fleet`` order could not be delivered:
    its items become ``failed_delivery`` (the seller's fleet takes it back; there is no
    platform return leg)."""
    return present.present(logistics.fail_own_fleet_delivery(call.ctx,
                                                             call.path["package_id"]))


@endpoint(bp, "/test_helpers/packages/<package_id>/deliver", method="POST",
          response=s.PackageSchema, summary="Deliver a travelling package now, as the carrier",
          tags=["test_helpers"], errors=[404, 409])
def deliver_package(call: Call):
    """Whatever journey step the package (ready to ship or in transit) is at: its items
    become ``shipped`` if they were not yet, then ``delivered`` and settleable."""
    return present.present(logistics.deliver(call.ctx, call.path["package_id"]))


@endpoint(bp, "/test_helpers/packages/<package_id>/fail_next_attempt", method="POST",
          body=s.FailNextAttemptSchema, response=s.PackageSchema,
          summary="Fail the package's next delivery attempt, as the carrier",
          tags=["test_helpers"], errors=[400, 404, 409])
def fail_next_attempt(call: Call):
    """Queues a failure with ``reason`` (default: the first of the sandbox's
    ``delivery.failure_reasons``; ``buyer_refused_cod`` only for cash on delivery) for the next
    attempt without one; repeat to fail several. A 409 when every remaining attempt
    (``delivery.max_attempts``) already has one."""
    return present.present(logistics.fail_next_attempt(call.ctx, call.path["package_id"], call.body.get("reason")))


@endpoint(bp, "/test_helpers/packages/<package_id>/lose", method="POST",
          response=s.PackageSchema, summary="Lose a travelling package, as the carrier",
          tags=["test_helpers"], errors=[404, 409])
def lose_package(call: Call):
    """Its items become ``lost_by_3pl`` and the seller is credited
    ``logistics.loss_compensation`` of their paid price."""
    return present.present(logistics.lose(call.ctx, call.path["package_id"]))


@endpoint(bp, "/test_helpers/packages/<package_id>/damage", method="POST",
          response=s.PackageSchema, summary="Damage a travelling package, as the carrier",
          tags=["test_helpers"], errors=[404, 409])
def damage_package(call: Call):
    """Its items become ``damaged_by_3pl`` and the seller is credited
    ``logistics.loss_compensation`` of their paid price."""
    return present.present(logistics.damage(call.ctx, call.path["package_id"]))


@endpoint(bp, "/test_helpers/orders", method="POST", body=s.OrderPlaceSchema,
          response=s.OrderSchema, status=201, summary="Place an order as the buyer",
          tags=["test_helpers"], errors=[400, 409])
def place_order(call: Call):
    """Items by ``sku_id`` or ``seller_sku`` with a ``quantity``; one order item per unit.
    Stock is taken for every unit or for none (409 ``insufficient_stock``). The buyer is
    ``buyer_id``, a new ``buyer`` with the fields given, or a generated one."""
    body = call.body
    return present.order_json(service.place(
        call.ctx, lines=[service.OrderLine(**line) for line in body["items"]],
        buyer_id=body.get("buyer_id"), buyer=body.get("buyer"),
        payment_method=body["payment_method"], shipping=body["shipping"]))


@endpoint(bp, "/test_helpers/orders/<order_id>/confirm_receipt", method="POST",
          response=s.OrderSchema, summary="Confirm receipt of a semi-hosted order as the buyer",
          tags=["test_helpers"], errors=ACTION_ERRORS)
def confirm_receipt(call: Call):
    """The buyer confirms that the shipped semi-hosted order arrived: its items become
    ``delivered`` and the package gets its ``delivered`` tracking event. A ``lazada`` order is
    delivered by its carrier's journey: 409 ``wrong_order_flow``."""
    return present.present(logistics.confirm_receipt(call.ctx, _order_id(call)))


@endpoint(bp, "/test_helpers/orders/<order_id>/buyer_cancel", method="POST",
          body=s.BuyerCancelSchema, response=s.OrderSchema,
          summary="Cancel a TikTok Shop order as the buyer within the remorse window",
          tags=["test_helpers"], errors=ACTION_ERRORS)
def buyer_cancel(call: Call):
    """While the order is ``ON_HOLD`` (``order.remorse_window``, 1 h after it was placed) the
    buyer cancels it without the seller's approval: every unit on hold becomes ``canceled``
    (``cancel_return_initiator: cancellation-customer``, reason ``buyer_remorse``) and its stock
    is restored. Afterwards a 409 ``invalid_state_transition`` names the order's status: a
    cancellation then is a request the seller answers. An order of another flow: 409
    ``wrong_order_flow``."""
    return present.present(logistics.buyer_cancel(call.ctx, _order_id(call),
                                                  reason=call.body.get("reason")))


@endpoint(bp, "/test_helpers/seed", method="POST", body=s.OrderSeedSchema,
          response=s.OrderSeedResultSchema, status=201,
          summary="Fill the sandbox with seeded products, buyers and orders",
          tags=["test_helpers"], errors=[400, 409])
def seed(call: Call):
    """Up to 10,000 products (1 to 3 SKUs each), 10,000 buyers and 10,000 orders per call,
    drawn from the catalog fixtures and the sandbox seed: the same seed and calls give the same
    names, prices, stock, orders and ids. Products and buyers come first, so one call can fill
    an empty sandbox.

    Orders are placed by the sandbox's buyers (a new one per order when it has none) from the
    listed stock, 1 to 3 SKUs and 1 to 3 units a line, and walked by the seller to a stage drawn
    from ``fulfilment`` (weights; default all ``pending``): ``packed`` or ``ready_to_ship`` (the
    carrier's journey starts) for Lazada, ``accepted``, ``packed`` or ``shipped`` (with a
    seeded carrier and tracking number) for AliExpress semi-hosted. ``payment_methods`` and
    ``shipping`` are weights too (default all prepaid, cross-border). Records one ``catalog.seeded`` event for products and buyers, one
    ``orders.seeded`` for orders, and each order's own events. 409 ``insufficient_stock`` when
    the listed stock runs out (nothing of the call is kept).

    ``placed_over`` (an ISO 8601 duration, at most P90D) spreads the orders over sandbox time:
    the same draws decide them now, but each is placed by a ``seed.place_order`` timer at an
    instant drawn from the seed within ``[now, now + placed_over]`` (whole seconds), taking a
    SKU's listed resale stock first, then walked to its stage; the summary gives the first and
    last instants instead of ids. An order whose SKU is no longer listed, or whose stock ran
    short meanwhile, is skipped with an ``orders.seed_order_skipped`` event.

    Delivery and inspection failures follow the sandbox's policies, set when it is created: a
    population that exercises resale comes from a sandbox created with, say,
    ``"policy_overrides": {"delivery.failure_rate": {"first_attempt": 0.3, "later_attempts": 1},
    "resale.qc_failure_rate": 0.2}`` (30% of parcels fail delivery for good; each inspection
    check fails 20% of the units it decides) and a fill of orders ``placed_over`` a month."""
    body = call.body
    result: dict = {"object": "seed_result"}
    if body["products"] or body["buyers"]:
        result.update(catalog_seeding.seed(call.ctx, products=body["products"],
                                           buyers_count=body["buyers"]))
    if body["orders"]:
        result["orders"] = logistics.seed_orders(call.ctx, body["orders"], {
            name: body[name] for name in ("payment_methods", "shipping", "fulfilment")
            if name in body}, placed_over=body.get("placed_over"))
    return result
