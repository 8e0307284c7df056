"""Reaching a model: the built-in OpenAI-compatible chat-completions client and the user's own
callable, behind one operation layer (concurrency limit, requests- and tokens-per-minute limits,
retries with exponential backoff and jitter, a per-call timeout, a SQLite cache, token and cost
accounting, seeds). Docs: docs/judge/client.md.

All calls of one model run on its own event loop in a background thread, so the same object
serves synchronous code, ``asyncio`` code (``await model.acomplete(...)``) and the C++ threads
of the citation scorer alike.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import dataclasses
import email.utils
import hashlib
import inspect
import json
import os
import random
import sqlite3
import threading
import time
from typing import Any, Callable, Mapping, Optional, Sequence, Union

__all__ = [
    "CallableModel", "ChatModel", "Completion", "JudgeCache", "JudgeError", "OpenAIClient",
    "Prices", "RateLimiter", "RefusalError", "TransientError", "Usage", "as_model",
]


class JudgeError(Exception):
    """A call or an answer that failed for good (after retries and repairs). In a batch it becomes
    the row's ``error``; one-off calls raise it."""


class TransientError(JudgeError):
    """A failure worth retrying: HTTP 429 or 5xx, a timeout, a dropped connection, a response
    body that is not the JSON the API promises. ``retry_after`` is the server's hint in seconds."""

    def __init__(self, message: str, retry_after: Optional[float] = None):
        super().__init__(message)
        self.retry_after = retry_after


class RefusalError(JudgeError):
    """The model declined to answer (an API ``refusal`` or a ``content_filter`` finish)."""


