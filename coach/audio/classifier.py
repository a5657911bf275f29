"""The command classifier: a few small networks over the last 16 speech embeddings, run with
numpy, their probabilities averaged.

Its weights (models/commands.npz) are trained by training/train.py; this module only runs them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

WEIGHTS = Path(__file__).with_name("models") / "commands.npz"


def model_classes(path: Path = WEIGHTS) -> tuple[str, ...]:
    """The classes of the weights in `path`, without loading the networks."""
    with np.load(path) as weights:
        return tuple(str(c) for c in weights["classes"])


class CommandModel:
    def __init__(self, path: Path = WEIGHTS) -> None:
        with np.load(path) as weights:
            self.classes = tuple(str(c) for c in weights["classes"])
            self.context = int(weights["context"])
            self.centre = bool(weights["centre"])
            self._members = [_layers(weights, f"m{k}_") for k in range(int(weights["members"]))]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Class probabilities for each window of `context` embeddings, given (windows, context, 96)."""
        return self.classify(self.prepared(embeddings))

    def classify(self, prepared: np.ndarray) -> np.ndarray:
        """Class probabilities of windows already prepared()."""
        return np.mean([_softmax(_scores(prepared, layers)) for layers in self._members], axis=0)

    def prepared(self, embeddings: np.ndarray) -> np.ndarray:
        """The windows as the networks see them: each embedding of unit length, and the window's
        mean taken away (what stays the same over it, the voice and the room, says nothing of the word)."""
        x = embeddings / (np.linalg.norm(embeddings, axis=-1, keepdims=True) + 1e-6)
        return x - x.mean(axis=1, keepdims=True) if self.centre else x


def _layers(weights, prefix: str) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(weight, bias, dilation) of each layer; dilation 0 for a dense layer."""
    count = sum(1 for key in weights if key.startswith(f"{prefix}b"))
    return [(weights[f"{prefix}w{n}"].astype(np.float32), weights[f"{prefix}b{n}"],
             int(weights[f"{prefix}dilation{n}"]) if f"{prefix}dilation{n}" in weights else 0) for n in range(count)]


def _scores(x: np.ndarray, layers: list) -> np.ndarray:
    """Runs (windows, time, features) through the layers: convolutions over time, then dense ones
    on the flattened result (flattened feature by feature, as torch does after a convolution)."""
    convolved = False
    for n, (weight, bias, dilation) in enumerate(layers):
        if dilation:
            width = weight.shape[0]
            taps = sliding_window_view(x, (width - 1) * dilation + 1, axis=1)[..., ::dilation]  # (w, t, in, width)
            x = np.einsum("ntiw,wio->nto", taps, weight) + bias
            convolved = True
        else:
            if x.ndim == 3:
                x = (x.transpose(0, 2, 1) if convolved else x).reshape(len(x), -1)
            x = x @ weight + bias
        if n < len(layers) - 1:
            x = np.maximum(x, 0.0)
    return x


def _softmax(x: np.ndarray) -> np.ndarray:
    x = np.exp(x - x.max(axis=1, keepdims=True))
    return x / x.sum(axis=1, keepdims=True)
