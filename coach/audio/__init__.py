"""Audio adapters: speech out, playback, capture and recognition."""
