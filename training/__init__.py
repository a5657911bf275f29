"""Builds and trains coach's command model (not installed with coach; needs the training extras)."""
