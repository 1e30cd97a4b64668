"""The order item's life in Lazada's vocabulary (reference/lazada-api.md section 5).

Who acts is in the action's name: the buyer pays; the seller packs, readies and cancels; the
carrier moves the parcel; the platform's timers cancel what was not shipped in time. A seller who
marks a platform-shipped parcel as failed delivery changes no status (the item is flagged as never
settled, POLICIES.md ``settlement.seller_marked_failed``), so that is not a transition here.
"""

from __future__ import annotations

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

STATUSES = (UNPAID, PENDING, PACKED, READY_TO_SHIP, SHIPPED, DELIVERED, FAILED_DELIVERY,
            CANCELED, RETURNED, SHIPPED_BACK, SHIPPED_BACK_SUCCESS, LOST_BY_3PL, DAMAGED_BY_3PL)

# Statuses the seller may still cancel from, and the RTS deadline still watches.
SELLER_CANCELABLE = (PENDING, PACKED, READY_TO_SHIP)
AWAITING_RTS = (PENDING, PACKED)
# Actions after which an item no longer awaits the ready-to-ship deadline.
LEAVES_AWAITING_RTS = ("ready_to_ship", "cancel", "miss_rts_deadline")
# Where an item's story ends.
FINAL = (DELIVERED, CANCELED, RETURNED, SHIPPED_BACK_SUCCESS, LOST_BY_3PL, DAMAGED_BY_3PL)

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
    # the platform's deadlines
    (PENDING, "miss_rts_deadline", CANCELED),
    (PACKED, "miss_rts_deadline", CANCELED),
    (READY_TO_SHIP, "miss_first_mile_scan", CANCELED),
    # the carrier
    (READY_TO_SHIP, "arrive_in_destination", SHIPPED),
    (SHIPPED, "deliver", DELIVERED),
    (SHIPPED, "fail_last_attempt", FAILED_DELIVERY),
    (FAILED_DELIVERY, "ship_back", SHIPPED_BACK),
    (SHIPPED_BACK, "arrive_back_at_seller", SHIPPED_BACK_SUCCESS),
    (READY_TO_SHIP, "lose", LOST_BY_3PL),
    (SHIPPED, "lose", LOST_BY_3PL),
    (READY_TO_SHIP, "damage", DAMAGED_BY_3PL),
    (SHIPPED, "damage", DAMAGED_BY_3PL),
])

# Every item status any flow uses, in the order ``statuses`` lists them.
ALL_STATUSES = STATUSES
