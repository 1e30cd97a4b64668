"""The typed errors of orders: each has a stable ``code`` (registered once, server-wide,
in ``mockplatform.errors.ERROR_CODES``) and names the offending ``field`` where there is one.
A front maps them to its own envelope and its platform's codes."""

from __future__ import annotations

from mockplatform.errors import Conflict, InvalidRequest, NotFound


class OrderNotFound(NotFound):
    """No order with that id in the sandbox."""

    code = "order_not_found"


class OrdersNotAvailable(Conflict):
    """The sandbox's platform profile has no order flow."""

    code = "orders_not_available"


class ProductNotListed(Conflict):
    """The SKU's product is delisted."""

    code = "product_not_listed"


class UnknownBuyer(InvalidRequest):
    """The order names a buyer the sandbox does not have."""

    code = "unknown_buyer"


class UnknownSku(InvalidRequest):
    """The order names a SKU the sandbox does not have."""

    code = "unknown_sku"


class WrongOrderFlow(Conflict):
    """A step of another order flow than the order's."""

    code = "wrong_order_flow"


class OrderItemNotFound(NotFound):
    """The order has no item with that id."""

    code = "order_item_not_found"
