"""The sender's one POST against a raw socket server that answers as told: the answer's framings
(length, chunked, ended by closing), a kept connection the receiver closed meanwhile, and every
error kind."""

from __future__ import annotations

import socket
import threading

import pytest

from mockplatform.control.webhooks import sender


class RawServer:
    """Accepts connections; for each request read, sends the next of ``answers`` (bytes, or a
    list of bytes and pauses in seconds), then closes the connection if the answer is followed
    by None; a bare number: hangs that long and closes."""

    def __init__(self, answers: list[bytes | None | float]):
        self.answers = list(answers)
        self.requests: list[bytes] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook?x=1"

    def _serve(self) -> None:
        while self.answers:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                while self.answers:
                    request = self._read(conn)
                    if request is None:
                        break
                    self.requests.append(request)
                    answer = self.answers.pop(0)
                    if isinstance(answer, float):  # hang that long, then close
                        threading.Event().wait(answer)
                        break
                    for part in answer if isinstance(answer, list) else [answer]:
                        if isinstance(part, float):
                            threading.Event().wait(part)  # a pause within the answer
                        else:
                            conn.sendall(part)
                    if self.answers and self.answers[0] is None:
                        self.answers.pop(0)
                        break

    @staticmethod
    def _read(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def stop(self) -> None:
        self.answers = []
        self.listener.close()


@pytest.fixture(autouse=True)
def fresh_connections():
    sender.close_all()
    yield
    sender.close_all()


def post(url: str, timeout: float = 2.0) -> sender.Result:
    return sender.post(url, b'{"a":1}', {"Content-Type": "application/json", "X-Id": "7"},
                       timeout)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def test_the_request_and_a_length_framed_answer_on_one_kept_connection():
    server = RawServer([OK, b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"])
    try:
        first, second = post(server.url), post(server.url)
        assert (first.status_code, first.excerpt, first.error) == (200, "ok", None)
        assert (second.status_code, second.error) == (201, None)
        assert server.connections == 1
        head, _, body = server.requests[0].partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        assert lines[0] == b"POST /hook?x=1 HTTP/1.1"
        assert f"Host: 127.0.0.1:{server.port}".encode() in lines
        assert b"X-Id: 7" in lines and b"Content-Length: 7" in lines
        assert body == b'{"a":1}'
    finally:
        server.stop()


def test_chunked_and_close_ended_answers():
    chunked = (b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4\r\nbusy\r\n3\r\n!!!\r\n0\r\n\r\n")
    server = RawServer([chunked, b"HTTP/1.1 200 OK\r\n\r\nuntil close", None])
    try:
        failed = post(server.url)
        assert (failed.status_code, failed.excerpt, failed.error) == (500, "busy!!!", "status")
        ended = post(server.url)
        assert (ended.status_code, ended.excerpt, ended.error) == (200, "until close", None)
    finally:
        server.stop()


def test_a_kept_connection_closed_by_the_receiver_is_opened_again_once():
    server = RawServer([OK, None, OK])
    try:
        assert post(server.url).error is None
        again = post(server.url)  # the kept connection is closed: a new one, same attempt
        assert (again.status_code, again.error) == (200, None)
        assert server.connections == 2
    finally:
        server.stop()


def test_error_kinds():
    server = RawServer([0.5])
    try:
        assert post(server.url, timeout=0.2).error == "timeout"
    finally:
        server.stop()
    closing = RawServer([b"HTTP/1.1 200 OK\r\nContent-Len", None])
    try:
        assert post(closing.url).error == "closed"
    finally:
        closing.stop()
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    assert post(f"http://127.0.0.1:{port}/").error == "refused"
    assert post("http://127.0.0.1:1/has space").error == "error"
    garbage = RawServer([b"NOT HTTP AT ALL\r\n\r\n"])
    try:
        assert post(garbage.url).error == "error"
    finally:
        garbage.stop()


def test_an_answer_later_than_the_limit_is_slow():
    # Each read comes within the limit, the whole answer after it.
    server = RawServer([[b"HTTP/1.1 200 OK\r\n", 0.3, b"Content-Length: 2\r\n\r\no", 0.3,
                         b"k"]])
    try:
        result = post(server.url, timeout=0.5)
        assert (result.status_code, result.error) == (200, "slow")
    finally:
        server.stop()
