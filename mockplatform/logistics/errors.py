"""The typed errors of fulfilment and logistics: each has a stable ``code`` (registered once, server-wide,
in ``mockplatform.errors.ERROR_CODES``) and names the offending ``field`` where there is one.
A front maps them to its own envelope and its platform's codes."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, NotFound, ValidationFailed


class PackageNotFound(NotFound):
    """No package with that id in the sandbox."""

    code = "package_not_found"


class TrackingNumberNotFound(NotFound):
    """No package with that tracking number."""

    code = "tracking_number_not_found"


class TrackingNumberTaken(Conflict):
    """Another package of the sandbox has that tracking number."""

    code = "tracking_number_taken"


class AlreadyMarkedFailedDelivery(Conflict):
    """The seller marked the package as failed delivery already."""

    code = "already_marked_failed_delivery"


class NotOnThisPlatform(Conflict):
    """The sandbox's platform has no such seller action (TikTok Shop's sellers cannot mark a
    platform-shipped parcel as failed delivery; Lazada's can)."""

    code = "not_on_this_platform"


class NoAttemptLeft(Conflict):
    """The package has no delivery attempt left."""

    code = "no_attempt_left"


class NoLabel(Conflict):
    """The package has no label to print in its state."""

    code = "no_label"


class NotPlatformShipped(Conflict):
    """The package is not shipped by the platform's carrier."""

    code = "not_platform_shipped"


class NotSellerOwnFleet(Conflict):
    """The package is not delivered by the seller's own fleet."""

    code = "not_seller_own_fleet"


class UnknownOrderItem(InvalidRequest):
    """An order item id that is not of the order."""

    code = "unknown_order_item"


class UnknownPackage(InvalidRequest):
    """A package id that is not of the order."""

    code = "unknown_package"


class UnknownStage(Conflict):
    """A fulfilment stage the flow does not have."""

    code = "unknown_stage"


class InvalidRange(ValidationFailed):
    """A time range whose end is before its start."""

    code = "invalid_range"


class ReportRangeTooLong(ValidationFailed):
    """A report range longer than tracking.report_max_range."""

    code = "report_range_too_long"


class ReportTooLarge(InvalidRequest):
    """An uploaded report over the size limit."""

    code = "report_too_large"


class TooManyRows(ValidationFailed):
    """An uploaded report with more rows than allowed."""

    code = "too_many_rows"
