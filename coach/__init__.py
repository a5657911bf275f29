"""coach: an offline, hands-free, voice-guided exercise coach for back pain."""

__version__ = "0.1.0"
