"""A failed unit's path through resale and the return service (Lazada; POLICIES.md ``resale.*``
and ``return_service.*``, reference/platform-policies.md section 3.3).

::

    failed delivery (first sales attempt) ──> inspection_pending ──(resale.qc_checks, 1 d)──┐
       │ ineligible (resale.eligible: SG, delisted, restricted, a resale order)            │
       │                                                          passed: resale_pending ──┤
       v                                                                                  │
    return service <── failed ────────────────────────────────────────────────────────────┘
       ^                                 resale_pending ──(resale.relist_delay, 5-8 d)──> listed
       │                                 listed ──(a new order for the SKU)──> resold
       ├── window_expired (resale.window, 28 d; VN 60) ── listed
       ├── second_failure (resale.second_failure) ── resold, its resale order failed delivery
       │                                 resold ──(the resale order is delivered)──> sold
       │                                 resold ──(the resale order is canceled)──> listed
       │                                 resold ──(its parcel is lost / damaged)──> lost_by_3pl / damaged_by_3pl
    return service (return_service.option):
       return_to_seller, price above the threshold ─> returning_to_seller ──(30 d)──> returned_to_seller
       return_to_seller, price at or below it ─> destroyed_locally
       local_disposal ─> destroyed_locally
       worry_free ─> worry_free_compensated (90% of the price credited)

The order item that holds the unit follows it (orders/states.py): ``failed_delivery`` while it
is inspected, ``resale_pending``, ``resale_listed``, ``resold``; on leaving, ``shipped_back`` then
``shipped_back_success``, ``package_scrapped`` or ``worry_free_compensated``.
"""

from __future__ import annotations

from mockplatform.engine.statemachine import StateMachine

INSPECTION_PENDING = "inspection_pending"
RESALE_PENDING = "resale_pending"
LISTED = "listed"
RESOLD = "resold"
SOLD = "sold"
RETURNING_TO_SELLER = "returning_to_seller"
RETURNED_TO_SELLER = "returned_to_seller"
DESTROYED_LOCALLY = "destroyed_locally"
WORRY_FREE_COMPENSATED = "worry_free_compensated"
# The resale order's parcel was lost or damaged by the carrier.
LOST_BY_3PL = "lost_by_3pl"
DAMAGED_BY_3PL = "damaged_by_3pl"

STATES = (INSPECTION_PENDING, RESALE_PENDING, LISTED, RESOLD, SOLD, RETURNING_TO_SELLER,
          RETURNED_TO_SELLER, DESTROYED_LOCALLY, WORRY_FREE_COMPENSATED, LOST_BY_3PL,
          DAMAGED_BY_3PL)
FINAL = (SOLD, RETURNED_TO_SELLER, DESTROYED_LOCALLY, WORRY_FREE_COMPENSATED, LOST_BY_3PL,
         DAMAGED_BY_3PL)
# Where the return service may take a unit from, and the outcomes it gives.
EXITS_FROM = (INSPECTION_PENDING, LISTED, RESOLD)
OUTCOMES = (RETURNED_TO_SELLER, DESTROYED_LOCALLY, WORRY_FREE_COMPENSATED)

# Why a unit left resale for the return service.
INELIGIBLE, QC_FAILED, WINDOW_EXPIRED, SECOND_FAILURE = (
    "ineligible", "qc_failed", "window_expired", "second_failure")
EXIT_REASONS = (INELIGIBLE, QC_FAILED, WINDOW_EXPIRED, SECOND_FAILURE)

# What a warehouse test helper may do, by state (the 409's allowed actions).
HELPER_ACTIONS = ("script_inspection", "sell", "expire_window")

UNIT = StateMachine("resale item", STATES, [
    (INSPECTION_PENDING, "script_inspection", INSPECTION_PENDING),
    (INSPECTION_PENDING, "pass_inspection", RESALE_PENDING),
    (RESALE_PENDING, "relist", LISTED),
    (LISTED, "sell", RESOLD),
    (LISTED, "resell", RESOLD),
    (RESOLD, "relist", LISTED),
    (RESOLD, "deliver", SOLD),
    (RESOLD, "lose", LOST_BY_3PL),
    (RESOLD, "damage", DAMAGED_BY_3PL),
    (LISTED, "expire_window", LISTED),
    *[(state, action, target) for state in EXITS_FROM for action, target in (
        ("return_to_seller", RETURNING_TO_SELLER), ("destroy_locally", DESTROYED_LOCALLY),
        ("compensate_worry_free", WORRY_FREE_COMPENSATED))],
    (RETURNING_TO_SELLER, "arrive_back_at_seller", RETURNED_TO_SELLER),
])
