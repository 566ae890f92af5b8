"""A real HTTP server standing in for the 企业微信 / 政务微信 robot API (no internet in the tests).

It records every request (path, query, headers, JSON body) and answers from a script: by default
``{"errcode": 0, "errmsg": "ok"}``; ``then(status, body, delay)`` queues the next answers (an error,
a rate limit, a slow answer that outlasts the portal's timeout)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


class RobotReceiver:
    def __init__(self, port: int = 0, echo: bool = False):
        self.received: list[Received] = []
        self.script: list[Answer] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                with receiver.lock:
                    receiver.received.append(
                        Received(parts.path, parse_qs(parts.query), dict(self.headers), body)
                    )
                    answer = receiver.script.pop(0) if receiver.script else Answer()
                if echo:
                    print(
                        parts.path,
                        json.dumps(json.loads(body or b"{}"), ensure_ascii=False, indent=2),
                        flush=True,
                    )
                if answer.delay:
                    time.sleep(answer.delay)
                data = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, key: str = KEY) -> str:
        return f"http://{self.host}/cgi-bin/webhook/send?key={key}"

    def then(self, status: int = 200, body: object | None = None, delay: float = 0.0) -> RobotReceiver:
        with self.lock:
            self.script.append(
                Answer(status, body if body is not None else {"errcode": 0, "errmsg": "ok"}, delay)
            )
        return self

    def start(self) -> RobotReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    # Try the robots on `make run` (README "Message channels"): prints what the portal posts.
    import sys

    server = RobotReceiver(port=int(sys.argv[1]) if len(sys.argv) > 1 else 9099, echo=True)
    print(f"robot receiver: {server.url()}", flush=True)
    try:
        server.server.serve_forever()
    except KeyboardInterrupt:
        server.server.server_close()
