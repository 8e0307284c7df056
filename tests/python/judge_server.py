"""A scripted OpenAI-compatible chat-completions server on loopback, for the judge tests.

Every request's body is recorded. What the server answers is decided by ``script(body, n)``,
where ``n`` counts the requests with the same messages so far (0 for the first): it returns an
:class:`Action`. The default script answers ``{"score": N}`` with N read from ``rating=N`` in the
last message (3 when absent). Faults: an HTTP status (429 and 500, with Retry-After), a slow
answer, a malformed body (not JSON), a truncated body (the connection closes before the promised
Content-Length), a body without ``choices``, a refusal.

Only 127.0.0.1 is used; the server stops when the context manager exits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import re
import threading
import time
from typing import Any, Callable, Optional


@dataclasses.dataclass
class Action:
    kind: str = "ok"           # ok | status | slow | malformed | truncated | no_choices | refusal
    content: str = ""          # the answer's text (ok, slow)
    status: int = 200          # status
    retry_after: Optional[str] = None
    delay: float = 0.0         # slow: seconds before answering
    logprobs: Optional[list] = None
    prompt_tokens: int = 100
    completion_tokens: int = 5
    finish_reason: str = "stop"


def messages_key(body: dict) -> str:
    return hashlib.sha256(json.dumps(body.get("messages"), sort_keys=True).encode()).hexdigest()


def last_message(body: dict) -> str:
    return body["messages"][-1]["content"]


def rating_answer(body: dict, n: int) -> Action:
    m = re.search(r"rating=(\d+)", body["messages"][0]["content"] + last_message(body))
    return Action(content=json.dumps({"score": int(m.group(1)) if m else 3}))


class FaultServer:
    def __init__(self, script: Callable[[dict, int], Action] = rating_answer):
        self.script = script
        self.requests: list = []       # (body, headers) in arrival order
        self.in_flight = 0
        self.max_in_flight = 0
        self._counts: dict = {}
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                with outer._lock:
                    key = messages_key(body)
                    n = outer._counts.get(key, 0)
                    outer._counts[key] = n + 1
                    outer.requests.append((body, dict(self.headers)))
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    outer._answer(self, body, outer.script(body, n))
                finally:
                    with outer._lock:
                        outer.in_flight -= 1

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A client that gave up (a timeout) leaves a broken pipe behind: expected, not news.
        self._server.handle_error = lambda request, address: None
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _answer(self, handler: http.server.BaseHTTPRequestHandler, body: dict,
                action: Action) -> None:
        def send(status: int, payload: bytes, headers: Optional[dict] = None,
                 length: Optional[int] = None) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload) if length is None else length))
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(payload)
            handler.wfile.flush()

        if action.kind == "status":
            headers = {"Retry-After": action.retry_after} if action.retry_after else {}
            send(action.status, json.dumps({"error": {"message": "scripted"}}).encode(), headers)
            return
        if action.kind == "malformed":
            send(200, b"<html>upstream proxy error</html>")
            return
        if action.kind == "slow":
            time.sleep(action.delay)
        message: dict = {"role": "assistant", "content": action.content}
        if action.kind == "refusal":
            message = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
        choice: dict = {"index": 0, "message": message, "finish_reason": action.finish_reason}
        if action.logprobs is not None:
            choice["logprobs"] = {"content": action.logprobs}
        payload = {"id": "x", "object": "chat.completion", "model": body.get("model"),
                   "choices": [choice],
                   "usage": {"prompt_tokens": action.prompt_tokens,
                             "completion_tokens": action.completion_tokens,
                             "total_tokens": action.prompt_tokens + action.completion_tokens}}
        if action.kind == "no_choices":
            payload.pop("choices")
        data = json.dumps(payload).encode()
        if action.kind == "truncated":
            send(200, data[: len(data) // 2], length=len(data))
            handler.close_connection = True
            return
        send(200, data)

    def bodies(self) -> list:
        with self._lock:
            return [b for b, _ in self.requests]

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
