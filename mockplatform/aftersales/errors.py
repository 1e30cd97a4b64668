"""The typed errors of after-sales, each with a stable ``code``."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, NotFound


class AfterSalesRequestNotFound(NotFound):
    """No after-sales request with that id in the sandbox."""

    code = "aftersales_request_not_found"


class AfterSalesNotAvailable(Conflict):
    """The sandbox's platform profile has no after-sales requests (yet)."""

    code = "aftersales_not_available"


class UnknownReason(InvalidRequest):
    """A reason that is not in the profile's list for the request type (aftersales.reasons)."""

    code = "unknown_reason"


class ItemsNotEligible(Conflict):
    """Items the request type cannot be opened for now: not delivered, already shipped,
    outside the buyer's window, or named by another request."""

    code = "items_not_eligible"


class InvalidRefundOffer(InvalidRequest):
    """A partial refund above what the buyer paid, not above zero, or in another currency."""

    code = "invalid_refund_offer"


class RequestWindowClosed(Conflict):
    """The buyer's after-sales window (return.request_window) is over for these items."""

    code = "request_window_closed"


class ActionNotOffered(Conflict):
    """A seller's action the sandbox's profile does not offer (a partial refund on Lazada, an
    instant refund on TikTok Shop); names those it offers."""

    code = "action_not_offered"


class TypeNotOffered(InvalidRequest):
    """A request type the sandbox's profile does not have (a reshipment on Lazada)."""

    code = "type_not_offered"
