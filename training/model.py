"""The command classifier's shape, shared by training (torch) and the shipped weights (numpy)."""

CONTEXT = 16
"""Embeddings the classifier sees: the last 1.28 s of steps, 2.05 s of sound."""
HIDDEN = (256, 128)
