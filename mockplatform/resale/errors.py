"""The typed errors of resale and the return service, each with a stable ``code``."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, NotFound


class ResaleItemNotFound(NotFound):
    """No resale item with that id in the sandbox."""

    code = "resale_item_not_found"


class UnknownCheck(InvalidRequest):
    """An inspection result for a check that does not exist."""

    code = "unknown_check"


class ReturnServiceUnavailable(Conflict):
    """The return service chosen is not offered in the sandbox's market (worry-free in VN, SG)."""

    code = "return_service_unavailable"


class ResaleNotAvailable(Conflict):
    """The sandbox's platform profile has no resale service."""

    code = "resale_not_available"


class InvalidOverviewRange(InvalidRequest):
    """An overview range that is inverted or longer than the most the overview covers."""

    code = "invalid_overview_range"
