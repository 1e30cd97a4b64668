"""The typed errors of the catalog and buyers: each has a stable ``code`` (registered once, server-wide,
in ``mockplatform.errors.ERROR_CODES``) and names the offending ``field`` where there is one.
A front maps them to its own envelope and its platform's codes."""

from __future__ import annotations

from mockplatform.errors import Conflict, NotFound


class BuyerNotFound(NotFound):
    """No buyer with that id in the sandbox."""

    code = "buyer_not_found"


class ProductNotFound(NotFound):
    """No product with that id in the sandbox."""

    code = "product_not_found"


class SkuNotFound(NotFound):
    """No SKU with that id in the sandbox."""

    code = "sku_not_found"


class DuplicateSellerSku(Conflict):
    """Another SKU of the sandbox has that seller SKU."""

    code = "duplicate_seller_sku"


class InsufficientStock(Conflict):
    """Fewer units in stock than asked for."""

    code = "insufficient_stock"
