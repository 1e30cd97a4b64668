"""Loaded with the control domain: puts the outbox behind the event recorder."""

from mockplatform.control.webhooks import outbox
from mockplatform.engine import events

events.install_observer(outbox.on_event)
