"""Google's speech embedding: 16 kHz audio in, one 96-number summary of the sound every 80 ms out.

The model (coach/audio/models/speech-embedding.onnx, see models/README.md) was trained by Google on
a large body of real speech; coach trains only a small classifier on top of it. It runs on
onnxruntime, on one thread: a 12,400-sample window (0.775 s) gives one embedding, and each further
1,280 samples (80 ms) one more. An embedding depends on its window alone, so embeddings computed
a few at a time as audio arrives equal those of the whole file: a file replayed in chunks is heard
exactly as the live microphone would hear it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.errors import DeviceError

WINDOW = 12400
STEP = 1280
SIZE = 96
MODEL = Path(__file__).with_name("models") / "speech-embedding.onnx"


class SpeechEmbedding:
    def __init__(self) -> None:
        try:
            import onnxruntime
        except ImportError:
            raise DeviceError("onnxruntime is not installed (pip install onnxruntime); use keys instead.") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(MODEL), options, providers=["CPUExecutionProvider"])

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """(n, 96) embeddings of int16 samples; embedding k covers samples [k*STEP, k*STEP + WINDOW)."""
        if len(samples) < WINDOW:
            return np.empty((0, SIZE), np.float32)
        audio = (samples.astype(np.float32) / 32768.0)[None, :]
        return self._session.run(None, {"samples:0": audio})[0][0, :, 0, :]
