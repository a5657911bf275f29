"""The command classifier's shapes, built with torch for training; coach/audio/classifier.py runs
the saved weights with numpy."""

CONTEXT = 16
"""Embeddings the classifier sees: the last 1.28 s of steps, 2.05 s of sound."""
HIDDEN = (256, 128)
"""Dense layers of the "dense" shape."""
CONV = ((64, 1), (64, 2))
"""(channels, dilation) of each 3-wide convolution over time in the "conv" shape; then HEAD."""
HEAD = 128
EMBEDDING = 96


def build(torch, shape: str, classes: int, hidden=HIDDEN, dropout: float = 0.3):
    """A torch module taking (batch, CONTEXT, EMBEDDING) windows to class scores. "dense": the
    window flattened into dense layers. "conv": convolutions over time first, whose weights are
    shared across the window, so a word is heard the same wherever it sits in it."""
    layers = []
    if shape == "dense":
        layers.append(torch.nn.Flatten())
        size = CONTEXT * EMBEDDING
        for width in hidden:
            layers += [torch.nn.Linear(size, width), torch.nn.ReLU(), torch.nn.Dropout(dropout)]
            size = width
    else:
        layers.append(Transpose(torch))
        size, steps = EMBEDDING, CONTEXT
        for channels, dilation in CONV:
            layers += [torch.nn.Conv1d(size, channels, 3, dilation=dilation), torch.nn.ReLU(), torch.nn.Dropout(dropout)]
            size, steps = channels, steps - 2 * dilation
        layers += [torch.nn.Flatten(), torch.nn.Linear(size * steps, HEAD), torch.nn.ReLU(), torch.nn.Dropout(dropout)]
        size = HEAD
    return torch.nn.Sequential(*layers, torch.nn.Linear(size, classes))


def Transpose(torch):
    class _Transpose(torch.nn.Module):  # (batch, time, features) -> (batch, features, time)
        def forward(self, x):
            return x.transpose(1, 2)

    return _Transpose()
