from ._base import Resource, quote_id
from .aftersales import AfterSales
from .buyers import Buyers
from .clock import NEXT_TIMER, Clock
from .events import Events
from .faults import Faults
from .journal import Journal, JournalAssertionError
from .ledger import Ledger, LedgerPage
from .orders import Orders
from .packages import Packages, label_document
from .policies import Policies
from .products import Products
from .resale import Resale, ReturnService
from .sandboxes import Sandboxes
from .scenarios import Scenarios
from .semi_hosted import SemiHosted
from .test_helpers import TestHelpers
from .timers import Timers
from .tracking import Tracking
from .webhooks import WebhookDeliveries, WebhookEndpoints

__all__ = ["Resource", "quote_id", "NEXT_TIMER", "AfterSales", "Buyers", "Clock", "Events", "Ledger",
           "LedgerPage", "Orders", "Packages", "Policies", "Products", "Resale", "ReturnService",
           "Sandboxes", "Scenarios", "SemiHosted", "TestHelpers", "Timers", "Tracking",
           "WebhookDeliveries", "WebhookEndpoints", "label_document", "Faults", "Journal",
           "JournalAssertionError"]
