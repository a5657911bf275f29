"""The command classifier: a small network over the last 16 speech embeddings, run with numpy.

Its weights (models/commands.npz) are trained by training/train.py; this module only runs them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).with_name("models") / "commands.npz"


class CommandModel:
    def __init__(self, path: Path = WEIGHTS) -> None:
        with np.load(path) as weights:
            self.classes = tuple(str(c) for c in weights["classes"])
            self.context = int(weights["context"])
            self.centre = bool(weights["centre"]) if "centre" in weights else False
            self._layers = [(weights[f"w{n}"], weights[f"b{n}"]) for n in range(sum(k[0] == "w" and k[1:].isdigit() for k in weights))]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Class probabilities for each window of `context` embeddings, given (windows, context, 96)."""
        x = embeddings / (np.linalg.norm(embeddings, axis=-1, keepdims=True) + 1e-6)
        if self.centre:  # what stays the same over the window (voice, room) says nothing of the word
            x = x - x.mean(axis=1, keepdims=True)
        x = x.reshape(len(x), -1)
        for n, (weight, bias) in enumerate(self._layers):
            x = x @ weight + bias
            if n < len(self._layers) - 1:
                x = np.maximum(x, 0.0)
        x = np.exp(x - x.max(axis=1, keepdims=True))
        return x / x.sum(axis=1, keepdims=True)
