"""The order item's life: Lazada's walk (reference/lazada-api.md section 5), TikTok Shop's
(Lazada's with a remorse hour on hold before it and a completion after it) and AliExpress's
semi-hosted walk, in one vocabulary.

Who acts is in the action's name: the buyer pays; the seller packs, readies and cancels; the
carrier moves the parcel; the platform's timers cancel what was not shipped in time. A seller who
marks a platform-shipped parcel as failed delivery changes no status (the item is flagged as never
settled, POLICIES.md ``settlement.seller_marked_failed``), so that is not a transition here.
"""

from __future__ import annotations

from typing import Any

from mockplatform.engine.statemachine import StateMachine

UNPAID = "unpaid"
PENDING = "pending"
PACKED = "packed"
READY_TO_SHIP = "ready_to_ship"
SHIPPED = "shipped"
DELIVERED = "delivered"
FAILED_DELIVERY = "failed_delivery"
CANCELED = "canceled"
RETURNED = "returned"
SHIPPED_BACK = "shipped_back"
SHIPPED_BACK_SUCCESS = "shipped_back_success"
LOST_BY_3PL = "lost_by_3pl"
DAMAGED_BY_3PL = "damaged_by_3pl"
# After a failed delivery on a profile with resale (Lazada): the unit passed inspection and
# waits to be relisted, is listed in the local resale warehouse, or was sold again (from the
# first order's side, its story ends there). The return service's outcomes: shipped back to
# the seller (Lazada's shipped_back, shipped_back_success), destroyed locally (Lazada's
# package_scrapped) or compensated by the worry-free service.
RESALE_PENDING = "resale_pending"
RESALE_LISTED = "resale_listed"
RESOLD = "resold"
PACKAGE_SCRAPPED = "package_scrapped"
WORRY_FREE_COMPENSATED = "worry_free_compensated"

STATUSES = (UNPAID, PENDING, PACKED, READY_TO_SHIP, SHIPPED, DELIVERED, FAILED_DELIVERY,
            RESALE_PENDING, RESALE_LISTED, RESOLD, CANCELED, RETURNED, SHIPPED_BACK,
            SHIPPED_BACK_SUCCESS, PACKAGE_SCRAPPED, WORRY_FREE_COMPENSATED, LOST_BY_3PL,
            DAMAGED_BY_3PL)
# Where a failed unit waits while resale has it, and the return service takes it from.
IN_RESALE = (FAILED_DELIVERY, RESALE_PENDING, RESALE_LISTED)
# Statuses the domain adds for resale and the return service, which Lazada's order item does
# not have: there the unit simply failed delivery (resale is a program of its own, seen in the
# seller center's Resale Overview). Their other outcomes are Lazada's own statuses already
# (shipped_back, shipped_back_success, package_scrapped). The gateway and the pushes alike.
LAZADA_FAILED_DELIVERY = (RESALE_PENDING, RESALE_LISTED, RESOLD, WORRY_FREE_COMPENSATED)


def lazada_word(status: str) -> str:
    """An item status in Lazada's vocabulary."""
    return FAILED_DELIVERY if status in LAZADA_FAILED_DELIVERY else status

# Statuses the seller may still cancel from, and the RTS deadline still watches.
SELLER_CANCELABLE = (PENDING, PACKED, READY_TO_SHIP)
AWAITING_RTS = (PENDING, PACKED)
# Actions after which an item no longer awaits the ready-to-ship deadline.
LEAVES_AWAITING_RTS = ("ready_to_ship", "cancel", "miss_rts_deadline")
# Where an item's story ends.
FINAL = (DELIVERED, CANCELED, RETURNED, SHIPPED_BACK_SUCCESS, LOST_BY_3PL, DAMAGED_BY_3PL,
         PACKAGE_SCRAPPED, WORRY_FREE_COMPENSATED)

# Who carries a Lazada order's parcels decides some steps, the order being the guards' subject:
# only a ``seller_own_fleet`` order's items fail by the seller's report; only a platform-shipped
# order's items meet the carrier's first-mile deadline, its failed last attempt and return leg,
# its loss or damage. (Both are delivered through ``arrive_in_destination`` and ``deliver``.)
SELLER_OWN_FLEET = "seller_own_fleet"
OWN_FLEET, PLATFORM = "seller_own_fleet", "platform_shipped"


