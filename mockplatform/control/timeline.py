"""One order's story across every domain: which event subjects belong to it.

Every domain records its events under a subject of its own (``order:42``, ``order_item:7``,
``package:FP01``, ``resale_item:3``, ``aftersales_request:5``) and the event feed is indexed by
subject (``ix_events_subject``). An order's timeline is the events of the order itself, its
items (settlement, fines), its packages (tracking, delivery attempts, shipping fees), the
resale units its failed items became, and its after-sales requests with their return parcels:
found from the domains' own tables by the order's id, each through an index, then read from the
feed in one query in the order they happened. A resale order or a replacement order is an
order of its own, with its own timeline (the events that create it name it).
"""

from __future__ import annotations

from sqlalchemy import select

from mockplatform.aftersales.models import AfterSalesRequest
from mockplatform.engine.context import SandboxContext
from mockplatform.orders.errors import OrderNotFound
from mockplatform.orders.models import OrderItem, Package
from mockplatform.orders.service import get_orders
from mockplatform.resale.models import ResaleItem

# The subject types of the event feed's ``subject`` filter: ``<type>:<id>``.
SUBJECT_TYPES = ("order", "order_item", "package", "resale_item", "aftersales_request")


def order_subjects(ctx: SandboxContext, order_id: int, *,
                   location: str = "path") -> tuple[str, ...]:
    """The subjects of every event about order ``order_id``; a 404 naming ``order_id`` in
    ``location`` (the path of a timeline, the query of the feed) when there is no such order."""
    if not get_orders(ctx, [order_id]):
        raise OrderNotFound(f"no order {order_id} in this sandbox", details=[
            {"field": "order_id", "location": location, "message": "unknown order"}])
    ctx.inserts.write()
    session, sandbox = ctx.session, ctx.id

    def ids(column, model):
        return session.scalars(select(column).where(model.sandbox_id == sandbox,
                                                    model.order_id == order_id)).all()

    requests = session.execute(select(AfterSalesRequest.aftersales_id,
                                      AfterSalesRequest.return_package_id).where(
        AfterSalesRequest.sandbox_id == sandbox, AfterSalesRequest.order_id == order_id)).all()
    packages = {*ids(Package.package_id, Package),
                *(package for _, package in requests if package)}
    return (f"order:{order_id}",
            *(f"order_item:{item}" for item in ids(OrderItem.order_item_id, OrderItem)),
            *(f"package:{package}" for package in sorted(packages)),
            *(f"resale_item:{unit}" for unit in ids(ResaleItem.resale_item_id, ResaleItem)),
            *(f"aftersales_request:{request}" for request, _ in requests))
