"""The typed errors of the ledger and settlement: each has a stable ``code`` (registered once, server-wide,
in ``mockplatform.errors.ERROR_CODES``) and names the offending ``field`` where there is one.
A front maps them to its own envelope and its platform's codes."""

from __future__ import annotations

from mockplatform.errors import Conflict


class SettlementNotAvailable(Conflict):
    """The profile has no settlement cycle."""

    code = "settlement_not_available"
