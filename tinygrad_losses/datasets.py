"""The toy data sets, at their old import path (they live in ``tinygrad_losses.app.datasets``)."""
from tinygrad_losses.app.datasets import *  # noqa: F401,F403
