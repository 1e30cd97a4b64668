"""`mockplatform serve` sends webhooks from a process of its own (mockplatform/webhook_sender.py),
its workers from their own threads once that process is gone, and the process ends with the
server."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest
import requests

from mockplatform import webhook_sender
from mockplatform.testing.receiver import WebhookReceiver
from tests.test_serve import serving

pytestmark = pytest.mark.skipif(bool(os.environ.get("MOCKPLATFORM_DATABASE_URL")),
                                reason="exercises the SQLite file default")


def _sender_of(pid: int) -> int | None:
    """The webhook sender process among ``pid``'s children."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and "mockplatform.webhook_sender" in command:
            return int(entry.name)
    return None


def _alive(pid: int) -> bool:
    """Whether any thread of the process is left: a killed process's first thread shows ``Z``
    while its other threads may still be ending, their sockets still open."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except (OSError, IndexError):
        return False
    return state != "Z" or threads > 1


def _wait_gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def _shop(url: str, receiver: WebhookReceiver):
    created = requests.post(f"{url}/api/v1/sandboxes", timeout=10,
                            json={"platform": "lazada", "market": "MY", "seed": 5}).json()
    headers = {"Authorization": f"Bearer {created['credentials']['api_key']}"}
    assert requests.post(f"{url}/api/v1/sandboxes/{created['id']}/webhook_endpoints",
                         json={"url": receiver.url, "event_types": ["order.created"]},
                         headers=headers, timeout=10).status_code == 201
    assert requests.post(f"{url}/api/v1/products", headers=headers, timeout=10, json={
        "name": "Mug", "skus": [{"seller_sku": "MUG-1", "price": "20.00", "stock": 50}]
    }).status_code == 201

    def place() -> str:
        answer = requests.post(f"{url}/api/v1/test_helpers/orders", headers=headers, timeout=10,
                               json={"items": [{"seller_sku": "MUG-1", "quantity": 1}]})
        assert answer.status_code == 201, answer.text
        return answer.json()["order_id"]
    return place


def test_pushes_leave_from_the_sender_process_and_from_the_workers_once_it_is_gone(tmp_path):
    receiver = WebhookReceiver()
    try:
        with serving(tmp_path) as (url, server):
            sender = _sender_of(server.pid)
            assert sender is not None, "serve started no webhook sender process"
            place = _shop(url, receiver)
            first = place()
            assert receiver.wait_for(1)[0].json["data"]["order_id"] == first

            os.kill(sender, signal.SIGKILL)
            assert _wait_gone(sender)
            second = place()
            pushes = receiver.wait_for(2)
            assert pushes[1].json["data"]["order_id"] == second
            assert all("Mockplatform-Signature" in push.headers for push in pushes)
    finally:
        receiver.stop()


def test_the_sender_process_ends_with_the_server(tmp_path):
    with serving(tmp_path) as (_url, server):
        sender = _sender_of(server.pid)
        assert sender is not None
        server.send_signal(signal.SIGTERM)  # the arbiter only, not its process group
        server.wait(timeout=30)
        assert _wait_gone(sender)


def test_one_wake_of_the_sender_reads_every_datagram_waiting(tmp_path):
    """Linux queues a few datagrams only (net.unix.max_dgram_qlen, 10 by default): a wake that
    read one would leave the workers' next ones refused while the queue stays full."""
    path = str(tmp_path / "w.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    worker = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        listener.bind(path)
        listener.settimeout(5)  # as the sender's (its poll interval)
        for n in range(5):
            worker.sendto(f"W sbx_{n}".encode(), path)
        assert webhook_sender.burst(listener, listener.recv(1024)) == [
            f"W sbx_{n}" for n in range(5)]
        worker.sendto(b"T sbx_9", path)
        assert webhook_sender.burst(listener, listener.recv(1024)) == ["T sbx_9"]
        assert listener.gettimeout() == 5
    finally:
        worker.close()
        listener.close()


def test_the_sender_is_stopped_once_however_often_it_is_asked(tmp_path):
    """serve asks as gunicorn's arbiter exits and again as it returns: the second does nothing
    (the process is not signalled again, its directory not removed again)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    calls: list[str] = []
    terminate = process.terminate
    process.terminate = lambda: (calls.append("terminate"), terminate())[1]
    directory = tmp_path / "sender"
    directory.mkdir()
    handle = webhook_sender.Handle(process, str(directory))

    handle.stop()
    directory.mkdir()  # (as if something else now used the path)
    handle.stop()

    assert calls == ["terminate"] and process.poll() is not None and directory.exists()


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux's scheduling policies")
def test_the_sender_process_runs_its_threads_in_the_background(tmp_path):
    """Its threads never preempt a worker as they wake (store/priority.py): every one of them,
    those that send included, runs as SCHED_BATCH once it has pushed, but for the moments it
    records the push (an ordinary thread in the write turn)."""
    receiver = WebhookReceiver()
    try:
        with serving(tmp_path) as (url, server):
            sender = _sender_of(server.pid)
            _shop(url, receiver)()
            receiver.wait_for(1)
            deadline = time.monotonic() + 10
            while True:  # (until the push is recorded)
                threads = [int(tid) for tid in os.listdir(f"/proc/{sender}/task")]
                policies = {os.sched_getscheduler(tid) for tid in threads}
                if policies == {os.SCHED_BATCH} or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            assert len(threads) >= 3  # the listener, the dispatcher's threads
            assert policies == {os.SCHED_BATCH}
    finally:
        receiver.stop()
