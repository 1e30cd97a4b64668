from ._base import Resource, quote_id
from .clock import NEXT_TIMER, Clock
from .events import Events
from .policies import Policies
from .sandboxes import Sandboxes
from .test_helpers import TestHelpers
from .timers import Timers

__all__ = ["Resource", "quote_id", "NEXT_TIMER", "Clock", "Events", "Policies", "Sandboxes",
           "TestHelpers", "Timers"]
