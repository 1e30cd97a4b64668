"""Webhooks: endpoints a sandbox pushes its events to, an outbox written with the events, and a
dispatcher that sends it after commit.

- ``models``: the three tables (endpoints, deliveries, attempts).
- ``catalogue``: the event types the server can emit, which endpoint patterns are checked against.
- ``formats``: how a delivery looks and is signed on the wire (native, lazada, tiktok_shop), each
  format's time limit and retry schedule.
- ``endpoints``: managing endpoints; ``outbox``: one delivery row per matching endpoint, written
  as the event is recorded (same transaction); ``deliveries``: the log, resend.
- ``dispatcher``: threads (of serve's webhook sender process, or of the app's process) that
  claim due deliveries atomically (several processes send each delivery once), send them with
  no transaction open and no sandbox locked, and record each attempt; a failed one is retried
  at an instant of the SANDBOX clock. ``sender``: one POST; ``wake``: what a worker tells the
  sender process after a commit.
"""
