"""PulseAudio streams through libpulse-simple (ctypes): playback with instant cuts, and capture.

Why not PortAudio for output: through ALSA's PulseAudio bridge, audio already handed to the
server cannot be taken back, so a cut waits for the buffer to play out, and a small buffer
(for fast cuts) underran on this 2-core machine. A native stream can hold a safe 50 ms and
still fall silent at once, because `pa_simple_flush` drops what the server has not played.
With no prebuffer, an underrun never delays later cues. PipeWire serves the same API through
pipewire-pulse.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time

import numpy as np

from coach.audio.chunk import Chunk
from coach.errors import DeviceError

PA_STREAM_PLAYBACK = 1
PA_STREAM_RECORD = 2
PA_SAMPLE_S16LE = 3
NO_PULSE = ("no audio output: PulseAudio is not running or not reachable ({detail}); "
            "use --text to follow the session on screen.")


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32), ("channels", ctypes.c_uint8)]


class _BufferAttr(ctypes.Structure):
    _fields_ = [("maxlength", ctypes.c_uint32), ("tlength", ctypes.c_uint32), ("prebuf", ctypes.c_uint32),
                ("minreq", ctypes.c_uint32), ("fragsize", ctypes.c_uint32)]


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("pulse-simple") or "libpulse-simple.so.0"
    try:
        lib = ctypes.CDLL(name)
        pulse = ctypes.CDLL(ctypes.util.find_library("pulse") or "libpulse.so.0")
    except OSError:
        raise DeviceError("PulseAudio's client library is missing (apt install libpulse0); "
                          "use --text to follow the session on screen.") from None
    lib.pa_simple_new.restype = ctypes.c_void_p
    lib.pa_simple_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                  ctypes.c_char_p, ctypes.POINTER(_SampleSpec), ctypes.c_void_p,
                                  ctypes.POINTER(_BufferAttr), ctypes.POINTER(ctypes.c_int)]
    for name in ("pa_simple_write", "pa_simple_read"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_int)]
    for name in ("pa_simple_flush", "pa_simple_drain"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    lib.pa_simple_get_latency.restype = ctypes.c_uint64
    lib.pa_simple_get_latency.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    lib.pa_simple_free.argtypes = [ctypes.c_void_p]
    pulse.pa_strerror.restype = ctypes.c_char_p
    pulse.pa_strerror.argtypes = [ctypes.c_int]
    lib.strerror = pulse.pa_strerror
    return lib


class PulseStream:
    """A mono 16-bit playback stream holding about `target_seconds` of audio in the server."""

    def __init__(self, rate: int, target_seconds: float, block_seconds: float, name: str = "coach",
                 device: str | None = None):
        self._lib = _library()
        self.rate = rate
        spec = _SampleSpec(PA_SAMPLE_S16LE, rate, 1)
        bytes_per_second = rate * 2
        attr = _BufferAttr(maxlength=0xFFFFFFFF, tlength=int(target_seconds * bytes_per_second),
                           prebuf=0, minreq=int(block_seconds * bytes_per_second), fragsize=0xFFFFFFFF)
        error = ctypes.c_int(0)
        self._handle = self._lib.pa_simple_new(None, name.encode(), PA_STREAM_PLAYBACK,
                                               device.encode() if device else None, b"speech",
                                               ctypes.byref(spec), None, ctypes.byref(attr), ctypes.byref(error))
        if not self._handle:
            raise DeviceError(NO_PULSE.format(detail=self._message(error)))
        self._dead = False

    def write(self, pcm: bytes) -> None:
        """Blocks until the server has room: this is what paces the writer."""
        self._call(self._lib.pa_simple_write, pcm, len(pcm))

    def flush(self) -> None:
        """Drop everything the server has not played yet."""
        self._call(self._lib.pa_simple_flush)

    def latency(self) -> float:
        error = ctypes.c_int(0)
        return self._lib.pa_simple_get_latency(self._handle, ctypes.byref(error)) / 1e6

    def abandon(self) -> None:
        """A writer is stuck in this stream: close() must not free it under that writer."""
        self._dead = True

    def close(self) -> None:
        if self._handle and not self._dead:  # freeing a stream whose server died can block for ever
            self._lib.pa_simple_free(self._handle)
        self._handle = None

    def _call(self, function, *args) -> None:
        error = ctypes.c_int(0)
        if function(self._handle, *args, ctypes.byref(error)) < 0:
            self._dead = True
            raise DeviceError(f"audio output failed: {self._message(error)}")

    def _message(self, error: ctypes.c_int) -> str:
        return _message(self._lib, error)


PA_ERR_NOENTITY = 5
NO_MICROPHONE = "no microphone: PulseAudio has no input to record from ({detail})"


class PulseCapture:
    """A mono 16-bit capture stream from the default source, read in blocks of `block_seconds`."""

    def __init__(self, rate: int, block_seconds: float, name: str = "coach", device: str | None = None):
        from coach.audio.echo import default_is_monitor

        if device is None and default_is_monitor():
            raise DeviceError(NO_MICROPHONE.format(detail="its only input is the speaker's monitor"))
        self._lib = _library()
        self.rate = rate
        spec = _SampleSpec(PA_SAMPLE_S16LE, rate, 1)
        self.block_bytes = int(rate * block_seconds) * 2
        attr = _BufferAttr(maxlength=0xFFFFFFFF, tlength=0xFFFFFFFF, prebuf=0xFFFFFFFF, minreq=0xFFFFFFFF,
                           fragsize=self.block_bytes)
        error = ctypes.c_int(0)
        self._handle = self._lib.pa_simple_new(None, name.encode(), PA_STREAM_RECORD,
                                               device.encode() if device else None, b"commands",
                                               ctypes.byref(spec), None, ctypes.byref(attr), ctypes.byref(error))
        if not self._handle:
            if device and error.value == PA_ERR_NOENTITY:
                raise DeviceError(_no_such_input(device))
            raise DeviceError(NO_MICROPHONE.format(detail=_message(self._lib, error)))
        self._dead = False

    def latency(self) -> float:
        """Seconds between a sound reaching the source and its being read here."""
        error = ctypes.c_int(0)
        return self._lib.pa_simple_get_latency(self._handle, ctypes.byref(error)) / 1e6

    def read(self) -> Chunk:
        """The next block; blocks until it has been recorded."""
        buffer = ctypes.create_string_buffer(self.block_bytes)
        error = ctypes.c_int(0)
        if self._lib.pa_simple_read(self._handle, buffer, self.block_bytes, ctypes.byref(error)) < 0:
            self._dead = True
            raise DeviceError(f"the microphone stopped working: {_message(self._lib, error)}")
        heard_at = time.monotonic() - self.latency() - self.block_bytes / 2 / self.rate
        return Chunk(np.frombuffer(buffer.raw, np.int16), self.rate, heard_at)

    def abandon(self) -> None:
        """The server is gone (another stream failed): close() will not wait for it."""
        self._dead = True

    def close(self) -> None:
        if self._handle and not self._dead:  # freeing a stream whose server died can block for ever
            self._lib.pa_simple_free(self._handle)
        self._handle = None


def _no_such_input(device: str) -> str:
    from coach.audio.echo import source_names

    names = sorted(source_names() or (), key=lambda name: (name.endswith(".monitor"), name))
    listed = f"; the inputs are: {', '.join(names)}" if names else ""
    return f'no sound input named "{device}"{listed} (`pactl list short sources`)'


def _message(lib: ctypes.CDLL, error: ctypes.c_int) -> str:
    return (lib.strerror(error.value) or b"unknown error").decode("utf-8", "replace")
