"""torch.nn for tinygrad-losses: Module, layers, and a class for every loss."""
from tinygrad_losses.nn.module import Module, Parameter  # noqa: F401
