"""The control plane: sandboxes, their clocks, snapshots, test timers, fault rules and the
request journal. Domain-like (no HTTP), above the business domains."""

from mockplatform.engine.registry import Domain

DOMAIN = Domain(
    name="control",
    modules=("mockplatform.control.test_timers", "mockplatform.control.authorizations",
             "mockplatform.control.journal", "mockplatform.control.webhooks.models",
             "mockplatform.control.webhooks.install"),
    timer_kinds=("test_helpers.timer",),
    errors=("mockplatform.control.errors",),
)
