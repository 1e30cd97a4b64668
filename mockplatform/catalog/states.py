"""The product's state machine: a listed product can be delisted, a delisted one relisted."""

from __future__ import annotations

from mockplatform.engine.statemachine import StateMachine

LISTED = "listed"
DELISTED = "delisted"
STATUSES = (LISTED, DELISTED)

DELIST = "delist"
RELIST = "relist"

PRODUCT = StateMachine("product", STATUSES, [
    (LISTED, DELIST, DELISTED),
    (DELISTED, RELIST, LISTED),
])
