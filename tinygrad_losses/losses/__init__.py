"""The loss library: pure functions, one file per family, re-exported by ``tinygrad_losses.functional``."""
