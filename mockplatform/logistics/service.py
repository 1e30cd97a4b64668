"""The logistics domain's operations, as the fronts call them.

The rules live split by sub-aggregate: ``fulfilment`` (the seller packs and readies packages,
or cancels), ``semi_hosted`` (AliExpress's walk with the seller's own carrier), ``packages``
(reading a package, its label), ``journey`` and ``delivery`` (the carrier's steps and
attempts), ``carrier`` (the carrier's test helpers), ``trace`` and ``reports`` (tracking), and
``own_fleet`` (the seller's own fleet delivers), ``seeding`` (orders walked to a fulfilment
stage). This module names what a front may call.
"""

from __future__ import annotations

from mockplatform.logistics.carrier import damage, deliver, fail_next_attempt, lose
from mockplatform.logistics.delivery import seller_mark_failed
from mockplatform.logistics.fulfilment import (
    cancel,
    cancel_preview,
    pack,
    ready_to_ship,
    repack,
    shipment_providers,
)
from mockplatform.logistics.own_fleet import deliver as deliver_own_fleet
from mockplatform.logistics.own_fleet import fail_delivery as fail_own_fleet_delivery
from mockplatform.logistics.packages import describe as describe_package
from mockplatform.logistics.packages import label
from mockplatform.logistics.reports import by_csv, by_numbers, by_range
from mockplatform.logistics.seeding import seed as seed_orders
from mockplatform.logistics.semi_hosted import accept, confirm_receipt, ship
from mockplatform.logistics.tiktok import buyer_cancel
from mockplatform.logistics.trace import by_order, by_tracking_number

__all__ = ["accept", "buyer_cancel", "by_csv", "by_numbers", "by_order", "by_range", "by_tracking_number",
           "cancel", "confirm_receipt", "damage", "deliver", "deliver_own_fleet",
           "describe_package", "fail_next_attempt", "fail_own_fleet_delivery", "label", "lose",
           "pack", "ready_to_ship", "repack", "seed_orders", "shipment_providers", "cancel_preview",
           "seller_mark_failed", "ship"]
