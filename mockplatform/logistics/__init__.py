"""Fulfilment and logistics: the seller packs an order's items into packages and readies them
to ship (or ships them with its own carrier, semi-hosted); the carrier moves each package along
its journey, with tracking events and delivery attempts; and the deadlines of both."""

from mockplatform.engine.registry import Domain

DOMAIN = Domain(
    name="logistics",
    modules=("mockplatform.logistics.models", "mockplatform.logistics.timers"),
    timer_kinds=("order.rts_deadline", "logistics.first_mile_scan_deadline",
                 "logistics.journey_step", "semi_hosted.ship_deadline",
                 "semi_hosted.cancel_after", "seed.place_order", "order.remorse_window",
                 "order.awaiting_collection_deadline", "order.collection_deadline",
                 "order.delivery_deadline", "order.complete"),
    errors=("mockplatform.logistics.errors",),
)
