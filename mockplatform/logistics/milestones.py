"""What each point of a parcel's life is called on the wire.

Lazada's trace API (reference/lazada-api.md section 7) gives each tracking event a numeric
``status_code``, a ``detail_type`` and a ``title``; only the sample "1200 ready_to / Packed by
seller / warehouse" is published, so the other codes follow its pattern (a block per stage, in
journey order). ``package_status`` is the fulfilment push vocabulary (section 5:
``READY_TO_SHIP``, ``INFO_ST_DOMESTIC_OUT_FOR_DELIVERY``, ``DELIVERED`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Milestone:
    name: str
    status_code: str
    detail_type: str
    package_status: str
    title: str
    # Where it happens: the seller's origin (cross-border: the origin country), in transit, the
    # buyer's market, or the seller's return address in the market (a return parcel's end); a
    # tracking event's ``location`` is drawn from this.
    where: str


MILESTONES: dict[str, Milestone] = {m.name: m for m in (
    Milestone("ready_to_ship", "1200", "ready_to", "READY_TO_SHIP",
              "Packed by seller / warehouse", "origin"),
    Milestone("pickup", "1300", "picked_up", "INFO_ST_FM_PICKUP_DONE",
              "Picked up by logistics partner", "origin"),
    Milestone("origin_sorting_scan", "1400", "fm_sorting_center", "INFO_ST_FM_SORTING_CENTER",
              "Arrived at origin sorting centre", "origin"),
    Milestone("uplift", "1500", "uplift", "TRANSIT_TO_SHIP", "Departed from origin country",
              "transit"),
    Milestone("destination_arrival", "1600", "arrived_destination", "INFO_ST_ARRIVED_DESTINATION",
              "Arrived in destination country", "destination"),
    Milestone("customs", "1700", "customs_cleared", "INFO_ST_CUSTOMS_CLEARED",
              "Customs clearance completed", "destination"),
    Milestone("last_mile_hub", "1800", "lm_hub", "INFO_ST_DOMESTIC_HUB",
              "Arrived at last-mile delivery hub", "destination"),
    Milestone("out_for_delivery", "1900", "out_for_delivery", "INFO_ST_DOMESTIC_OUT_FOR_DELIVERY",
              "Out for delivery", "destination"),
    Milestone("delivery_attempt_failed", "1910", "delivery_failed",
              "INFO_ST_DOMESTIC_1ST_ATTEMPT_FAILED", "Delivery attempt failed", "destination"),
    Milestone("delivered", "2000", "delivered", "DELIVERED", "Delivered", "destination"),
    Milestone("failed_delivery", "2100", "failed_delivery", "DELIVER_FAILED",
              "Delivery failed", "destination"),
    Milestone("shipped_back", "2200", "back_to_shipper", "ON_THE_WAY_BACK_TO_SHIPPER",
              "Returning to seller", "destination"),
    Milestone("shipped_back_success", "2300", "returned_to_shipper",
              "INFO_ST_DOMESTIC_WAREHOUSE_RETURNED", "Returned to seller", "origin"),
    Milestone("lost", "2400", "lost", "LOST_BY_3PL", "Lost by logistics partner", "transit"),
    Milestone("damaged", "2500", "damaged", "DAMAGE_BY_3PL", "Damaged by logistics partner",
              "transit"),
    Milestone("canceled", "2600", "canceled", "CANCELLED", "Package canceled", "origin"),
    # A buyer's return parcel (aftersales/return_parcel.py), from the buyer to the seller.
    Milestone("return_shipped", "3000", "return_picked_up", "RETURN_PICKED_UP",
              "Return parcel handed over by the buyer", "destination"),
    Milestone("return_delivery_attempt_failed", "3100", "return_delivery_failed",
              "RETURN_DELIVERY_ATTEMPT_FAILED", "Return delivery attempt to the seller failed",
              "seller"),
    Milestone("return_delivered", "3200", "return_delivered", "RETURN_DELIVERED",
              "Return parcel delivered to the seller", "seller"),
    Milestone("return_failed", "3300", "return_failed", "RETURN_FAILED",
              "Return parcel could not be delivered to the seller", "seller"),
    Milestone("return_claimed", "3400", "return_claimed", "RETURN_REDELIVERY",
              "Return parcel claimed by the seller, out for redelivery", "seller"),
    Milestone("return_destroyed", "3500", "return_destroyed", "PACKAGE_SCRAP",
              "Return parcel destroyed on the platform's instruction", "seller"),
)}
