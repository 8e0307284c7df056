"""llama-cpp-python's OpenAI-compatible server with affordable log-probabilities.

    python -m precis.judge.llama_server --model gemma.gguf --chat_format gemma [server options]

This is ``python -m llama_cpp.server`` (the same FastAPI app, options, chat formats and JSON
Schema grammars), except for how a completion's log-probabilities are computed. llama-cpp-python
0.3.36 serves ``logprobs`` only for a model loaded with ``logits_all=True``, which

- makes llama.cpp compute the output layer (262,144 logits for Gemma 3) for every prompt
  position, not only the last one,
- copies all those logits into a NumPy array of ``n_ctx x n_vocab`` floats after each decode,
- then, for the answer, takes the log-softmax of every row of that array (prompt included) and
  sorts the whole vocabulary in Python for every generated token.

Profiled on a 741-token G-Eval prompt with one llama thread: 48.7 s per call, of which 21.5 s
decode (11.9 s without the prompt's logits), 15.4 s log-softmax over all rows, 7.5 s copying
logits, 3.1 s sorting; 12.4 s without log-probabilities (docs/judge/index.md).

Log-probabilities of the generated tokens need only the logits llama.cpp computes anyway to
sample each token. :class:`SampledRowLlama` is a ``llama_cpp.Llama`` loaded with
``logits_all=False`` that, when a completion asks for ``logprobs``, reads the row of logits each
token was sampled from (``llama_get_logits_ith``, after sampling: the raw logits, before the
grammar or any penalty), takes its log-softmax and the top ``logprobs`` alternatives
(``numpy.argpartition``), and answers in llama-cpp-python's own completion format, so its chat
endpoint converts them to OpenAI's ``choices[0].logprobs.content`` as before. The values are
the ones llama-cpp-python computes with ``logits_all=True`` (tests/python/test_judge_local.py
compares the two). Not served: log-probabilities of the prompt (``echo``) and of a streamed
answer (both raise a ``ValueError``: the endpoint answers with an error).
"""

from __future__ import annotations

import functools
import sys
from typing import Any, List, Optional

__all__ = ["SampledRowLlama", "main"]


@functools.lru_cache(maxsize=None)
def _llama_class():
    import llama_cpp
    import numpy as np

    class SampledRowLlama(llama_cpp.Llama):
        """A ``llama_cpp.Llama`` whose completions give log-probabilities of the generated tokens
        from the logits each was sampled from, without ``logits_all``."""

        _recording: Optional[List[tuple]] = None
        _top: int = 0

        def sample(self, *args: Any, **kwargs: Any) -> int:
            token = super().sample(*args, **kwargs)
            if self._recording is not None:
                idx = kwargs.get("idx")
                row = idx - self.n_tokens if idx is not None else -1
                pointer = self._ctx.get_logits_ith(row)
                logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
                # llama-cpp-python's own log-softmax (float32), on this one row.
                logprobs = llama_cpp.Llama.logits_to_logprobs(logits)
                k = min(self._top, logprobs.shape[0])
                top = np.argpartition(logprobs, -k)[-k:] if k else np.empty(0, dtype=np.int64)
                # Highest first; ties by the higher token id first, as llama-cpp-python's
                # sorted(zip(logprob, id), reverse=True) orders them.
                top = top[np.lexsort((-top, -logprobs[top]))]
                self._recording.append(
                    (int(token), float(logprobs[token]),
                     [(int(i), float(logprobs[i])) for i in top]))
            return token

        def create_completion(self, prompt: Any, *args: Any, **kwargs: Any) -> Any:
            logprobs = kwargs.get("logprobs")
            if logprobs is None:
                return super().create_completion(prompt, *args, **kwargs)
            if kwargs.get("stream"):
                raise ValueError("logprobs of a streamed answer are not served here "
                                 "(precis.judge.llama_server); ask without stream")
            if kwargs.get("echo"):
                raise ValueError("logprobs of the prompt (echo) are not served here "
                                 "(precis.judge.llama_server): they need logits_all")
            kwargs["logprobs"] = None
            self._recording, self._top = [], int(logprobs)
            try:
                completion = super().create_completion(prompt, *args, **kwargs)
                steps = self._recording
            finally:
                self._recording = None
            choice = completion["choices"][0]
            choice["logprobs"] = self._completion_logprobs(choice["text"], steps, len(prompt))
            return completion

        def _completion_logprobs(self, text: str, steps: List[tuple], base: int) -> dict:
            """llama-cpp-python's completion logprobs (tokens, text_offset, token_logprobs,
            top_logprobs) for the sampled steps that make up ``text``: the tokens up to the
            text's end (not an end-of-turn token sampled after it, nor what a stop sequence
            cut). Offsets count from ``base`` (the prompt's length, as llama-cpp-python's)."""
            def piece(token: int) -> str:
                return self.detokenize([token]).decode("utf-8", errors="ignore")

            tokens, offsets, chosen, tops = [], [], [], []
            offset = 0
            for token, logprob, top in steps:
                if offset >= len(text):
                    break
                string = piece(token)[: len(text) - offset]
                alternatives = {piece(i): lp for i, lp in top}
                alternatives[string] = logprob
                tokens.append(string)
                offsets.append(base + offset)
                chosen.append(logprob)
                tops.append(alternatives)
                offset += len(string)
            return {"tokens": tokens, "text_offset": offsets, "token_logprobs": chosen,
                    "top_logprobs": tops}

    return SampledRowLlama


def __getattr__(name: str) -> Any:
    if name == "SampledRowLlama":  # importing llama_cpp only when asked
        return _llama_class()
    raise AttributeError(name)


def main(argv: Optional[List[str]] = None) -> None:
    """Runs llama-cpp-python's server (its command line) with :class:`SampledRowLlama`."""
    import llama_cpp

    import llama_cpp.server.__main__ as server_main

    # llama_cpp.server.model builds its model as ``llama_cpp.Llama(...)``: in this process
    # (which only serves), that name is the subclass.
    llama_cpp.Llama = _llama_class()
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    server_main.main()


if __name__ == "__main__":
    main()