@dataclasses.dataclass
class Completion:
    """One answer of a chat model.

    ``logprobs`` is the OpenAI ``choices[0].logprobs.content`` list when the endpoint gives it:
    ``[{"token", "logprob", "top_logprobs": [{"token", "logprob"}, ...]}, ...]``.
    """

    text: str
    finish_reason: Optional[str] = None
    logprobs: Optional[list] = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: Optional[str] = None
    refusal: Optional[str] = None
    cached: bool = False

    def to_json(self) -> str:
        d = dataclasses.asdict(self)
        d.pop("cached")
        return json.dumps(d, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Completion":
        return cls(**json.loads(text))


def completion_from_openai(body: Any) -> Completion:
    """A :class:`Completion` from an OpenAI chat-completions response body (a dict). Raises
    :class:`TransientError` when the body lacks what the API promises (a truncated or garbled
    response)."""
    try:
        choice = body["choices"][0]
        message = choice.get("message") or {}
        text = message.get("content")
        refusal = message.get("refusal")
        if text is None and refusal is None:
            text = ""
        logprobs = None
        lp = choice.get("logprobs")
        if isinstance(lp, dict) and isinstance(lp.get("content"), list):
            logprobs = lp["content"]
        usage = body.get("usage") or {}
        return Completion(text=text or "", finish_reason=choice.get("finish_reason"),
                          logprobs=logprobs, prompt_tokens=int(usage.get("prompt_tokens") or 0),
                          completion_tokens=int(usage.get("completion_tokens") or 0),
                          model=body.get("model"), refusal=refusal)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as e:
        raise TransientError(f"malformed response body ({type(e).__name__}: {e})") from None


@dataclasses.dataclass(frozen=True)
class Prices:
    """Prices per million tokens (any currency), for the cost columns."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input_per_million
                + completion_tokens * self.output_per_million) / 1e6


@dataclasses.dataclass
class Usage:
    """Token and cost accounting of a model (or of one batch: the difference of two snapshots).

    ``calls`` went to the endpoint (retries included in ``attempts``); ``cache_hits`` were
    answered from the cache and cost nothing; ``saved_cost`` is what those would have cost.
    """

    calls: int = 0
    attempts: int = 0
    cache_hits: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    saved_cost: float = 0.0

    def __sub__(self, other: "Usage") -> "Usage":
        return Usage(**{f.name: getattr(self, f.name) - getattr(other, f.name)
                        for f in dataclasses.fields(self)})

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class JudgeCache:
    """A SQLite cache of completions keyed by a hash of model, template version, parameters and
    messages. Only successful completions are stored; a re-run of the same judge costs nothing.
    ``path`` ``":memory:"`` keeps it in memory."""

    def __init__(self, path: Union[str, os.PathLike] = ":memory:"):
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA user_version")
        self._db.execute("CREATE TABLE IF NOT EXISTS completions (key TEXT PRIMARY KEY, "
                         "model TEXT, template TEXT, completion TEXT NOT NULL, created REAL)")

    @staticmethod
    def key(model: str, template: str, params: Mapping[str, Any], messages: Sequence) -> str:
        blob = json.dumps({"model": model, "template": template, "params": dict(params),
                           "messages": list(messages)}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Optional[Completion]:
        with self._lock:
            row = self._db.execute("SELECT completion FROM completions WHERE key = ?",
                                   (key,)).fetchone()
        return None if row is None else Completion.from_json(row[0])

    def put(self, key: str, model: str, template: str, completion: Completion) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?)",
                             (key, model, template, completion.to_json(), time.time()))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM completions").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RateLimiter:
    """Requests and tokens per minute over a sliding 60-second window. A call reserves its
    estimated tokens before it goes out and settles the true count when it returns. A call larger
    than the whole token budget goes alone once the window is empty."""

    def __init__(self, requests_per_minute: Optional[float] = None,
                 tokens_per_minute: Optional[float] = None, *, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = asyncio.sleep):
        self.rpm = requests_per_minute
        self.tpm = tokens_per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._entries: collections.deque = collections.deque()  # [time, tokens]
        self._lock: Optional[asyncio.Lock] = None

    def _prune(self, now: float) -> None:
        while self._entries and self._entries[0][0] <= now - self.window:
            self._entries.popleft()

    async def acquire(self, tokens: int) -> list:
        """Waits until the call fits; returns the entry to :meth:`settle`."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # first come, first served
            while True:
                now = self._clock()
                self._prune(now)
                used = sum(e[1] for e in self._entries)
                fits_requests = self.rpm is None or len(self._entries) < self.rpm
                fits_tokens = (self.tpm is None or not self._entries
                               or used + tokens <= self.tpm)
                if fits_requests and fits_tokens:
                    entry = [now, tokens]
                    self._entries.append(entry)
                    return entry
                await self._sleep(max(0.001, self._entries[0][0] + self.window - now))

    @staticmethod
    def settle(entry: list, tokens: int) -> None:
        entry[1] = tokens


def _estimate_tokens(messages: Sequence[Mapping[str, Any]], max_tokens: int) -> int:
    # About four characters a token for English; only for reserving against a TPM limit.
    chars = sum(len(str(m.get("content", ""))) for m in messages)
    return chars // 4 + 4 * len(messages) + max_tokens


class _LoopThread:
    """An event loop running in a daemon thread; coroutines are submitted from any thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="precis-judge-loop")
        self._thread.start()

    def submit(self, coro) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro):
        if threading.current_thread() is self._thread:
            raise RuntimeError("a judge called itself synchronously from its own event loop")
        return self.submit(coro).result()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)


class ChatModel:
    """The operation layer every model shares; subclasses implement :meth:`_request`.

    Parameters: ``model`` (a name; part of every cache key), ``concurrency`` (calls in flight at
    most), ``requests_per_minute`` / ``tokens_per_minute`` (None: unlimited), ``max_retries``
    (retries after the first attempt, on :class:`TransientError`), ``backoff`` and
    ``max_backoff`` (seconds: attempt k waits a uniform random time in [0, min(max_backoff,
    backoff * 2**k)], "full jitter", or the server's Retry-After, up to 300 s, when that is
    longer), ``timeout``
    (seconds per attempt), ``cache`` (a :class:`JudgeCache`, a path, or None), ``prices``
    (:class:`Prices`), ``seed`` (the jitter's seed; the sampling seed is a call parameter).
    """

    def __init__(self, model: str, *, concurrency: int = 4,
                 requests_per_minute: Optional[float] = None,
                 tokens_per_minute: Optional[float] = None, max_retries: int = 4,
                 backoff: float = 0.5, max_backoff: float = 30.0, timeout: float = 60.0,
                 cache: Union[JudgeCache, str, os.PathLike, None] = None,
                 prices: Optional[Prices] = None, seed: Optional[int] = None):
        from .._core import PrecisError

        if concurrency < 1:
            raise PrecisError("[precis.invalid_argument] concurrency must be at least 1")
        if max_retries < 0 or timeout <= 0 or backoff < 0:
            raise PrecisError("[precis.invalid_argument] max_retries >= 0, timeout > 0 and "
                              "backoff >= 0 are required")
        self.model = model
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.cache = JudgeCache(cache) if isinstance(cache, (str, os.PathLike)) else cache
        self.prices = prices or Prices()
        self.limiter = (RateLimiter(requests_per_minute, tokens_per_minute)
                        if requests_per_minute or tokens_per_minute else None)
        self._random = random.Random(seed)
        self._usage = Usage()
        self._usage_lock = threading.Lock()
        self._runner: Optional[_LoopThread] = None
        self._runner_lock = threading.Lock()
        self._semaphore: Optional[asyncio.Semaphore] = None
        self._in_flight: dict = {}  # cache key -> future of the call answering it

    # -- the loop ---------------------------------------------------------------------------

    @property
    def runner(self) -> _LoopThread:
        with self._runner_lock:
            if self._runner is None:
                self._runner = _LoopThread()
            return self._runner

    def run(self, coro):
        """Runs a coroutine on this model's loop and waits for it (from any thread)."""
        return self.runner.run(coro)

    async def arun(self, coro):
        """Awaits a coroutine run on this model's loop, from another event loop."""
        return await asyncio.wrap_future(self.runner.submit(coro))

    def close(self) -> None:
        """Stops the background loop (and closes connections)."""
        if self._runner is not None:
            try:
                self.run(self._aclose())
            finally:
                self._runner.stop()
                self._runner = None

    async def _aclose(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- accounting ---------------------------------------------------------------------------

    @property
    def usage(self) -> Usage:
        """A snapshot of the totals so far."""
        with self._usage_lock:
            return dataclasses.replace(self._usage)

    def _count(self, **deltas: float) -> None:
        with self._usage_lock:
            for name, delta in deltas.items():
                setattr(self._usage, name, getattr(self._usage, name) + delta)

    # -- calls --------------------------------------------------------------------------------

    def complete(self, messages: Sequence[Mapping[str, Any]], **params: Any) -> Completion:
        """One chat completion (synchronous); see :meth:`acomplete`."""
        return self.run(self._complete(list(messages), params))

    async def acomplete(self, messages: Sequence[Mapping[str, Any]], **params: Any) -> Completion:
        """One chat completion. ``params``: ``temperature`` (0), ``max_tokens`` (256), ``seed``,
        ``logprobs`` (False), ``top_logprobs`` (0), ``schema`` (a JSON Schema the endpoint may
        enforce), ``template`` (``name@version``, for the cache key only), ``sample`` (the
        sample index, for the cache key only). Raises :class:`JudgeError`."""
        return await self.arun(self._complete(list(messages), params))

    async def _complete(self, messages: list, params: dict) -> Completion:
        params = dict(params)
        template = str(params.pop("template", ""))
        call = {"temperature": 0.0, "max_tokens": 256, "seed": None, "logprobs": False,
                "top_logprobs": 0, "schema": None, "sample": 0}
        unknown = set(params) - set(call)
        if unknown:
            from .._core import PrecisError

            raise PrecisError(f"[precis.invalid_argument] unknown call parameters: "
                              f"{', '.join(sorted(unknown))}")
        call.update(params)
        key = None
        if self.cache is not None:
            key = JudgeCache.key(self.model, template, call, messages)
            hit = self.cache.get(key)
            if hit is None and key in self._in_flight:
                # The same call is on its way (a batch with duplicate rows): its answer, once,
                # so that a first run and its cached re-run score those rows alike.
                try:
                    hit = dataclasses.replace(await asyncio.shield(self._in_flight[key]))
                except JudgeError:
                    hit = None  # it failed: this call tries on its own
            if hit is not None:
                hit.cached = True
                self._count(cache_hits=1, cached_prompt_tokens=hit.prompt_tokens,
                            cached_completion_tokens=hit.completion_tokens,
                            saved_cost=self.prices.cost(hit.prompt_tokens,
                                                        hit.completion_tokens))
                return hit
            self._in_flight[key] = asyncio.get_running_loop().create_future()
        try:
            if self._semaphore is None:
                self._semaphore = asyncio.Semaphore(self.concurrency)
            async with self._semaphore:
                completion = await self._with_retries(messages, call)
        except BaseException as e:
            if key is not None:
                future = self._in_flight.pop(key, None)
                if future is not None and not future.done():
                    if isinstance(e, JudgeError):
                        future.set_exception(e)
                        future.exception()  # retrieved: no "never retrieved" warning
                    else:
                        future.cancel()
            raise
        self._count(calls=1, prompt_tokens=completion.prompt_tokens,
                    completion_tokens=completion.completion_tokens,
                    cost=self.prices.cost(completion.prompt_tokens, completion.completion_tokens))
        if key is not None:
            if completion.refusal is None:
                self.cache.put(key, self.model, template, completion)
            future = self._in_flight.pop(key, None)
            if future is not None and not future.done():
                future.set_result(completion)
        return completion

    async def _with_retries(self, messages: list, call: dict) -> Completion:
        attempt = 0
        while True:
            entry = None
            if self.limiter is not None:
                entry = await self.limiter.acquire(_estimate_tokens(messages, call["max_tokens"]))
            self._count(attempts=1)
            try:
                completion = await asyncio.wait_for(self._request(messages, call), self.timeout)
            except (TransientError, asyncio.TimeoutError) as e:
                if isinstance(e, asyncio.TimeoutError):
                    e = TransientError(f"timed out after {self.timeout:g} s")
                if attempt >= self.max_retries:
                    self._count(failures=1)
                    raise JudgeError(f"{e} (gave up after {attempt + 1} attempts)") from None
                cap = min(self.max_backoff, self.backoff * 2 ** attempt)
                wait = self._random.uniform(0, cap)
                if e.retry_after is not None:  # the server's word, up to five minutes
                    wait = max(wait, min(e.retry_after, 300.0))
                attempt += 1
                await asyncio.sleep(wait)
                continue
            except JudgeError:
                self._count(failures=1)
                raise
            if entry is not None:
                RateLimiter.settle(entry, completion.prompt_tokens + completion.completion_tokens)
            return completion

    async def _request(self, messages: list, call: dict) -> Completion:
        raise NotImplementedError


def _retry_after(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class OpenAIClient(ChatModel):
    """A client of an OpenAI-compatible ``/chat/completions`` endpoint (OpenAI, vLLM, llama.cpp's
    server, Ollama, LiteLLM, ...), on httpx.

    ``base_url`` ends before ``/chat/completions`` (e.g. ``http://127.0.0.1:8080/v1``); the API key
    is read from the environment variable ``api_key_env`` (``OPENAI_API_KEY``; none is sent when
    it is unset). ``response_format``: ``"json_schema"`` (OpenAI's structured outputs: the
    endpoint enforces the judge's schema), ``"json_object_schema"`` (``{"type": "json_object",
    "schema": ...}``, as llama-cpp-python's server takes a schema), ``"json_object"`` (JSON mode,
    no schema) or None (plain text). The answer is parsed and validated strictly in every case.
    ``system_role=False`` folds the system message into the first user message, for chat
    templates without a system role (Gemma). Other keyword arguments: :class:`ChatModel`.
    """

    def __init__(self, model: str, *, base_url: str = "https://api.openai.com/v1",
                 api_key_env: str = "OPENAI_API_KEY", response_format: Optional[str] = "json_schema",
                 system_role: bool = True, **options: Any):
        super().__init__(model, **options)
        if response_format not in ("json_schema", "json_object_schema", "json_object", None):
            from .._core import PrecisError

            raise PrecisError("[precis.invalid_argument] response_format must be json_schema, "
                              "json_object_schema, json_object or None")
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.response_format = response_format
        self.system_role = system_role
        self._http = None

    async def _aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self):
        if self._http is None:
            import httpx

            headers = {"Content-Type": "application/json"}
            key = os.environ.get(self.api_key_env) if self.api_key_env else None
            if key:
                headers["Authorization"] = f"Bearer {key}"
            limits = httpx.Limits(max_connections=self.concurrency,
                                  max_keepalive_connections=self.concurrency)
            self._http = httpx.AsyncClient(headers=headers, limits=limits, timeout=self.timeout)
        return self._http

    def body(self, messages: list, call: Mapping[str, Any]) -> dict:
        """The request body of one call."""
        if not self.system_role and messages and messages[0].get("role") == "system":
            rest = [dict(m) for m in messages[1:]]
            first_user = next((m for m in rest if m.get("role") == "user"), None)
            if first_user is None:
                rest.insert(0, {"role": "user", "content": messages[0]["content"]})
            else:
                first_user["content"] = f"{messages[0]['content']}\n\n{first_user['content']}"
            messages = rest
        body: dict = {"model": self.model, "messages": messages,
                      "temperature": call["temperature"], "max_tokens": call["max_tokens"]}
        if call["seed"] is not None:
            body["seed"] = call["seed"]
        if call["logprobs"]:
            body["logprobs"] = True
            if call["top_logprobs"]:
                body["top_logprobs"] = call["top_logprobs"]
        schema = call["schema"]
        if schema is not None and self.response_format == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "answer", "schema": schema}}
        elif schema is not None and self.response_format == "json_object_schema":
            body["response_format"] = {"type": "json_object", "schema": schema}
        elif schema is not None and self.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    async def _request(self, messages: list, call: dict) -> Completion:
        import httpx

        try:
            response = await self._client().post(f"{self.base_url}/chat/completions",
                                                 json=self.body(messages, call))
        except httpx.TimeoutException:
            raise TransientError(f"timed out after {self.timeout:g} s") from None
        except httpx.TransportError as e:  # refused, reset, closed mid-response
            raise TransientError(f"connection failed ({type(e).__name__}: {e})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientError(f"HTTP {status}: {response.text[:200]}",
                                 _retry_after(response.headers.get("retry-after")))
        if status >= 400:
            raise JudgeError(f"HTTP {status}: {response.text[:500]}")
        try:
            body = response.json()
        except ValueError:
            raise TransientError(f"response body is not JSON: {response.text[:200]!r}") from None
        return completion_from_openai(body)


class CallableModel(ChatModel):
    """Your own function as the model: ``fn(messages)`` or ``fn(messages, params)``, sync or async,
    returning the answer's text, a :class:`Completion`, or an OpenAI-shaped response dict.
    ``params`` holds ``temperature``, ``max_tokens``, ``seed``, ``logprobs``, ``top_logprobs``,
    ``schema``. Sync functions run in a thread pool of ``concurrency`` threads. Exceptions it
    raises are row errors (:class:`TransientError` is retried)."""

    def __init__(self, fn: Callable[..., Any], *, model: Optional[str] = None, **options: Any):
        super().__init__(model or getattr(fn, "__qualname__", type(fn).__name__), **options)
        self.fn = fn
        try:
            positional = [p for p in inspect.signature(fn).parameters.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
            self._takes_params = len(positional) >= 2 or any(
                p.kind == p.VAR_POSITIONAL for p in positional)
        except (TypeError, ValueError):
            self._takes_params = False
        self._pool: Optional[concurrent.futures.ThreadPoolExecutor] = None

    async def _aclose(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    async def _request(self, messages: list, call: dict) -> Completion:
        args = (messages, {k: v for k, v in call.items() if k != "sample"}) \
            if self._takes_params else (messages,)
        try:
            if inspect.iscoroutinefunction(self.fn) or inspect.iscoroutinefunction(
                    getattr(self.fn, "__call__", None)):
                out = await self.fn(*args)
            else:
                if self._pool is None:
                    self._pool = concurrent.futures.ThreadPoolExecutor(self.concurrency)
                out = await asyncio.get_running_loop().run_in_executor(self._pool,
                                                                        lambda: self.fn(*args))
                if inspect.isawaitable(out):
                    out = await out
        except JudgeError:
            raise
        except Exception as e:
            raise JudgeError(f"model function raised {type(e).__name__}: {e}") from None
        if isinstance(out, Completion):
            return out
        if isinstance(out, str):
            return Completion(text=out)
        if isinstance(out, Mapping):
            return completion_from_openai(out)
        raise JudgeError(f"model function returned {type(out).__name__} (expected str, "
                         "Completion or an OpenAI-shaped dict)")


def as_model(model: Union[ChatModel, Callable[..., Any]], **options: Any) -> ChatModel:
    """A :class:`ChatModel` as given, or a user callable wrapped in :class:`CallableModel`."""
    if isinstance(model, ChatModel):
        return model
    if callable(model):
        return CallableModel(model, **options)
    from .._core import PrecisError

    raise PrecisError("[precis.invalid_argument] model must be a ChatModel (e.g. OpenAIClient) or "
                      "a callable")
