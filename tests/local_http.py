"""A tiny local HTTP server for tests of outbound requests (newsroom.net, the links check's live check)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# answer(method, path without the query) -> (status, Location header or None)
Answer = Callable[[str, str], tuple[int, str | None]]


class LocalServer:
    """Listens on 127.0.0.1 at a free port, answers HEAD and GET with an empty body as `answer` says, and records
    the requests it gets: (method, path, Host header)."""

    def __init__(self, answer: Answer) -> None:
        self.requests: list[tuple[str, str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server.requests.append((self.command, self.path, self.headers.get("Host", "")))
                status, location = answer(self.command, self.path.split("?", 1)[0])
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_HEAD = do_GET = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def serving(answer: Answer) -> Iterator[LocalServer]:
    """A LocalServer running for the block (a fixture yields it from inside)."""
    s = LocalServer(answer)
    s.thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()
