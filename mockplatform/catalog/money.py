"""The market's currency and how its amounts are written: Decimal, never float."""

from __future__ import annotations

from decimal import Decimal

CURRENCIES = {"MY": "MYR", "SG": "SGD", "TH": "THB", "VN": "VND", "PH": "PHP", "ID": "IDR"}
# Digits after the decimal point; VND and IDR have no minor unit.
MINOR_DIGITS = {"MYR": 2, "SGD": 2, "THB": 2, "VND": 0, "PHP": 2, "IDR": 0}
# Below what the store keeps exactly (15 significant digits, 2 of them decimals).
MAX_AMOUNT = Decimal("1000000000000")


def currency_of(market: str) -> str:
    return CURRENCIES[market]


def exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_DIGITS[currency])


def is_exact(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` needs no more digits than the currency has."""
    return amount == amount.quantize(exponent(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(exponent(currency))


def format_amount(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))
