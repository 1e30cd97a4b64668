"""The states of settlement: a statement is open, then closed at the end of its period, then
paid; an item (a subject owed an amount) is pending until its statement is paid, or
unsettleable (never paid: canceled, or failed delivery marked by the seller)."""

from __future__ import annotations

OPEN, CLOSED, PAID = "open", "closed", "paid"  # statements
PENDING, UNSETTLEABLE = "pending", "unsettleable"  # items (and PAID)

STATEMENT_STATES = (OPEN, CLOSED, PAID)
ITEM_STATES = (PENDING, PAID, UNSETTLEABLE)
