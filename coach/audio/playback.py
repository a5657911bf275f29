"""An interruptible player: one open output stream, fed clip by clip, silent the moment it is cut.

A writer thread feeds the stream in short blocks, speech when there is a clip and silence when
there is none, so a cue starts without opening a device. `cut()` empties the queue and has the
writer drop what the server still holds, so the sink falls silent within one block.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass

import numpy as np

from coach.audio.clip import Clip
from coach.audio.pulse import PulseStream
from coach.errors import DeviceError
from coach.events import Playback, PlaybackEvent

# Audio held by the sound server. 50 ms rode out the scheduling hiccups of a busy 2-core machine
# here without underruns; a cut drops it, so it does not add to stop latency.
TARGET_SECONDS = 0.05
# Audio written at a time: how long a cut can wait for the writer (10 ms).
BLOCK_SECONDS = 0.01
# A new stream on an idle sink may wait for the sink to play out what it buffered while idle;
# the first cue waits (up to the time-out) until audio is consumed in real time.
WARMUP_WINDOW = 0.1
WARMUP_TIMEOUT = 3.0
# A write that has not returned for this long means the server stopped taking audio without
# failing the stream (seen here when the microphone an echo canceller hung on was removed): the
# output is lost. Longer than the warm-up, which can legitimately block up to 2 s.
STALL_SECONDS = 4.0
STALLED = "the speaker stopped taking audio"


@dataclass(frozen=True, eq=False)
class Stretch:
    """What the player is saying since it last started: a clip's text from where it started or
    went on after a hold, and how long that part lasts. Each is its own (compared by identity):
    the same line said twice in a row is two stretches."""

    text: str
    seconds: float


class Player:
    def __init__(self, rate: int, volume: float = 1.0, device: str | None = None):
        self.rate = rate
        self.volume = volume
        self._block = max(1, int(rate * BLOCK_SECONDS))
        self._lock = threading.Lock()
        self._queue: collections.deque[tuple[str, np.ndarray]] = collections.deque()
        self._current: tuple[str, np.ndarray, int] | None = None
        self._stretch: Stretch | None = None
        self._events: collections.deque[PlaybackEvent] = collections.deque()
        self._flush_pending = False
        self._held_until = 0.0
        self._closed = False
        self._failure: str | None = None
        self._frames_written = 0
        self._latency = 0.0
        self._writing_since: float | None = None
        self._stream = PulseStream(rate, TARGET_SECONDS, BLOCK_SECONDS, device=device)
        self._thread = threading.Thread(target=self._write_loop, name="coach-playback", daemon=True)
        self._thread.start()

    def play(self, clip: Clip, tag: str, volume: float = 1.0) -> None:
        """Queue `clip` at the player's volume times `volume` (a cue's own level, for fades)."""
        if clip.rate != self.rate:
            raise ValueError(f"clip at {clip.rate} Hz given to a {self.rate} Hz player")
        gain = self.volume * volume
        samples = clip.samples if gain >= 1.0 else (clip.samples * gain).astype(np.int16)
        with self._lock:
            self._queue.append((tag, samples))

    def cut(self) -> bool:
        """Silence within one block; True if something was playing or queued."""
        with self._lock:
            was_busy = self._current is not None or bool(self._queue)
            if self._current is not None:
                self._events.append(PlaybackEvent(Playback.CUT, self._current[0], time.monotonic()))
            self._current = None
            self._stretch = None
            self._queue.clear()
            self._flush_pending = was_busy
            self._held_until = 0.0
        return was_busy

    def hold(self, seconds: float) -> None:
        """Fall silent at once for up to `seconds`, keeping the place, and start nothing new: then
        (or on release()) go on from the first word not yet heard. A hold that is never released
        cannot silence the coach for long."""
        with self._lock:
            if not self._held and self._current is not None:
                self._flush_pending = True
                tag, samples, offset = self._current  # the flush drops what the server holds: say it again
                back = int(self.rate * TARGET_SECONDS) + self._block
                self._current = (tag, samples, max(0, offset - back))
            self._stretch = None
            self._held_until = time.monotonic() + seconds

    def release(self) -> None:
        with self._lock:
            self._held_until = 0.0

    @property
    def _held(self) -> bool:
        return time.monotonic() < self._held_until

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._current is not None or bool(self._queue)

    @property
    def audible(self) -> Stretch | None:
        """What is going out now, or None when nothing is (idle or held)."""
        with self._lock:
            if self._held or self._current is None:
                return None
            return self._stretch

    @property
    def frames_written(self) -> int:
        """Frames handed to the sound server so far, silence included."""
        return self._frames_written

    @property
    def failure(self) -> str | None:
        """Why the output stopped working, or None while it works."""
        writing_since = self._writing_since
        if self._failure is None and writing_since is not None and \
                time.monotonic() - writing_since > STALL_SECONDS:
            return STALLED
        return self._failure

    def events(self) -> list[PlaybackEvent]:
        """Starts, ends and cuts of clips since the last call."""
        with self._lock:
            drained = list(self._events)
            self._events.clear()
        return drained

    def wait_until_flowing(self) -> bool:
        """Wait until the stream takes audio in real time; False if it did not within the time-out."""
        deadline = time.monotonic() + WARMUP_TIMEOUT
        while time.monotonic() < deadline and self.failure is None:
            before, start = self._frames_written, time.monotonic()
            time.sleep(WARMUP_WINDOW)
            if (self._frames_written - before) / self.rate >= 0.8 * (time.monotonic() - start):
                return True
        return False

    def close(self) -> None:
        self._closed = True
        self._thread.join(timeout=1.0)
        if self._thread.is_alive():
            self._stream.abandon()
        self._stream.close()

    def _write_loop(self) -> None:
        try:
            while not self._closed:
                if self._current is None and self._queue:
                    self._latency = self._stream.latency()  # what the clip about to start will wait
                block, flush = self._next_block()
                if flush:
                    self._stream.flush()
                self._writing_since = time.monotonic()
                self._stream.write(block)
                self._writing_since = None
                self._frames_written += self._block
        except DeviceError as error:
            self._failure = str(error)

    def _next_block(self) -> tuple[bytes, bool]:
        out = np.zeros(self._block, dtype=np.int16)
        filled = 0
        with self._lock:
            flush, self._flush_pending = self._flush_pending, False
            while filled < self._block and not self._held:
                if self._current is None:
                    if not self._queue:
                        break
                    tag, samples = self._queue.popleft()
                    self._current = (tag, samples, 0)
                    self._events.append(PlaybackEvent(Playback.START, tag, time.monotonic(), self._latency))
                tag, samples, offset = self._current
                if self._stretch is None:
                    self._stretch = stretch_from(tag, samples, offset, self.rate)
                take = min(self._block - filled, len(samples) - offset)
                out[filled:filled + take] = samples[offset:offset + take]
                filled += take
                offset += take
                if offset >= len(samples):
                    self._events.append(PlaybackEvent(Playback.END, tag, time.monotonic()))
                    self._current = None
                    self._stretch = None
                else:
                    self._current = (tag, samples, offset)
        return out.tobytes(), flush


def stretch_from(text: str, samples: np.ndarray, offset: int, rate: int) -> Stretch:
    """The words of `text` from `offset` on (from the word that sample falls in, the letters
    spread evenly over the samples), and the seconds left."""
    at_letter = len(text) * offset // max(1, len(samples))
    return Stretch(text[text.rfind(" ", 0, at_letter) + 1:], (len(samples) - offset) / rate)