def own_fleet(order: Any) -> bool:
    """The seller's own fleet carries the order (Lazada's ``delivery_option_sof``)."""
    return order.shipping_type == SELLER_OWN_FLEET


def platform_shipped(order: Any) -> bool:
    return order.shipping_type != SELLER_OWN_FLEET


ITEM = StateMachine("order item", STATUSES, [
    # the buyer
    (UNPAID, "pay", PENDING),
    (UNPAID, "expire_unpaid", CANCELED),
    # the seller
    (PENDING, "pack", PACKED),
    (PACKED, "ready_to_ship", READY_TO_SHIP),
    (PENDING, "cancel", CANCELED),
    (PACKED, "cancel", CANCELED),
    (READY_TO_SHIP, "cancel", CANCELED),
    # the packed package is dissolved: its items wait to be packed again (Lazada's repack)
    (PACKED, "repack", PENDING),
    # the seller's own fleet fails to deliver; its delivery goes through the carrier's steps
    (READY_TO_SHIP, "fail_own_fleet_delivery", FAILED_DELIVERY, OWN_FLEET),
    # the platform's deadlines
    (PENDING, "miss_rts_deadline", CANCELED),
    (PACKED, "miss_rts_deadline", CANCELED),
    (READY_TO_SHIP, "miss_first_mile_scan", CANCELED, PLATFORM),
    # the carrier
    (READY_TO_SHIP, "arrive_in_destination", SHIPPED),
    (SHIPPED, "deliver", DELIVERED),
    (SHIPPED, "fail_last_attempt", FAILED_DELIVERY, PLATFORM),
    (FAILED_DELIVERY, "ship_back", SHIPPED_BACK, PLATFORM),
    (SHIPPED_BACK, "arrive_back_at_seller", SHIPPED_BACK_SUCCESS, PLATFORM),
    (READY_TO_SHIP, "lose", LOST_BY_3PL, PLATFORM),
    (SHIPPED, "lose", LOST_BY_3PL, PLATFORM),
    (READY_TO_SHIP, "damage", DAMAGED_BY_3PL, PLATFORM),
    (SHIPPED, "damage", DAMAGED_BY_3PL, PLATFORM),
    # resale (resale/): inspection passed, relisted, sold again (and listed again when the
    # resale order is canceled)
    (FAILED_DELIVERY, "pass_resale_inspection", RESALE_PENDING, PLATFORM),
    (RESALE_PENDING, "relist", RESALE_LISTED, PLATFORM),
    (RESALE_LISTED, "resell", RESOLD, PLATFORM),
    (RESOLD, "relist", RESALE_LISTED, PLATFORM),
    # the return service, from wherever resale lets the unit go
    *[(status, action, target, PLATFORM) for status in IN_RESALE for action, target in (
        ("return_to_seller", SHIPPED_BACK), ("destroy_locally", PACKAGE_SCRAPPED),
        ("compensate_worry_free", WORRY_FREE_COMPENSATED))],
], guards={OWN_FLEET: own_fleet, PLATFORM: platform_shipped})

# -- the AliExpress semi-hosted walk (POLICIES.md "AliExpress semi-hosted profile", seed 004) --
#
# The seller accepts the order, prepares the stock (the time between ``accepted`` and
# ``packed``), packs it, and ships it with its own carrier, uploading the carrier's name and
# tracking number; the buyer then confirms receipt. The order moves as one: every step takes all
# of its items. Missing the ship deadline changes no status (lateness is fined when the order
# ships or is canceled); ``semi_hosted.cancel_after`` cancels what is still not shipped.
# Statuses shared with Lazada's walk mean the same thing there: ``pending`` waits for the
# seller, ``shipped`` has left the seller, ``delivered`` has reached the buyer.
ACCEPTED = "accepted"

SEMI_HOSTED_STATUSES = (UNPAID, PENDING, ACCEPTED, PACKED, SHIPPED, DELIVERED, CANCELED)
# Statuses of a semi-hosted item that has not shipped yet: the ship deadline and the
# cancellation after it still watch it.
SEMI_HOSTED_AWAITING_SHIPMENT = (PENDING, ACCEPTED, PACKED)

