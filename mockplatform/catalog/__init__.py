"""The catalog and buyers of a sandbox: products with their SKUs (price, seller stock, package
size), listed or delisted; buyers in the market's locale; and seeded fills of both."""

from mockplatform.engine.registry import Domain

DOMAIN = Domain(
    name="catalog",
    modules=("mockplatform.catalog.models", "mockplatform.catalog.timers"),
    errors=("mockplatform.catalog.errors",),
)