SEMI_HOSTED_ITEM = StateMachine("semi-hosted order item", SEMI_HOSTED_STATUSES, [
    # the buyer
    (UNPAID, "pay", PENDING),
    (UNPAID, "expire_unpaid", CANCELED),
    (SHIPPED, "confirm_receipt", DELIVERED),
    # the seller
    (PENDING, "accept", ACCEPTED),
    (ACCEPTED, "pack", PACKED),
    (PACKED, "ship", SHIPPED),
    (PENDING, "cancel", CANCELED),
    (ACCEPTED, "cancel", CANCELED),
    (PACKED, "cancel", CANCELED),
    # the platform: semi_hosted.cancel_after
    (PENDING, "cancel_not_shipped", CANCELED),
    (ACCEPTED, "cancel_not_shipped", CANCELED),
    (PACKED, "cancel_not_shipped", CANCELED),
])

# -- the TikTok Shop walk (POLICIES.md "TikTok Shop profile", platform-policies.md 2.3) --
#
# Lazada's walk with the platform's carrier, framed by two statuses of TikTok's own:
# ``on_hold``, the remorse window after payment (``order.remorse_window``: the buyer may cancel
# without the seller's approval, the seller may cancel out of stock but not fulfil, T1), and
# ``completed``, a delivered unit once the buyer's after-sales window has closed
# (``return.request_window``). The seller cannot cancel a unit readied to ship (only the US
# market allows it, T1), nor repack; the platform cancels what is not ready by the shipping
# deadline, what is not collected by the collection deadline, and counts what is still
# travelling at the delivery deadline as lost by the carrier. No resale: a parcel that fails
# delivery rides back to the seller.
ON_HOLD = "on_hold"
COMPLETED = "completed"
TIKTOK_STATUSES = (UNPAID, ON_HOLD, PENDING, PACKED, READY_TO_SHIP, SHIPPED, DELIVERED, COMPLETED,
                   FAILED_DELIVERY, CANCELED, SHIPPED_BACK, SHIPPED_BACK_SUCCESS, LOST_BY_3PL,
                   DAMAGED_BY_3PL)
# Statuses of a TikTok unit not yet readied: the shipping deadline still watches it.
TIKTOK_AWAITING_SHIPMENT = (ON_HOLD, PENDING, PACKED)
_LAZADA_CARRIER = ("arrive_in_destination", "deliver", "fail_last_attempt", "ship_back",
                   "arrive_back_at_seller", "lose", "damage")

TIKTOK_ITEM = StateMachine("TikTok order item", TIKTOK_STATUSES, [
    # the buyer
    (UNPAID, "pay", ON_HOLD),
    (UNPAID, "expire_unpaid", CANCELED),
    (ON_HOLD, "buyer_cancel", CANCELED),
    # the platform: the remorse window ends
    (ON_HOLD, "end_remorse_window", PENDING),
    # the seller
    (ON_HOLD, "cancel", CANCELED),
    (PENDING, "pack", PACKED),
    (PACKED, "ready_to_ship", READY_TO_SHIP),
    (PENDING, "cancel", CANCELED),
    (PACKED, "cancel", CANCELED),
    # the platform's deadlines
    *[(status, "miss_shipping_deadline", CANCELED) for status in TIKTOK_AWAITING_SHIPMENT],
    *[(status, "miss_collection_deadline", CANCELED)
      for status in (*TIKTOK_AWAITING_SHIPMENT, READY_TO_SHIP)],
    # the carrier, as on Lazada's walk
    *[(t.source, t.action, t.target, t.guard) for t in ITEM.transitions()
      if t.action in _LAZADA_CARRIER],
    # the platform: the after-sales window closes
    (DELIVERED, "complete", COMPLETED),
], guards={PLATFORM: platform_shipped})

# Every item status any flow uses, in the order ``statuses`` lists them (``on_hold`` and
# ``accepted`` come right before and after ``pending``, ``completed`` right after
# ``delivered``, as in their walks).
_PENDING, _DELIVERED = STATUSES.index(PENDING), STATUSES.index(DELIVERED) + 1
ALL_STATUSES = (*STATUSES[:_PENDING], ON_HOLD, PENDING, ACCEPTED,
                *STATUSES[_PENDING + 1:_DELIVERED], COMPLETED, *STATUSES[_DELIVERED:])
